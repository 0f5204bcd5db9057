"""Giao Hàng Nhanh (GHN) through its public API (api.ghn.vn), headers `Token` and `ShopId`.

GHN identifies places by its own master data (ProvinceID → DistrictID → WardCode, the pre-2025
hierarchy): a `Place` is matched by folded name, province then legacy district then legacy
commune (or the new commune, if GHN lists it), and the lists are cached for a day. GHN does not
sign its callbacks: the callback URL registered with GHN carries our GHN_WEBHOOK_TOKEN as `?token=`.

To verify against the sandbox (dev-online-gateway.ghn.vn) with real keys: that `leadtime` accepts
`service_type_id` (its docs show `service_id`), the box size we declare (Parcel has none), the
insurance ceiling (5 000 000 đ in the docs), and the exact `log` and webhook field spellings.
"""

import json
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any, NamedTuple, TypeVar
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from products.reference import bare

from .base import (
    CarrierError,
    CreatedShipment,
    Label,
    Parcel,
    Place,
    Quote,
    Status,
    TrackingEvent,
    WebhookMalformed,
)
from .http import VIETNAM, call, carrier_time, require_secret, tracking_event

T = TypeVar("T")

SERVICE_TYPE = 2  # "hàng nhẹ", the e-commerce service
# Parcel has no dimensions and GHN wants them (it bills max(weight, L×W×H/5000 g)): a small
# box, 450 g by volume, so that the weight decides for ordinary parcels.
BOX = {"length": 15, "width": 15, "height": 10}
MASTER_DATA_SECONDS = 24 * 3600

STATUSES = {
    **dict.fromkeys(("ready_to_pick", "picking", "money_collect_picking"), Status.CREATED),
    **dict.fromkeys(("picked", "storing"), Status.PICKED),
    **dict.fromkeys(
        ("transporting", "sorting", "delivering", "money_collect_delivering"), Status.IN_TRANSIT
    ),
    "delivered": Status.DELIVERED,
    **dict.fromkeys(("delivery_fail", "exception", "damage", "lost"), Status.FAILED),
    **dict.fromkeys(
        ("waiting_to_return", "return", "return_transporting", "return_sorting", "returning"),
        Status.RETURNING,
    ),
    "return_fail": Status.RETURNING,  # a failed return attempt: GHN tries again
    "returned": Status.RETURNED,
    "cancel": Status.CANCELLED,
}


class _Address(NamedTuple):
    """A place in GHN's master data: its province, district and ward rows."""

    province: dict
    district: dict
    ward: dict


class GHN:
    code = "ghn"
    name = "Giao Hàng Nhanh (GHN)"

    def configured(self) -> bool:
        return bool(settings.GHN_API_TOKEN and settings.GHN_SHOP_ID)

    def quote(self, origin: Place, destination: Place, parcel: Parcel) -> Quote:
        route = self._route(self._address(origin), self._address(destination))
        fee = self._call(
            "POST",
            "/v2/shipping-order/fee",
            lambda data: int(data["total"]),
            json={
                **route,
                **BOX,
                "service_type_id": SERVICE_TYPE,
                "weight": parcel.weight_grams,
                "insurance_value": parcel.value,
                "cod_value": parcel.cod_amount,
            },
        )
        arrival = self._call(
            "POST",
            "/v2/shipping-order/leadtime",
            lambda data: datetime.fromtimestamp(int(data["leadtime"]), VIETNAM).date(),
            json={**route, "service_type_id": SERVICE_TYPE},
        )
        days = max(1, (arrival - datetime.now(VIETNAM).date()).days)
        return Quote(carrier=self.code, fee=fee, days_min=days, days_max=days)

    def create_shipment(self, origin: Place, destination: Place, parcel: Parcel) -> CreatedShipment:
        sender, recipient = self._address(origin), self._address(destination)
        order = {
            # The shop pays GHN: the buyer paid the shipping to us (inside the COD, if any).
            "payment_type_id": 1,
            "required_note": "CHOXEMHANGKHONGTHU",
            "from_name": origin.name,
            "from_phone": origin.phone,
            "from_address": origin.street,
            "from_ward_name": sender.ward["WardName"],
            "from_district_name": sender.district["DistrictName"],
            "from_province_name": sender.province["ProvinceName"],
            "to_name": destination.name,
            "to_phone": destination.phone,
            "to_address": destination.street,
            "to_ward_code": recipient.ward["WardCode"],
            "to_district_id": recipient.district["DistrictID"],
            "cod_amount": parcel.cod_amount,
            "insurance_value": parcel.value,
            "weight": parcel.weight_grams,
            **BOX,
            "service_type_id": SERVICE_TYPE,
            "client_order_code": parcel.reference,
            "content": ", ".join(f"{item.name} × {item.quantity}" for item in parcel.items),
            "note": parcel.note,
            "items": [
                {"name": item.name, "quantity": item.quantity, "weight": item.weight_grams}
                for item in parcel.items
            ],
        }

        def created(data: dict) -> CreatedShipment:
            expected = data.get("expected_delivery_time")
            return CreatedShipment(
                carrier=self.code,
                tracking_code=str(data["order_code"]),
                fee=int(data["total_fee"]),
                expected_delivery=_day(expected) if expected else None,
            )

        return self._call("POST", "/v2/shipping-order/create", created, json=order)

    def cancel(self, tracking_code: str) -> None:
        def cancelled(results: list[dict]) -> None:
            for result in results:
                if not result["result"]:
                    message = _("GHN không hủy được đơn %(code)s: %(reason)s")
                    reason = {"code": tracking_code, "reason": result.get("message", "")}
                    raise CarrierError(message % reason, retryable=False)

        self._call(
            "POST", "/v2/switch-status/cancel", cancelled, json={"order_codes": [tracking_code]}
        )

    def track(self, tracking_code: str) -> list[TrackingEvent]:
        def history(data: dict) -> list[TrackingEvent]:
            log = data.get("log") or [
                {"status": data["status"], "updated_date": data["updated_date"]}
            ]
            events = (
                _event(
                    tracking_code,
                    entry["status"],
                    entry["updated_date"],
                    reference=data.get("client_order_code") or "",
                    cod=data.get("cod_amount"),
                    raw=entry,
                )
                for entry in log
            )
            return [event for event in events if event]

        return self._call(
            "POST", "/v2/shipping-order/detail", history, json={"order_code": tracking_code}
        )

    def label(self, tracking_code: str) -> Label:
        """A link to GHN's A5 print page; GHN's print token lasts 30 minutes, so ask each time."""
        token = self._call(
            "POST",
            "/v2/a5/gen-token",
            lambda data: str(data["token"]),
            json={"order_codes": [tracking_code]},
        )
        base = urlsplit(settings.GHN_API_BASE)
        url = f"{base.scheme}://{base.netloc}/a5/public-api/printA5?{urlencode({'token': token})}"
        return Label(content_type="text/uri-list", url=url)

    def tracking_url(self, tracking_code: str) -> str:
        return f"https://donhang.ghn.vn/?{urlencode({'order_code': tracking_code})}"

    def parse_webhook(
        self, headers: Mapping[str, str], query: Mapping[str, str], body: bytes
    ) -> list[TrackingEvent]:
        """One GHN callback (JSON). A status we do not know yields no event."""
        require_secret(query.get("token") or "", settings.GHN_WEBHOOK_TOKEN)
        try:
            payload = json.loads(body)
            event = _event(
                str(payload["OrderCode"]),
                payload["Status"],
                payload["Time"],
                replay_key=(payload.get("Type") or "",),
                reference=payload.get("ClientOrderCode") or "",
                cod=payload.get("CODAmount"),
                note=payload.get("Reason") or payload.get("Description") or "",
                raw=payload,
            )
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise WebhookMalformed(f"unreadable GHN callback: {exc}") from exc
        return [event] if event else []

    def _call(self, method: str, path: str, read: Callable[[Any], T], **kwargs: Any) -> T:
        """One GHN call; `read` gets the answer's `data`."""
        if not self.configured():
            raise CarrierError(_("Chưa cấu hình khóa API của GHN."), retryable=False)
        return call(
            "GHN",
            method,
            settings.GHN_API_BASE.rstrip("/") + path,
            headers={"Token": settings.GHN_API_TOKEN, "ShopId": str(settings.GHN_SHOP_ID)},
            accepted=lambda answer: answer.get("code") == 200,
            read=lambda answer: read(answer["data"]),
            **kwargs,
        )

    def _master_data(self, path: str, **params: Any) -> list[dict]:
        key = f"ghn-master-data:{settings.GHN_API_BASE}{path}?{urlencode(params)}"
        rows = cache.get(key)
        if rows is None:
            rows = self._call("GET", path, lambda data: list(data or []), params=params)
            cache.set(key, rows, MASTER_DATA_SECONDS)
        return rows

    def _address(self, place: Place) -> _Address:
        province = _find(
            self._master_data("/master-data/province"), "Province", place.province_name
        )
        district = province and _find(
            self._master_data("/master-data/district", province_id=province["ProvinceID"]),
            "District",
            place.legacy_district,
        )
        ward = district and _find(
            self._master_data("/master-data/ward", district_id=district["DistrictID"]),
            "Ward",
            place.legacy_commune,
            place.commune_name,
        )
        if not ward:
            message = _("GHN chưa có địa chỉ này trong danh mục: %(place)s.")
            where = ", ".join(
                n for n in (place.commune_name, place.legacy_district, place.province_name) if n
            )
            raise CarrierError(message % {"place": where}, retryable=False)
        return _Address(province, district, ward)

    @staticmethod
    def _route(sender: _Address, recipient: _Address) -> dict:
        return {
            "from_district_id": sender.district["DistrictID"],
            "from_ward_code": sender.ward["WardCode"],
            "to_district_id": recipient.district["DistrictID"],
            "to_ward_code": recipient.ward["WardCode"],
        }


def _day(text: str) -> date:
    """The day, in Vietnam, of a GHN time."""
    return carrier_time(text).astimezone(VIETNAM).date()


def _find(rows: list[dict], kind: str, *names: str) -> dict | None:
    """The row of `kind` ("Province", "District", "Ward") named like one of `names`, comparing
    folded names without their kind word, GHN's `NameExtension` spellings included."""
    wanted = {bare(name) for name in names if name}
    for row in rows:
        spellings = [row.get(f"{kind}Name") or "", *(row.get("NameExtension") or [])]
        if wanted & {bare(spelling) for spelling in spellings}:
            return row
    return None


def _event(code: str, raw_status: str, when: str, **details: Any) -> TrackingEvent | None:
    return tracking_event(
        GHN.code, code, raw_status, STATUSES.get(raw_status.lower()), when, **details
    )
