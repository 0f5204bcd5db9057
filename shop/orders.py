"""Order and per-producer status changes. Every change writes a history row and (after commit)
emails the buyer; stock is released on cancel and consumed on delivery."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import emails
from .models import Order, OrderShipment, OrderStatusChange
from .stock import consume, release

S = Order.Status
P = OrderShipment.Status
OPEN_PARTS = (P.PENDING, P.PROCESSING, P.SHIPPED)


class TransitionError(Exception):
    pass


def _record(order, old, new, *, user=None, note="", shipment=None):
    OrderStatusChange.objects.create(
        order=order,
        shipment=shipment,
        old_status=old,
        new_status=new,
        user=user if user is not None and getattr(user, "is_authenticated", False) else None,
        note=note[:255],
    )


def set_order_status(order: Order, new: str, *, user=None, note: str = "", notify=True) -> bool:
    old = order.status
    if old == new:
        return False
    order.status = new
    order.save(update_fields=["status", "paid_at", "stock_reserved", "updated_at"])
    _record(order, old, new, user=user, note=note)
    if notify:
        pk = order.pk
        transaction.on_commit(lambda: emails.send_order_email(pk, "status"))
    return True


def _lock(order: Order) -> Order:
    return Order.objects.select_for_update().get(pk=order.pk)


@transaction.atomic
def mark_paid(order: Order, *, user=None, note: str = "") -> bool:
    """Payment received (Stripe webhook, confirmed bank transfer). Idempotent."""
    order = _lock(order)
    if order.is_paid:
        return False
    if order.status in (S.CANCELLED, S.REFUNDED):
        # Paid after the reservation was released (e.g. a late transfer): try to take the stock
        # again; if it is gone, the order stays cancelled and needs a refund.
        from .stock import InsufficientStock, reserve

        try:
            reserve(_open_items(order, include_cancelled=True))
        except InsufficientStock:
            order.paid_at = timezone.now()
            order.save(update_fields=["paid_at", "updated_at"])
            _record(
                order,
                order.status,
                order.status,
                user=user,
                note=_("Đã nhận tiền sau khi đơn bị hủy và hàng đã hết: cần hoàn tiền.")
                + " "
                + note,
            )
            return True
        order.shipments.filter(status=P.CANCELLED).update(status=P.PENDING)
        order.stock_reserved = True
    order.paid_at = timezone.now()
    set_order_status(order, S.PAID, user=user, note=note or _("Đã nhận thanh toán"))
    return True


def _open_items(order: Order, include_cancelled=False):
    statuses = OPEN_PARTS + ((P.CANCELLED,) if include_cancelled else ())
    return [(line.sku, line.quantity) for line in order.lines.filter(shipment__status__in=statuses)]


@transaction.atomic
def cancel_order(order: Order, *, user=None, note: str = "") -> bool:
    """Cancel what is not delivered yet and give its reserved stock back. Idempotent."""
    order = _lock(order)
    if order.status in (S.CANCELLED, S.REFUNDED, S.DELIVERED):
        return False
    if order.stock_reserved:
        release(_open_items(order))
        order.stock_reserved = False
    for shipment in order.shipments.filter(status__in=OPEN_PARTS):
        _record(order, shipment.status, P.CANCELLED, user=user, note=note, shipment=shipment)
        shipment.status = P.CANCELLED
        shipment.save(update_fields=["status", "updated_at"])
    return set_order_status(order, S.CANCELLED, user=user, note=note or _("Hủy đơn"))


@transaction.atomic
def refund_order(order: Order, *, user=None, note: str = "") -> bool:
    """Refund a paid order: card orders through Stripe, others recorded as refunded by hand."""
    order = _lock(order)
    if order.status == S.REFUNDED:
        return False
    if not order.is_paid:
        raise TransitionError(_("Đơn chưa được thanh toán nên không thể hoàn tiền."))
    if order.payment_method == Order.Payment.STRIPE:
        from .payments.stripe_gateway import refund

        refund_id = refund(order)
        note = f"{note} Stripe {refund_id}".strip()
    if order.stock_reserved:
        release(_open_items(order))
        order.stock_reserved = False
    order.shipments.filter(status__in=OPEN_PARTS).update(status=P.CANCELLED)
    return set_order_status(order, S.REFUNDED, user=user, note=note or _("Hoàn tiền"))


NOT_SHIPPABLE = (S.PENDING_PAYMENT, S.CANCELLED, S.REFUNDED)

NEXT_PART_STATUS = {
    P.PENDING: (P.PROCESSING, P.SHIPPED, P.DELIVERED),
    P.PROCESSING: (P.SHIPPED, P.DELIVERED),
    P.SHIPPED: (P.DELIVERED,),
}


@transaction.atomic
def set_shipment_status(shipment: OrderShipment, new: str, *, user=None, note: str = "") -> bool:
    """A producer moves its own part forward; delivery consumes its stock. The order's status
    follows its parts."""
    order = _lock(shipment.order)
    shipment = OrderShipment.objects.select_for_update().get(pk=shipment.pk)
    if shipment.status == new:
        return False
    if new not in NEXT_PART_STATUS.get(shipment.status, ()):
        raise TransitionError(_("Không thể chuyển phần đơn sang trạng thái này."))
    if order.status in NOT_SHIPPABLE:
        raise TransitionError(_("Đơn chưa thanh toán hoặc đã hủy: chưa thể giao hàng."))
    old = shipment.status
    shipment.status = new
    shipment.save(update_fields=["status", "updated_at"])
    _record(order, old, new, user=user, note=note, shipment=shipment)
    if new == P.DELIVERED and order.stock_reserved:
        consume(
            [(line.sku, line.quantity) for line in shipment.lines.all()],
            reason=f"Giao đơn {order.reference}",
            user=user if getattr(user, "is_authenticated", False) else None,
        )
    _follow_parts(order, user=user)
    return True


def _follow_parts(order: Order, *, user=None):
    parts = [s.status for s in order.shipments.all() if s.status != P.CANCELLED]
    if not parts:
        return
    if all(p == P.DELIVERED for p in parts):
        order.stock_reserved = False
        target = S.DELIVERED
    elif all(p in (P.SHIPPED, P.DELIVERED) for p in parts):
        target = S.SHIPPED
    else:
        target = S.PROCESSING
    if target != order.status:
        set_order_status(order, target, user=user, note=_("Theo trạng thái các phần đơn"))


@transaction.atomic
def mark_cod_collected(shipment: OrderShipment, *, user=None) -> bool:
    """A producer marks its cash-on-delivery part paid; when every part is, so is the order."""
    order = _lock(shipment.order)
    shipment = OrderShipment.objects.select_for_update().get(pk=shipment.pk)
    if order.payment_method != Order.Payment.COD or shipment.cod_collected_at:
        return False
    shipment.cod_collected_at = timezone.now()
    shipment.save(update_fields=["cod_collected_at", "updated_at"])
    _record(
        order,
        shipment.status,
        shipment.status,
        user=user,
        note=_("Đã thu tiền COD"),
        shipment=shipment,
    )
    open_parts = order.shipments.exclude(status=P.CANCELLED)
    if not open_parts.filter(cod_collected_at__isnull=True).exists():
        order.paid_at = timezone.now()
        order.save(update_fields=["paid_at", "updated_at"])
        _record(order, order.status, order.status, user=user, note=_("Đã thu đủ tiền COD"))
    return True
