"""A local stand-in for GHN's public API (master data, fee, lead time, orders, print token),
for the real client; the server plumbing the carrier fakes share (`FakeCarrier`); and places
its master data knows, which the GHTK tests use too."""

import json
import math
import socket
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import NamedTuple
from urllib.parse import parse_qsl, urlsplit

from shop.delivery.base import Place


class Raw(NamedTuple):
    """A non-JSON answer."""

    content: bytes
    content_type: str


class FakeCarrier:
    """A carrier API on 127.0.0.1: `.requests` logs every call (method, path, query, lower-cased
    headers, JSON body); `.delay` seconds pass before each answer; `.fail_with` an HTTP status
    answers every call with that status and an HTML page, as a broken gateway does."""

    def __init__(self):
        self.requests: list[dict] = []
        self.delay = 0.0
        self.fail_with: int | None = None
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                fake._serve(self, "GET")

            def do_POST(self):
                fake._serve(self, "POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def answer(self, request: dict) -> tuple[int, dict | Raw]:
        raise NotImplementedError

    def _serve(self, handler: BaseHTTPRequestHandler, method: str):
        url = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length)
        request = {
            "method": method,
            "path": url.path,
            "query": dict(parse_qsl(url.query, keep_blank_values=True)),
            "headers": {k.lower(): v for k, v in handler.headers.items()},
            "json": json.loads(body) if body else None,
        }
        self.requests.append(request)
        if self.delay:
            time.sleep(self.delay)
        if self.fail_with:
            status, answer = self.fail_with, Raw(b"<html>Bad Gateway</html>", "text/html")
        else:
            status, answer = self.answer(request)
        if not isinstance(answer, Raw):
            answer = Raw(json.dumps(answer).encode(), "application/json")
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", answer.content_type)
            handler.send_header("Content-Length", str(len(answer.content)))
            handler.end_headers()
            handler.wfile.write(answer.content)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (the timeout tests)


def unused_url() -> str:
    """The address of a port nothing listens on (connections are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


class Refusal(Exception):
    """GHN's answer to a request it will not serve: HTTP 400, code 400, USER_ERR_COMMON."""


PREFIX = "/shiip/public-api"
CANCELLABLE = {"ready_to_pick", "picking", "money_collect_picking"}

# A slice of GHN's master data (pre-2025 units), with a ward GHN added under its new name.
PROVINCES = [
    {"ProvinceID": 201, "ProvinceName": "Hà Nội", "NameExtension": ["TP.Hà Nội", "hanoi"]},
    {"ProvinceID": 202, "ProvinceName": "Hồ Chí Minh", "NameExtension": ["TP.HCM", "HCM"]},
]
DISTRICTS = {
    201: [
        {"DistrictID": 1489, "ProvinceID": 201, "DistrictName": "Quận Hoàn Kiếm"},
        {"DistrictID": 1703, "ProvinceID": 201, "DistrictName": "Huyện Gia Lâm"},
    ],
    202: [{"DistrictID": 1442, "ProvinceID": 202, "DistrictName": "Quận 1"}],
}
WARDS = {
    1489: [
        {"WardCode": "1A0105", "DistrictID": 1489, "WardName": "Phường Hàng Bạc"},
        {"WardCode": "1A0199", "DistrictID": 1489, "WardName": "Phường Hoàn Kiếm"},
    ],
    1703: [{"WardCode": "1B2710", "DistrictID": 1703, "WardName": "Xã Bát Tràng"}],
    1442: [{"WardCode": "20109", "DistrictID": 1442, "WardName": "Phường Bến Nghé"}],
}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class FakeGHN(FakeCarrier):
    """GHN under `.api_base`; `.orders` by order code; `.advance()` moves an order on and
    returns the callback GHN would post."""

    TOKEN = "ghn-test-token"
    SHOP_ID = "885"

    def __init__(self):
        super().__init__()
        self.api_base = self.url + PREFIX
        self.orders: dict[str, dict] = {}
        self.print_tokens: dict[str, list[str]] = {}

    def advance(self, code: str, status: str) -> bytes:
        order = self.orders[code]
        order["status"] = status
        order["log"].append({"status": status, "updated_date": _now()})
        return json.dumps(
            {
                "CODAmount": order["cod_amount"],
                "ClientOrderCode": order["client_order_code"],
                "Description": "",
                "OrderCode": code,
                "Reason": "",
                "ShopID": int(self.SHOP_ID),
                "Status": status,
                "Time": order["log"][-1]["updated_date"],
                "TotalFee": order["total_fee"],
                "Type": "switch_status",
            }
        ).encode()

    def answer(self, request):
        if request["path"] == "/a5/public-api/printA5":  # public: the token is the key
            codes = self.print_tokens.get(request["query"].get("token"))
            if codes is None:
                return 404, Raw(b"token expired", "text/plain")
            return 200, Raw(f"<html>A5 {' '.join(codes)}</html>".encode(), "text/html")
        if request["headers"].get("token") != self.TOKEN:
            return 401, {"code": 401, "message": "Token is not valid!", "data": None}
        serve = {
            "/master-data/province": self._provinces,
            "/master-data/district": self._districts,
            "/master-data/ward": self._wards,
            "/v2/shipping-order/fee": self._fee,
            "/v2/shipping-order/leadtime": self._leadtime,
            "/v2/shipping-order/create": self._create,
            "/v2/switch-status/cancel": self._cancel,
            "/v2/shipping-order/detail": self._detail,
            "/v2/a5/gen-token": self._gen_token,
        }.get(request["path"].removeprefix(PREFIX))
        if serve is None:
            return 404, Raw(b"404 page not found", "text/plain")
        try:
            return 200, {"code": 200, "message": "Success", "data": serve(request)}
        except Refusal as refusal:
            return 400, {
                "code": 400,
                "message": str(refusal),
                "data": None,
                "code_message": "USER_ERR_COMMON",
            }

    def _provinces(self, request):
        return PROVINCES

    def _districts(self, request):
        return DISTRICTS.get(int(request["query"]["province_id"]), [])

    def _wards(self, request):
        return WARDS.get(int(request["query"]["district_id"]), [])

    @staticmethod
    def _province_of(district_id: int) -> int:
        for province, districts in DISTRICTS.items():
            if any(d["DistrictID"] == district_id for d in districts):
                return province
        raise Refusal(f"district_id {district_id} không tồn tại")

    def _days(self, body: dict) -> int:
        same = self._province_of(body["from_district_id"]) == self._province_of(
            body["to_district_id"]
        )
        return 1 if same else 3

    def _fee(self, request):
        return self._price(request["json"])

    def _price(self, body: dict) -> dict:
        _require(body, "to_district_id", "to_ward_code", "weight", "service_type_id")
        volume = body.get("length", 0) * body.get("width", 0) * body.get("height", 0) // 5000
        weight = max(body["weight"], volume)
        base = 16500 if self._days(body) == 1 else 32000
        service = base + 5000 * max(0, math.ceil(weight / 500) - 1)
        value = body.get("insurance_value", 0)
        insurance = value // 200 if value > 1_000_000 else 0
        return {"total": service + insurance, "service_fee": service, "insurance_fee": insurance}

    def _leadtime(self, request):
        body = request["json"]
        _require(body, "from_district_id", "to_district_id", "to_ward_code")
        now = int(time.time())
        return {"leadtime": now + self._days(body) * 86400, "order_date": now}

    def _create(self, request):
        body = request["json"]
        _require(
            body,
            "to_name",
            "to_phone",
            "to_address",
            "to_ward_code",
            "to_district_id",
            "weight",
            "service_type_id",
            "payment_type_id",
            "required_note",
        )
        reference = body.get("client_order_code")
        if reference and any(o["client_order_code"] == reference for o in self.orders.values()):
            raise Refusal("Client_order_code đã tồn tại")
        body = {**body, "from_district_id": self._district_named(body["from_district_name"])}
        fee = self._price(body)["total"]
        code = "L" + uuid.uuid4().hex[:7].upper()
        # GHN promises a day in Vietnam (UTC+7) and sends its end, 23:59:59 there = 16:59:59Z.
        arrival = datetime.now(UTC) + timedelta(hours=7) + timedelta(days=self._days(body))
        self.orders[code] = {
            "order_code": code,
            "client_order_code": reference or "",
            "status": "ready_to_pick",
            "cod_amount": body.get("cod_amount", 0),
            "total_fee": fee,
            "log": [{"status": "ready_to_pick", "updated_date": _now()}],
            "request": request["json"],
        }
        return {
            "order_code": code,
            "sort_code": "190-G-01-A1",
            "total_fee": fee,
            "expected_delivery_time": arrival.strftime("%Y-%m-%dT16:59:59Z"),
        }

    @staticmethod
    def _district_named(name: str) -> int:
        for districts in DISTRICTS.values():
            for district in districts:
                if district["DistrictName"] == name:
                    return district["DistrictID"]
        raise Refusal(f"Không tìm thấy quận/huyện {name}")

    def _cancel(self, request):
        results = []
        for code in request["json"]["order_codes"]:
            order = self.orders.get(code)
            if order is None or order["status"] not in CANCELLABLE:
                message = "Đơn hàng không tồn tại" if order is None else "Đơn hàng không thể hủy"
                results.append({"order_code": code, "result": False, "message": message})
            else:
                order["status"] = "cancel"
                order["log"].append({"status": "cancel", "updated_date": _now()})
                results.append({"order_code": code, "result": True, "message": "OK"})
        return results

    def _detail(self, request):
        order = self._order(request["json"]["order_code"])
        return {
            "order_code": order["order_code"],
            "client_order_code": order["client_order_code"],
            "status": order["status"],
            "cod_amount": order["cod_amount"],
            "updated_date": order["log"][-1]["updated_date"],
            "log": order["log"],
        }

    def _gen_token(self, request):
        codes = request["json"]["order_codes"]
        for code in codes:
            self._order(code)
        token = str(uuid.uuid4())
        self.print_tokens[token] = codes
        return {"token": token}

    def _order(self, code: str) -> dict:
        if code not in self.orders:
            raise Refusal(
                "Lỗi gọi API: corev2_tenant_order_detail - code=404, message=Đơn hàng không tồn tại"
            )
        return self.orders[code]


def _require(body: dict | None, *fields: str):
    missing = [field for field in fields if not (body or {}).get(field)]
    if missing:
        raise Refusal(f"Thiếu thông tin: {', '.join(missing)}")


# Places the master data above knows: a producer in Bát Tràng (Gia Lâm), a buyer in what was
# Bến Nghé (Quận 1), another in what was Hàng Bạc (Hoàn Kiếm).
BAT_TRANG = Place(
    province_code="01",
    province_name="Thành phố Hà Nội",
    commune_code="10042",
    commune_name="Xã Bát Tràng",
    street="Xóm 3, thôn Giang Cao",
    legacy_commune="Xã Bát Tràng",
    legacy_district="Huyện Gia Lâm",
    name="HTX Gốm sứ Bát Tràng",
    phone="0912345678",
)
SAI_GON = Place(
    province_code="79",
    province_name="Thành phố Hồ Chí Minh",
    commune_code="26734",
    commune_name="Phường Sài Gòn",
    street="12 Lê Lợi",
    legacy_commune="Phường Bến Nghé",
    legacy_district="Quận 1",
    name="Nguyễn Văn An",
    phone="0987654321",
)
HOAN_KIEM = Place(
    province_code="01",
    province_name="Thành phố Hà Nội",
    commune_code="00070",
    commune_name="Phường Hoàn Kiếm",
    street="5 Hàng Bạc",
    legacy_commune="Phường Hàng Bạc",
    legacy_district="Quận Hoàn Kiếm",
    name="Trần Thị Bình",
    phone="0904000111",
)
