"""The one interface every carrier implements, and the plain values that cross it.

A carrier quotes a fee for a parcel between two places, creates the shipment (tracking code and
label), cancels it, tracks it, and turns its status webhooks into `TrackingEvent`s with one
normalised status. The real clients (ghn, ghtk) talk HTTP with a timeout of
SHOP_CARRIER_TIMEOUT seconds (≤ 3); any failure raises `CarrierError`, never anything else, so
the caller can fall back to the fee table and keep checkout working.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from django.utils.translation import gettext_lazy


class Status:
    """Normalised shipment statuses (carrier-specific codes map onto these)."""

    CREATED = "created"  # the carrier has the order, not yet picked up
    PICKED = "picked"  # picked up from the producer
    IN_TRANSIT = "in_transit"  # sorting, transporting, out for delivery
    DELIVERED = "delivered"
    FAILED = "failed"  # a delivery attempt failed (will be retried or returned)
    RETURNING = "returning"
    RETURNED = "returned"  # back at the producer
    CANCELLED = "cancelled"

    ALL = (CREATED, PICKED, IN_TRANSIT, DELIVERED, FAILED, RETURNING, RETURNED, CANCELLED)
    FINAL = (DELIVERED, RETURNED, CANCELLED)


STATUS_LABELS = {
    Status.CREATED: gettext_lazy("Đã tạo vận đơn, chờ lấy hàng"),
    Status.PICKED: gettext_lazy("Đã lấy hàng"),
    Status.IN_TRANSIT: gettext_lazy("Đang vận chuyển"),
    Status.DELIVERED: gettext_lazy("Đã giao thành công"),
    Status.FAILED: gettext_lazy("Giao không thành công"),
    Status.RETURNING: gettext_lazy("Đang hoàn về người bán"),
    Status.RETURNED: gettext_lazy("Đã hoàn về người bán"),
    Status.CANCELLED: gettext_lazy("Vận đơn đã hủy"),
}


class CarrierError(Exception):
    """The carrier could not answer: timeout, connection refused, 5xx, refusal, bad JSON."""

    def __init__(self, message: str, *, retryable: bool = True):
        super().__init__(message)
        self.retryable = retryable


class WebhookRejected(Exception):
    """A webhook that fails the carrier's authentication (answer 401)."""


class WebhookMalformed(Exception):
    """A webhook whose body cannot be read (answer 400)."""


@dataclass(frozen=True)
class Place:
    """One end of a parcel's trip, in the post-2025 register (province → commune/ward)."""

    province_code: str  # "01"
    province_name: str  # "Thành phố Hà Nội"
    commune_code: str  # "00070"
    commune_name: str  # "Phường Hoàn Kiếm" (with its kind)
    street: str = ""
    # The main pre-reform unit of the commune, for carriers whose master data still has
    # districts: ("Phường Hàng Bạc", "Quận Hoàn Kiếm").
    legacy_commune: str = ""
    legacy_district: str = ""
    name: str = ""
    phone: str = ""


@dataclass(frozen=True)
class ParcelItem:
    name: str
    quantity: int
    weight_grams: int  # per unit


@dataclass(frozen=True)
class Parcel:
    weight_grams: int  # total, packaging included
    value: int  # declared goods value in đồng (insurance)
    cod_amount: int = 0  # cash the carrier collects from the buyer
    items: tuple[ParcelItem, ...] = ()
    reference: str = ""  # our code for the part: "DHABCDEFGH23-4"
    note: str = ""


@dataclass(frozen=True)
class Quote:
    carrier: str  # "ghn", "ghtk", "flat"
    fee: int  # đồng
    days_min: int
    days_max: int
    service: str = ""
    fallback: bool = False  # the fee table stood in for a carrier that did not answer
    note: str = ""


@dataclass(frozen=True)
class CreatedShipment:
    carrier: str
    tracking_code: str
    fee: int
    label_url: str = ""
    expected_delivery: date | None = None


@dataclass(frozen=True)
class Label:
    content_type: str  # "application/pdf" or "text/uri-list" for a link
    content: bytes = b""
    url: str = ""


@dataclass(frozen=True)
class TrackingEvent:
    carrier: str
    tracking_code: str
    status: str  # one of Status.ALL
    raw_status: str  # the carrier's own code, kept for the history
    occurred_at: datetime  # aware
    event_id: str  # stable across replays of the same notification (idempotency key)
    client_reference: str = ""  # our Parcel.reference when the carrier echoes it
    cod_collected: int | None = None  # đồng the carrier says it collected
    note: str = ""
    raw: Mapping = field(default_factory=dict)


class Carrier(Protocol):
    code: str
    name: str  # shown to buyers and producers: "Giao Hàng Nhanh (GHN)"

    def configured(self) -> bool: ...

    def quote(self, origin: Place, destination: Place, parcel: Parcel) -> Quote: ...

    def create_shipment(
        self, origin: Place, destination: Place, parcel: Parcel
    ) -> CreatedShipment: ...

    def cancel(self, tracking_code: str) -> None: ...

    def track(self, tracking_code: str) -> list[TrackingEvent]: ...

    def label(self, tracking_code: str) -> Label: ...

    def tracking_url(self, tracking_code: str) -> str: ...

    def parse_webhook(
        self, headers: Mapping[str, str], query: Mapping[str, str], body: bytes
    ) -> list[TrackingEvent]: ...
