"""Giao Hàng Tiết Kiệm (GHTK) through its public API (api.ghtk.vn), headers `Token` and
`X-Client-Source`.

GHTK identifies places by name and accepts the post-2025 two-level address: we send the province
and commune of the current register, with the legacy district when we know it. Its fee call gives
no lead time, so a quote says 1–2 days within a province and 3–5 days otherwise. The callback URL
registered with GHTK carries our GHTK_WEBHOOK_HASH as `?hash=`; GHTK posts form-encoded bodies
(JSON is read too).

To verify against the staging API (services-staging.ghtklab.com) with real keys: that `fee.fee`
already includes `insurance_fee`, that addresses without a district pass both the fee and the
order calls, whether a plain shop token needs X-Client-Source, and the `status` codes `track`
returns.
"""

import json
import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, TypeVar
from urllib.parse import parse_qsl
from urllib.parse import quote as quote_path

from django.conf import settings
from django.utils.translation import gettext as _

from .base import (
    CarrierError,
    CreatedShipment,
    Label,
    Parcel,
    ParcelItem,
    Place,
    Quote,
    Status,
    TrackingEvent,
    WebhookMalformed,
)
from .http import call, require_secret, tracking_event

T = TypeVar("T")

STATUSES = {
    -1: Status.CANCELLED,
    **dict.fromkeys((1, 2, 8, 12, 128), Status.CREATED),
    **dict.fromkeys((3, 123), Status.PICKED),
    **dict.fromkeys((4, 10, 410), Status.IN_TRANSIT),
    **dict.fromkeys((5, 6, 45), Status.DELIVERED),
    **dict.fromkeys((7, 127, 9, 49), Status.FAILED),
    20: Status.RETURNING,
    **dict.fromkeys((11, 13, 21), Status.RETURNED),
}


class GHTK:
    code = "ghtk"
    name = "Giao Hàng Tiết Kiệm (GHTK)"

    def configured(self) -> bool:
        return bool(settings.GHTK_API_TOKEN)

    def quote(self, origin: Place, destination: Place, parcel: Parcel) -> Quote:
        def fee(answer: dict) -> int:
            if not answer["fee"]["delivery"]:
                raise CarrierError(_("GHTK chưa giao hàng tới địa chỉ này."), retryable=False)
            return int(answer["fee"]["fee"])

        params = {
            **_address("pick_", origin),
            **_address("", destination),
            "weight": parcel.weight_grams,
            "value": parcel.value,
            "transport": "road",
            "deliver_option": "none",
        }
        amount = self._call("GET", "/services/shipment/fee", fee, params=params)
        days = (1, 2) if origin.province_code == destination.province_code else (3, 5)
        return Quote(carrier=self.code, fee=amount, days_min=days[0], days_max=days[1])

    def create_shipment(self, origin: Place, destination: Place, parcel: Parcel) -> CreatedShipment:
        items = parcel.items or (ParcelItem(_("Hàng hóa"), 1, parcel.weight_grams),)
        order = {
            "id": parcel.reference,
            **_address("pick_", origin),
            "pick_name": origin.name,
            "pick_tel": origin.phone,
            **_address("", destination),
            "name": destination.name,
            "tel": destination.phone,
            "hamlet": "Khác",
            "is_freeship": "1",  # the buyer paid the shipping to us (inside the COD, if any)
            "pick_money": parcel.cod_amount,
            "value": parcel.value,
            "transport": "road",
            "note": parcel.note[:120],
        }
        products = [
            {"name": item.name, "weight": item.weight_grams / 1000, "quantity": item.quantity}
            for item in items
        ]

        def created(answer: dict) -> CreatedShipment:
            order = answer["order"]
            return CreatedShipment(
                carrier=self.code,
                tracking_code=str(order["label"]),
                fee=int(order["fee"]),
                expected_delivery=_date_in(order.get("estimated_deliver_time") or ""),
            )

        return self._call(
            "POST",
            "/services/shipment/order",
            created,
            json={"products": products, "order": order},
        )

    def cancel(self, tracking_code: str) -> None:
        self._call(
            "POST", f"/services/shipment/cancel/{quote_path(tracking_code)}", lambda answer: None
        )

    def track(self, tracking_code: str) -> list[TrackingEvent]:
        """GHTK tells the current status only, as one event."""

        def current(answer: dict) -> list[TrackingEvent]:
            order = answer["order"]
            event = _event(
                str(order["label_id"]),
                order["status"],
                order["modified"],
                reference=str(order.get("partner_id") or ""),
                cod=order.get("pick_money"),
                note=order.get("status_text") or "",
                raw=order,
            )
            return [event] if event else []

        return self._call("GET", f"/services/shipment/v2/{quote_path(tracking_code)}", current)

    def label(self, tracking_code: str) -> Label:
        return self._call(
            "GET", f"/services/label/{quote_path(tracking_code)}", _pdf_label, binary=True
        )

    def tracking_url(self, tracking_code: str) -> str:
        return f"https://i.ghtk.vn/{quote_path(tracking_code)}"

    def parse_webhook(
        self, headers: Mapping[str, str], query: Mapping[str, str], body: bytes
    ) -> list[TrackingEvent]:
        """One GHTK callback. A status we do not know yields no event."""
        require_secret(query.get("hash") or "", settings.GHTK_WEBHOOK_HASH)
        try:
            if body.lstrip().startswith(b"{"):
                payload = json.loads(body)
            else:
                payload = dict(
                    parse_qsl(body.decode(), keep_blank_values=True, strict_parsing=True)
                )
            # GHTK's documented example posts "+07:00" unescaped; form decoding makes it " 07:00".
            when = re.sub(r" (\d{2}:\d{2})$", r"+\1", payload["action_time"])
            event = _event(
                str(payload["label_id"]),
                payload["status_id"],
                when,
                reference=str(payload.get("partner_id") or ""),
                cod=payload.get("pick_money"),
                note=payload.get("reason") or "",
                raw=payload,
            )
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise WebhookMalformed(f"unreadable GHTK callback: {exc}") from exc
        return [event] if event else []

    def _call(self, method: str, path: str, read: Callable[[Any], T], **kwargs: Any) -> T:
        if not self.configured():
            raise CarrierError(_("Chưa cấu hình khóa API của GHTK."), retryable=False)
        return call(
            "GHTK",
            method,
            settings.GHTK_API_BASE.rstrip("/") + path,
            headers={
                "Token": settings.GHTK_API_TOKEN,
                "X-Client-Source": settings.GHTK_CLIENT_SOURCE,
            },
            accepted=lambda answer: answer.get("success") is True,
            read=read,
            **kwargs,
        )


def _address(prefix: str, place: Place) -> dict[str, str]:
    """GHTK's address fields for a place: `pick_…` for the sender, bare for the recipient."""
    return {
        f"{prefix}province": place.province_name,
        f"{prefix}district": place.legacy_district,
        f"{prefix}ward": place.commune_name,
        f"{prefix}address": place.street,
    }


def _date_in(text: str) -> date | None:
    """The date in GHTK's delivery estimate ("Chiều 2017-07-02"), if it has one."""
    found = re.search(r"\d{4}-\d{2}-\d{2}", text)
    return date.fromisoformat(found.group()) if found else None


def _pdf_label(content: bytes) -> Label:
    if not content.startswith(b"%PDF"):
        raise ValueError("not a PDF")
    return Label(content_type="application/pdf", content=content)


def _event(label: str, status_id: int | str, when: str, **details: Any) -> TrackingEvent | None:
    status = STATUSES.get(int(status_id))
    return tracking_event(GHTK.code, label, str(status_id), status, when, **details)
