"""A local stand-in for GHTK's public API (fee, orders, status, label PDF), for the real client."""

import math
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from cms.search.text import fold

from .fake_ghn import FakeCarrier, Raw

CANCELLABLE = {"1", "2", "12"}
LABEL_ROUTES = {
    ("POST", "/services/shipment/cancel"),
    ("GET", "/services/shipment/v2"),
    ("GET", "/services/label"),
}
STATUS_TEXT = {"-1": "Hủy đơn hàng", "2": "Đã tiếp nhận", "3": "Đã lấy hàng/Đã nhập kho"}
HOOK = "ghtk-hook-secret"  # the `hash` our callback URL carries


def serve(settings) -> "FakeGHTK":
    """Start the fake and point the site's GHTK settings (keys, callback secret) at it; the
    caller stops it. The quote cache is emptied so no earlier answer stands in."""
    from django.core.cache import cache

    fake = FakeGHTK().start()
    settings.GHTK_API_BASE = fake.url
    settings.GHTK_API_TOKEN = FakeGHTK.TOKEN
    settings.GHTK_CLIENT_SOURCE = FakeGHTK.CLIENT_SOURCE
    settings.GHTK_WEBHOOK_HASH = HOOK
    cache.clear()
    return fake


class FakeGHTK(FakeCarrier):
    """GHTK at `.url`; `.orders` by label; wards in `.unserved` get `delivery: false`;
    `.advance()` moves an order on and returns the form-encoded callback GHTK would post."""

    TOKEN = "ghtk-test-token"
    CLIENT_SOURCE = "S308157"

    def __init__(self):
        super().__init__()
        self.orders: dict[str, dict] = {}
        self.unserved: set[str] = set()

    def advance(self, label: str, status_id: int) -> bytes:
        order = self.orders[label]
        order["status"] = str(status_id)
        order["modified"] = datetime.now().strftime("%Y-%m-%d %H:%M:%S")
        return urlencode(
            {
                "label_id": label,
                "partner_id": order["partner_id"],
                "action_time": datetime.now().astimezone().isoformat(timespec="seconds"),
                "status_id": status_id,
                "reason_code": "",
                "reason": "",
                "weight": order["weight"],
                "fee": order["ship_money"],
                "pick_money": order["pick_money"],
                "return_part_package": 0,
            }
        ).encode()

    def answer(self, request):
        if request["headers"].get("token") != self.TOKEN:
            return 401, {
                "success": False,
                "message": "Cần cung cấp token hợp lệ",
                "error_code": "20101",
                "log_id": "fake-log",
            }
        method, path = request["method"], request["path"]
        if (method, path) == ("GET", "/services/shipment/fee"):
            return 200, self._fee(request["query"])
        if (method, path) == ("POST", "/services/shipment/order"):
            return self._create(request["json"] or {})
        prefix, _, label = path.rpartition("/")
        if (method, prefix) not in LABEL_ROUTES:
            return 404, {
                "success": False,
                "message": "Đường dẫn không tồn tại, vui lòng thử lại sau",
            }
        order = self.orders.get(label)
        if order is None:
            return 200, {"success": False, "message": "Không tìm thấy mã vận đơn"}
        if prefix == "/services/shipment/cancel":
            return 200, self._cancel(order)
        if prefix == "/services/shipment/v2":
            return 200, {"success": True, "message": "", "order": _view(order)}
        return 200, Raw(b"%PDF-1.4\n% GHTK label " + label.encode() + b"\n%%EOF", "application/pdf")

    def _price(self, pick_province: str, province: str, weight: int, value: int) -> dict:
        ship = 22000 if fold(pick_province) == fold(province) else 30000
        ship += 2500 * max(0, math.ceil(weight / 500) - 1)
        insurance = value // 200 if value > 1_000_000 else 0
        return {"ship": ship, "insurance": insurance, "fee": ship + insurance}

    def _fee(self, query: dict) -> dict:
        if not all(query.get(field) for field in ("pick_province", "province", "weight")):
            return {"success": False, "message": "Thiếu thông tin địa chỉ hoặc khối lượng"}
        price = self._price(
            query["pick_province"],
            query["province"],
            int(query["weight"]),
            int(query.get("value") or 0),
        )
        return {
            "success": True,
            "message": "",
            "fee": {
                "name": "area1",
                "fee": price["fee"],
                "insurance_fee": price["insurance"],
                "ship_fee_only": price["ship"],
                "delivery_type": "",
                "delivery": query.get("ward") not in self.unserved,
            },
        }

    def _create(self, body: dict) -> tuple[int, dict]:
        order, products = body.get("order") or {}, body.get("products") or []
        required = ("id", "pick_name", "pick_province", "pick_tel", "name", "province", "tel")
        if not products or not all(order.get(field) for field in required):
            return 422, {
                "success": False,
                "message": "Thiếu thông tin đơn hàng",
                "error_code": "30101",
            }
        if any(o["partner_id"] == order["id"] for o in self.orders.values()):
            return 200, {
                "success": False,
                "message": f"Mã đơn hàng {order['id']} đã tồn tại trên hệ thống",
                "error_code": "ORDER_ID_EXIST",
            }
        weight = sum(p["weight"] * p.get("quantity", 1) for p in products)
        price = self._price(
            order["pick_province"], order["province"], round(weight * 1000), order.get("value", 0)
        )
        days = 1 if fold(order["pick_province"]) == fold(order["province"]) else 4
        label = f"S1.A1.{17373471 + len(self.orders)}"
        now = datetime.now().strftime("%Y-%m-%d %H:%M:%S")
        self.orders[label] = {
            "label_id": label,
            "partner_id": order["id"],
            "status": "2",
            "created": now,
            "modified": now,
            "pick_money": order.get("pick_money", 0),
            "ship_money": price["fee"],
            "weight": weight,
            "request": body,
        }
        return 200, {
            "success": True,
            "message": "Các đơn hàng đã được add vào hệ thống GHTK thành công.",
            "order": {
                "partner_id": order["id"],
                "label": label,
                "area": "1",
                "fee": str(price["fee"]),
                "insurance_fee": str(price["insurance"]),
                "estimated_pick_time": f"Sáng {date.today().isoformat()}",
                "estimated_deliver_time": f"Chiều {(date.today() + timedelta(days)).isoformat()}",
                "products": [],
                "status_id": 2,
            },
        }

    def _cancel(self, order: dict) -> dict:
        if order["status"] not in CANCELLABLE:
            return {"success": False, "message": "Đơn hàng đã lấy, không thể hủy"}
        order["status"] = "-1"
        return {"success": True, "message": "", "log_id": "fake-log"}


def _view(order: dict) -> dict:
    return {
        "label_id": order["label_id"],
        "partner_id": order["partner_id"],
        "status": order["status"],
        "status_text": STATUS_TEXT.get(order["status"], ""),
        "created": order["created"],
        "modified": order["modified"],
        "pick_money": order["pick_money"],
        "ship_money": order["ship_money"],
    }
