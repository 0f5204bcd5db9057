"""Order state: the one transition table, who may take each step, and the services that take them.

`TRANSITIONS` lists every step an order or one producer's part can take: from which statuses,
to which, who may take it (an officer, the producer, or the system — webhooks and cron), and
the guard that must hold. `available_actions(order_or_part, user)` reads only that table; the
admin page renders exactly what it returns and the POST handler (`perform`) accepts exactly
that, so the page can never offer what the POST refuses. The services below check the same
table (status and guard) before they change anything, whoever calls them.

Every change writes a history row and (after commit) emails the buyer; stock is reserved,
released and consumed only through products.stock. The order's own status follows its parts
(processing → shipped → delivered). A payment that arrives after an order was cancelled is
recorded and the order flagged for a refund; it never silently re-opens the order. Card
refunds call Stripe outside the row lock and record the result.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from products.stock import consume, release

from . import emails, ledger
from .models import Order, OrderShipment, OrderStatusChange
from .permissions import is_officer, producer_ids_for

S = Order.Status
P = OrderShipment.Status
OPEN_PARTS = (P.PENDING, P.PROCESSING, P.SHIPPED)
NOT_SHIPPABLE = (S.PENDING_PAYMENT, S.CANCELLED, S.REFUNDED)

OFFICER, PRODUCER, SYSTEM = "officer", "producer", "system"
ORDER, PART = "order", "part"


class TransitionError(Exception):
    pass


# --- guards: None when the step may be taken, else the reason it may not ------------------


def _transfer_unpaid(order, part):
    if order.payment_method != Order.Payment.VIETQR:
        return _("đơn không thanh toán bằng chuyển khoản")
    if order.is_paid:
        return _("đơn đã được thanh toán")
    return None


def _unpaid(order, part):
    return _("đơn đã thanh toán: hãy hoàn tiền thay vì hủy") if order.is_paid else None


def _paid(order, part):
    return None if order.is_paid else _("đơn chưa được thanh toán")


def _card_unpaid(order, part):
    if order.payment_method != Order.Payment.STRIPE:
        return _("đơn không thanh toán bằng thẻ")
    return _("đơn đã được thanh toán") if order.is_paid else None


def _shippable(order, part):
    if order.status in NOT_SHIPPABLE:
        return _("đơn chưa thanh toán hoặc đã hủy: chưa thể giao hàng")
    return None


def _cod_open(order, part):
    if order.payment_method != Order.Payment.COD:
        return _("đơn không thu tiền khi nhận hàng")
    if part.cod_collected_at:
        return _("đã thu tiền phần đơn này")
    if order.status in (S.CANCELLED, S.REFUNDED):
        return _("đơn đã hủy")
    return None


@dataclass(frozen=True)
class Transition:
    name: str
    scope: str  # ORDER or PART
    sources: tuple[str, ...]
    target: str | None  # None: the status stays (a payment recorded, cash collected)
    actors: frozenset[str]
    label: str
    guard: Callable | None = None
    confirm: str = ""  # the question the admin asks before taking the step
    needs_note: bool = False
    danger: bool = False
    asks_tracking: bool = False  # the form asks for the carrier and the tracking code


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "confirm_transfer",
        ORDER,
        (S.PENDING_PAYMENT,),
        S.PAID,
        frozenset({OFFICER, PRODUCER}),
        gettext_lazy("Xác nhận đã nhận chuyển khoản"),
        _transfer_unpaid,
        confirm=gettext_lazy("Đã thấy tiền vào tài khoản, đúng số tiền và mã đơn?"),
    ),
    Transition(
        "pay",
        ORDER,
        (S.PENDING_PAYMENT,),
        S.PAID,
        frozenset({SYSTEM}),
        gettext_lazy("Ghi nhận thanh toán thẻ"),
        _card_unpaid,
    ),
    Transition(
        "late_payment",
        ORDER,
        (S.CANCELLED,),
        None,
        frozenset({SYSTEM}),
        gettext_lazy("Ghi nhận tiền đến sau khi hủy"),
        lambda order, part: _("đơn đã được thanh toán") if order.is_paid else None,
    ),
    Transition(
        "cancel",
        ORDER,
        (S.PENDING_PAYMENT, S.PROCESSING, S.SHIPPED),
        S.CANCELLED,
        frozenset({OFFICER, SYSTEM}),
        gettext_lazy("Hủy đơn"),
        _unpaid,
        confirm=gettext_lazy("Hủy đơn này và trả lại hàng đang giữ vào kho?"),
        needs_note=True,
        danger=True,
    ),
    Transition(
        "refund",
        ORDER,
        (S.PAID, S.PROCESSING, S.SHIPPED, S.DELIVERED, S.CANCELLED),
        S.REFUNDED,
        frozenset({OFFICER}),
        gettext_lazy("Hoàn tiền"),
        _paid,
        confirm=gettext_lazy("Hoàn lại toàn bộ tiền cho người mua?"),
        needs_note=True,
        danger=True,
    ),
    Transition(
        "part_processing",
        PART,
        (P.PENDING,),
        P.PROCESSING,
        frozenset({OFFICER, PRODUCER}),
        gettext_lazy("Đang chuẩn bị"),
        _shippable,
    ),
    Transition(
        "part_shipped",
        PART,
        (P.PENDING, P.PROCESSING),
        P.SHIPPED,
        frozenset({OFFICER, PRODUCER}),
        gettext_lazy("Đang giao"),
        _shippable,
        asks_tracking=True,
    ),
    Transition(
        "part_delivered",
        PART,
        (P.PENDING, P.PROCESSING, P.SHIPPED),
        P.DELIVERED,
        frozenset({OFFICER, PRODUCER}),
        gettext_lazy("Đã giao"),
        _shippable,
        confirm=gettext_lazy("Người mua đã nhận đủ hàng của phần đơn này?"),
    ),
    Transition(
        "part_returned",
        PART,
        (P.SHIPPED,),
        P.RETURNED,
        frozenset({OFFICER, SYSTEM}),
        gettext_lazy("Hàng đã hoàn về người bán"),
        _shippable,
        confirm=gettext_lazy("Hãng vận chuyển đã trả lại hàng của phần đơn này cho người bán?"),
        danger=True,
    ),
    Transition(
        "cod_collected",
        PART,
        (P.PENDING, P.PROCESSING, P.SHIPPED, P.DELIVERED),
        None,
        frozenset({OFFICER, PRODUCER}),
        gettext_lazy("Đã thu tiền COD"),
        _cod_open,
        confirm=gettext_lazy("Đã thu đủ tiền mặt của phần đơn này?"),
    ),
)

BY_NAME = {t.name: t for t in TRANSITIONS}
PART_STATUS_ACTION = {t.target: t.name for t in TRANSITIONS if t.scope == PART and t.target}


def _split(target) -> tuple[Order, OrderShipment | None]:
    if isinstance(target, OrderShipment):
        return target.order, target
    return target, None


def refusal(transition: Transition, order: Order, part: OrderShipment | None) -> str | None:
    """Why the table refuses this step right now (status and guard; not who asks)."""
    current = part.status if transition.scope == PART else order.status
    if current not in transition.sources:
        labels = OrderShipment.Status if transition.scope == PART else Order.Status
        return _("đang ở trạng thái “%(s)s”") % {"s": labels(current).label}
    return transition.guard(order, part) if transition.guard else None


class Actor:
    """Who asks: an officer, or the producers a login acts for."""

    def __init__(self, user):
        self.user = user
        self.officer = is_officer(user)
        self.producer_ids = set() if self.officer else producer_ids_for(user)
        self._owns_order: dict[int, bool] = {}

    def may(self, transition: Transition, order: Order, part: OrderShipment | None) -> bool:
        if self.officer:
            return OFFICER in transition.actors
        if PRODUCER not in transition.actors or not self.producer_ids:
            return False
        if part is not None:
            return part.producer_id in self.producer_ids
        # An order-wide step (a transfer into the platform's account): only when every part
        # of the order is this producer's own (asked once per order).
        if order.pk not in self._owns_order:
            self._owns_order[order.pk] = all(
                s.producer_id in self.producer_ids
                for s in order.shipments.all()
                if s.status != P.CANCELLED
            )
        return self._owns_order[order.pk]


def available_actions(target, user, *, actor: Actor | None = None) -> list[Transition]:
    """The steps this user may take on an order or on one producer's part, right now."""
    order, part = _split(target)
    scope = PART if part is not None else ORDER
    actor = actor or Actor(user)
    return [
        t
        for t in TRANSITIONS
        if t.scope == scope and actor.may(t, order, part) and refusal(t, order, part) is None
    ]


def explain(target, name: str, user) -> str | None:
    """Why `name` is not available to this user on this order or part (None if it is)."""
    order, part = _split(target)
    transition = BY_NAME.get(name)
    if transition is None or transition.scope != (PART if part is not None else ORDER):
        return _("thao tác không tồn tại")
    reason = refusal(transition, order, part)
    if reason:
        return reason
    if not Actor(user).may(transition, order, part):
        if name == "confirm_transfer" and not is_officer(user):
            return _(
                "đơn có hàng của chủ thể khác: tiền chuyển vào tài khoản của sàn, cán bộ "
                "sẽ xác nhận"
            )
        return _("bạn không có quyền thực hiện thao tác này")
    return None


def perform(
    target, name: str, user, *, note: str = "", carrier: str = "", tracking: str = ""
) -> bool:
    """Take step `name` for a person in the admin — only if available_actions offers it."""
    transition = BY_NAME.get(name)
    reason = explain(target, name, user)
    if reason:
        label = transition.label if transition else name
        raise TransitionError(
            _("Không thực hiện được “%(action)s”: %(reason)s.")
            % {"action": label, "reason": reason}
        )
    order, part = _split(target)
    if name == "confirm_transfer":
        return confirm_transfer(order, user=user)
    if name == "cancel":
        return cancel_order(order, user=user, note=note)
    if name == "refund":
        return refund_order(order, user=user, note=note)
    if name == "cod_collected":
        return mark_cod_collected(part, user=user)
    return set_shipment_status(
        part, transition.target, user=user, note=note, carrier=carrier, tracking=tracking
    )


def _require(name: str, order: Order, part: OrderShipment | None = None) -> Transition:
    transition = BY_NAME[name]
    reason = refusal(transition, order, part)
    if reason:
        raise _refused(transition.label, reason)
    return transition


def _refused(label, reason) -> TransitionError:
    """The error names the step that failed and why."""
    return TransitionError(
        _("Không thực hiện được “%(action)s”: %(reason)s.") % {"action": label, "reason": reason}
    )


# --- the services -----------------------------------------------------------------------------


def _human(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _record(order, old, new, *, user=None, note="", shipment=None):
    OrderStatusChange.objects.create(
        order=order,
        shipment=shipment,
        old_status=old,
        new_status=new,
        user=_human(user),
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


def flag(order: Order, reason: str, *, user=None) -> None:
    """Mark an order as needing an officer (a refund owed, a payment that does not match)."""
    order.flagged_reason = reason[:255]
    order.flagged_at = timezone.now()
    order.save(update_fields=["flagged_reason", "flagged_at", "updated_at"])
    _record(order, order.status, order.status, user=user, note=reason)


def _lock(order: Order) -> Order:
    return Order.objects.select_for_update().get(pk=order.pk)


def _open_items(order: Order):
    return [
        (line.sku, line.quantity) for line in order.lines.filter(shipment__status__in=OPEN_PARTS)
    ]


def _pay(order: Order, *, user, note: str) -> bool:
    order.paid_at = timezone.now()
    set_order_status(order, S.PAID, user=user, note=note or _("Đã nhận thanh toán"))
    ledger.post_order_paid(order)  # each producer is credited its part
    return True


@transaction.atomic
def mark_paid(order: Order, *, user=None, note: str = "") -> bool:
    """A payment arrived (Stripe webhook, the payment safety net). Idempotent.

    On a cancelled order the money is recorded and the order flagged for a refund: it stays
    cancelled and its stock stays released."""
    order = _lock(order)
    if order.is_paid:
        return False
    if order.status in (S.CANCELLED, S.REFUNDED):
        _require("late_payment", order)
        order.paid_at = timezone.now()
        order.save(update_fields=["paid_at", "updated_at"])
        ledger.post_held(order)
        flag(
            order,
            (_("Đã nhận tiền sau khi đơn bị hủy: cần hoàn tiền.") + " " + note).strip(),
            user=user,
        )
        return True
    _require("pay" if order.payment_method == Order.Payment.STRIPE else "confirm_transfer", order)
    return _pay(order, user=user, note=note)


@transaction.atomic
def confirm_transfer(order: Order, *, user=None, note: str = "") -> bool:
    """Someone saw the bank transfer arrive (until bank notifications do it automatically)."""
    order = _lock(order)
    _require("confirm_transfer", order)
    return _pay(order, user=user, note=note or _("Đã xác nhận nhận chuyển khoản"))


@transaction.atomic
def cancel_order(order: Order, *, user=None, note: str = "") -> bool:
    """Cancel what is not delivered yet and give its reserved stock back. Idempotent: False if
    the order is already cancelled or refunded."""
    order = _lock(order)
    if order.status in (S.CANCELLED, S.REFUNDED):
        return False
    _require("cancel", order)
    if order.stock_reserved:
        release(_open_items(order))
        order.stock_reserved = False
    for shipment in order.shipments.filter(status__in=OPEN_PARTS):
        _record(order, shipment.status, P.CANCELLED, user=user, note=note, shipment=shipment)
        shipment.status = P.CANCELLED
        shipment.save(update_fields=["status", "updated_at"])
    return set_order_status(order, S.CANCELLED, user=user, note=note or _("Hủy đơn"))


def refund_order(order: Order, *, user=None, note: str = "") -> bool:
    """Refund a paid order in full: card orders through Stripe, others recorded as refunded by
    hand. Stripe is called outside the row lock (a slow network never holds the order), with an
    idempotency key per order, so two clicks make one refund; its result is recorded."""
    with transaction.atomic():
        locked = _lock(order)
        if locked.status == S.REFUNDED:
            return False
        _require("refund", locked)
    refund_id = ""
    if locked.payment_method == Order.Payment.STRIPE:
        import stripe

        from .payments.stripe_gateway import refund

        try:
            refund_id = refund(locked)
        except (stripe.StripeError, ValueError) as exc:
            with transaction.atomic():
                _record(
                    locked,
                    locked.status,
                    locked.status,
                    user=user,
                    note=_("Hoàn tiền thẻ không thành công: %(e)s") % {"e": exc},
                )
            raise _refused(BY_NAME["refund"].label, str(exc)) from exc
    with transaction.atomic():
        order = _lock(order)
        if order.status == S.REFUNDED:
            return False
        _require("refund", order)
        if refund_id:
            order.stripe_refund_id = refund_id
            note = f"{note} Stripe {refund_id}".strip()
        if order.stock_reserved:
            release(_open_items(order))
            order.stock_reserved = False
        order.shipments.filter(status__in=OPEN_PARTS).update(status=P.CANCELLED)
        ledger.reverse_sales(order, memo=f"{order.reference} hoàn tiền {refund_id}".strip())
        order.flagged_reason = ""
        order.save(update_fields=["stripe_refund_id", "flagged_reason", "updated_at"])
        return set_order_status(order, S.REFUNDED, user=user, note=note or _("Hoàn tiền"))


@transaction.atomic
def set_shipment_status(
    shipment: OrderShipment,
    new: str,
    *,
    user=None,
    note: str = "",
    carrier: str = "",
    tracking: str = "",
) -> bool:
    """A producer moves its own part forward (with the carrier and tracking code when it
    ships); delivery consumes its stock. The order's status follows its parts."""
    order = _lock(shipment.order)
    shipment = OrderShipment.objects.select_for_update().get(pk=shipment.pk)
    shipment.order = order
    if shipment.status == new:
        return False
    name = PART_STATUS_ACTION.get(new)
    if name is None:
        raise TransitionError(_("Không thể chuyển phần đơn sang trạng thái này."))
    _require(name, order, shipment)
    old = shipment.status
    shipment.status = new
    fields = ["status", "updated_at"]
    if carrier.strip() or tracking.strip():
        shipment.carrier, shipment.tracking_code = carrier.strip()[:60], tracking.strip()[:60]
        fields += ["carrier", "tracking_code"]
        note = (note + " " + f"{shipment.carrier} {shipment.tracking_code}").strip()
    shipment.save(update_fields=fields)
    _record(order, old, new, user=user, note=note, shipment=shipment)
    items = [(line.sku, line.quantity) for line in shipment.lines.all()]
    if new == P.DELIVERED:
        shipment.delivered_at = timezone.now()
        shipment.save(update_fields=["delivered_at"])
        if order.stock_reserved:
            consume(items, reason=f"Giao đơn {order.reference}", user=_human(user))
    if new == P.RETURNED:
        if order.stock_reserved:
            release(items)  # the goods are back with the producer, on sale again
        if order.is_paid:
            flag(order, _("Hàng bị hoàn về người bán: cần hoàn tiền phần đơn này."), user=user)
    _follow_parts(order, user=user)
    return True


def _follow_parts(order: Order, *, user=None):
    parts = [s.status for s in order.shipments.all() if s.status not in (P.CANCELLED, P.RETURNED)]
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
def mark_cod_collected(shipment: OrderShipment, *, user=None, by: str = "") -> bool:
    """A producer (or, `by` its code, the carrier) collected a cash-on-delivery part; when every
    part is, so is the order. Idempotent: False if the part's cash was already collected or the
    order is not COD."""
    order = _lock(shipment.order)
    shipment = OrderShipment.objects.select_for_update().get(pk=shipment.pk)
    shipment.order = order
    if order.payment_method != Order.Payment.COD or shipment.cod_collected_at:
        return False
    _require("cod_collected", order, shipment)
    shipment.cod_collected_at = timezone.now()
    shipment.cod_collected_by = by
    shipment.save(update_fields=["cod_collected_at", "cod_collected_by", "updated_at"])
    ledger.post_sale(shipment)  # the producer holds the cash; it owes the platform its share
    _record(
        order,
        shipment.status,
        shipment.status,
        user=user,
        note=_("%(who)s đã thu tiền COD") % {"who": by.upper()} if by else _("Đã thu tiền COD"),
        shipment=shipment,
    )
    open_parts = order.shipments.exclude(status=P.CANCELLED)
    if not open_parts.filter(cod_collected_at__isnull=True).exists():
        order.paid_at = timezone.now()
        order.save(update_fields=["paid_at", "updated_at"])
        _record(order, order.status, order.status, user=user, note=_("Đã thu đủ tiền COD"))
    return True
