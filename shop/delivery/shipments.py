"""Carrier shipments: a producer creates one for its part; the carrier's status notifications
(webhooks, or a tracking poll) move the part forward through shop.orders and email the buyer.

Each notification is stored once (carrier + event id unique): a replay changes nothing. The
part follows the latest notification; one that arrives late (older than what is shown) is kept
in the history but moves nothing back, and a final status (delivered, returned) is never undone
by a stale one. Cash the carrier says it collected is booked as the carrier's to remit.
"""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import emails
from ..models import Order, OrderShipment, ShipmentEvent
from ..orders import NOT_SHIPPABLE, TransitionError, mark_cod_collected, set_shipment_status
from . import configured_carriers, get_carrier
from .base import STATUS_LABELS, CarrierError, Parcel, ParcelItem, Status, TrackingEvent
from .quotes import origin, place, settings_for

logger = logging.getLogger(__name__)
P = OrderShipment.Status

# Where each carrier status takes the part, and how far along that is.
PART_FOR = {
    Status.PICKED: P.SHIPPED,
    Status.IN_TRANSIT: P.SHIPPED,
    Status.FAILED: P.SHIPPED,
    Status.RETURNING: P.SHIPPED,
    Status.DELIVERED: P.DELIVERED,
    Status.RETURNED: P.RETURNED,
}
PROGRESS = {P.PENDING: 0, P.PROCESSING: 1, P.SHIPPED: 2, P.DELIVERED: 3, P.RETURNED: 3}
# What the buyer is told by email (when the order's own status email does not already say it).
NEWS = (Status.PICKED, Status.DELIVERED, Status.FAILED, Status.RETURNING, Status.RETURNED)


class ShipmentError(Exception):
    pass


def carriers_for(part: OrderShipment) -> list:
    """The configured carriers this part's producer accepts."""
    own = settings_for(part.producer_id)
    available = configured_carriers()
    return [available[c] for c in (own.carrier_codes if own else []) if c in available]


def cannot_create(part: OrderShipment) -> str | None:
    """Why no carrier shipment can be made for this part now (None: it can)."""
    if part.method != OrderShipment.Method.DELIVERY:
        return _("người mua nhận tại cơ sở")
    if part.tracking_code:
        return _("đã có vận đơn %(code)s") % {"code": part.tracking_code}
    if part.status not in (P.PENDING, P.PROCESSING):
        return _("phần đơn không còn chờ giao")
    if part.order.status in NOT_SHIPPABLE:
        return _("đơn chưa thanh toán hoặc đã hủy")
    if not carriers_for(part):
        return _("chưa chọn hãng vận chuyển trong cài đặt giao hàng")
    return None


def _parcel(part: OrderShipment) -> Parcel:
    lines = list(part.lines.all())
    units = sum(line.quantity for line in lines) or 1
    each = max(1, part.weight_grams // units)
    cod = part.total if part.order.payment_method == Order.Payment.COD else 0
    return Parcel(
        weight_grams=part.weight_grams or each * units,
        value=part.subtotal,
        cod_amount=cod,
        items=tuple(
            ParcelItem(f"{ln.title} ({ln.variant_label})", ln.quantity, each) for ln in lines
        ),
        reference=f"{part.order.reference}-{part.pk}",
        note=part.order.note,
    )


def create_shipment(part: OrderShipment, carrier_code: str, *, user=None) -> OrderShipment:
    """Book the parcel with the carrier, keep its tracking code, fee and label; the part is
    then being prepared. Nothing is saved if the carrier refuses or does not answer."""
    reason = cannot_create(part)
    if reason:
        raise ShipmentError(_("Không tạo được vận đơn: %(r)s.") % {"r": reason})
    carrier = next((c for c in carriers_for(part) if c.code == carrier_code), None)
    if carrier is None:
        raise ShipmentError(_("Hãng vận chuyển này chưa được bật cho chủ thể."))
    start = origin(part.producer_id)
    if start is None:
        raise ShipmentError(_("Chưa có địa chỉ lấy hàng: điền trong Cài đặt giao hàng."))
    order = part.order
    destination = place(order.commune, street=order.street, name=order.recipient, phone=order.phone)
    try:
        made = carrier.create_shipment(start, destination, _parcel(part))
    except CarrierError as exc:
        raise ShipmentError(_("%(c)s: %(e)s") % {"c": carrier.name, "e": exc}) from exc
    with transaction.atomic():
        part = OrderShipment.objects.select_for_update().select_related("order").get(pk=part.pk)
        part.carrier, part.carrier_code = carrier.name[:60], carrier.code
        part.tracking_code, part.carrier_fee = made.tracking_code[:60], made.fee
        part.label_url = made.label_url[:500]
        part.carrier_status = Status.CREATED
        part.save(
            update_fields=[
                "carrier",
                "carrier_code",
                "tracking_code",
                "carrier_fee",
                "label_url",
                "carrier_status",
                "updated_at",
            ]
        )
        if part.status == P.PENDING:
            note = _("Tạo vận đơn %(c)s %(code)s") % {"c": carrier.name, "code": made.tracking_code}
            set_shipment_status(part, P.PROCESSING, user=user, note=note)
    return part


def _part_for(event: TrackingEvent) -> OrderShipment | None:
    parts = OrderShipment.objects.select_related("order")
    part = parts.filter(carrier_code=event.carrier, tracking_code=event.tracking_code).first()
    if part is None and "-" in event.client_reference:
        reference, _sep, pk = event.client_reference.rpartition("-")
        if pk.isdigit():
            part = parts.filter(order__reference=reference, pk=int(pk)).first()
    return part


def apply_events(events: list[TrackingEvent]) -> int:
    """Record each notification once and move its part; returns how many were new."""
    applied = 0
    for event in events:
        part = _part_for(event)
        if part is None:
            logger.warning(
                "%s notification for unknown parcel %s (%s)",
                event.carrier,
                event.tracking_code,
                event.client_reference,
            )
            continue
        if _apply(part, event):
            applied += 1
    return applied


@transaction.atomic
def _apply(part: OrderShipment, event: TrackingEvent) -> bool:
    part = OrderShipment.objects.select_for_update().select_related("order").get(pk=part.pk)
    try:
        with transaction.atomic():
            ShipmentEvent.objects.create(
                shipment=part,
                carrier=event.carrier,
                event_id=event.event_id[:64],
                status=event.status,
                raw_status=event.raw_status[:40],
                occurred_at=event.occurred_at,
                note=event.note[:255],
            )
    except IntegrityError:
        return False  # a replay
    stale = part.carrier_status_at and event.occurred_at < part.carrier_status_at
    if stale or part.carrier_status in Status.FINAL and event.status not in Status.FINAL:
        return True  # kept in the history; the part already shows something newer
    part.carrier_status, part.carrier_status_at = event.status, event.occurred_at
    part.save(update_fields=["carrier_status", "carrier_status_at", "updated_at"])
    target = PART_FOR.get(event.status)
    order_status = part.order.status
    if target and PROGRESS[target] > PROGRESS.get(part.status, 9):
        try:
            set_shipment_status(part, target, note=str(STATUS_LABELS[event.status]))
        except TransitionError as exc:
            logger.warning("%s: %s not applied to %s: %s", event.carrier, event.status, part, exc)
    order = Order.objects.get(pk=part.order_id)
    if event.status in NEWS and order.status == order_status:  # else the order's own email
        transaction.on_commit(lambda: emails.send_order_email(order.pk, "parcel", part.pk))
    if event.status == Status.DELIVERED and event.cod_collected:
        part.refresh_from_db()
        mark_cod_collected(part, by=event.carrier)
    return True


def track(part: OrderShipment) -> int:
    """Ask the carrier for the part's history (when a webhook may have been missed)."""
    carrier = get_carrier(part.carrier_code)
    if carrier is None or not part.tracking_code:
        return 0
    try:
        events = carrier.track(part.tracking_code)
    except CarrierError as exc:
        raise ShipmentError(str(exc)) from exc
    return apply_events(events)


def cancel_booked(order: Order) -> list[str]:
    """Cancel with the carrier every parcel of a cancelled order that is booked but not picked
    up yet; returns what could not be cancelled (for the officer to call the carrier)."""
    problems = []
    booked = order.shipments.exclude(tracking_code="").filter(carrier_status=Status.CREATED)
    for part in booked:
        carrier = get_carrier(part.carrier_code)
        if carrier is None:
            continue
        try:
            carrier.cancel(part.tracking_code)
        except CarrierError as exc:
            problems.append(f"{part.carrier} {part.tracking_code}: {exc}")
            continue
        ShipmentEvent.objects.get_or_create(
            carrier=part.carrier_code,
            event_id=f"cancel:{part.tracking_code}"[:64],
            defaults={
                "shipment": part,
                "status": Status.CANCELLED,
                "raw_status": "cancel",
                "occurred_at": timezone.now(),
                "note": _("Hủy vận đơn theo đơn hàng"),
            },
        )
        part.carrier_status, part.carrier_status_at = Status.CANCELLED, timezone.now()
        part.save(update_fields=["carrier_status", "carrier_status_at", "updated_at"])
    return problems
