"""Returns and complaints: the one place that says who may ask for what, until when, and what an
accepted return does to money and stock.

A buyer asks, within each line's return window (its product category's, else
SHOP_RETURN_DAYS from delivery), to return lines of one producer's delivered part, with a reason,
photos and the outcome wanted. The producer answers within SHOP_RETURN_ANSWER_HOURS: it accepts
(refund or exchange) or refuses — a refusal, or silence past the deadline (`escalate_overdue`,
run by cron), hands the case to officers, who decide. Every step is a `ReturnEvent` (who, when,
what) and an email to the buyer and the producer.

An accepted refund goes back the way the money came: a card payment is refunded through Stripe
(outside the row lock, once per request); cash the producer collected is handed back by it; money
the platform holds (bank transfer, cash a carrier collected) is owed to the buyer until an officer
records the transfer with its bank reference. The ledger takes the producer's share back
(`ledger.post_return`) and the returned units go back into stock (`products.stock.restock`).
An exchange moves no money: the producer sends a new unit for the returned one.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cms.templatetags.cms_tags import vnd
from products.purchasable import producer_contacts, return_days
from products.stock import restock
from products.uploads import check_photos

from . import ledger
from .models import (
    Order,
    OrderLine,
    OrderShipment,
    ReturnEvent,
    ReturnLine,
    ReturnPhoto,
    ReturnRequest,
)
from .permissions import is_officer, producer_ids_for

R = ReturnRequest.Status
BUYER, PRODUCER, OFFICER, SYSTEM = "buyer", "producer", "officer", "system"
PENDING = (R.OPEN, R.ESCALATED)  # waiting for a decision
LIVE = (R.OPEN, R.ESCALATED, R.ACCEPTED)  # still holding its lines


class ReturnError(Exception):
    def __init__(self, messages):
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("; ".join(self.messages))


@dataclass(frozen=True)
class Returnable:
    line: OrderLine
    remaining: int  # units not yet in a live or refunded request
    until: datetime  # end of the line's return window


def returnable(part: OrderShipment, now: datetime | None = None) -> list[Returnable]:
    """The lines of a delivered part that may still be returned, and until when."""
    now = now or timezone.now()
    if part.status != OrderShipment.Status.DELIVERED or not part.delivered_at:
        return []
    lines = list(part.lines.all())
    days = return_days([ln.sku for ln in lines], settings.SHOP_RETURN_DAYS)
    taken: dict[int, int] = {}
    for held in (
        ReturnLine.objects.filter(line__in=lines)
        .exclude(request__status=R.REJECTED)
        .exclude(request__status=R.CLOSED, request__decision=ReturnRequest.Outcome.EXCHANGE)
    ):
        taken[held.line_id] = taken.get(held.line_id, 0) + held.quantity
    found = []
    for line in lines:
        until = part.delivered_at + timedelta(days=days.get(line.sku, settings.SHOP_RETURN_DAYS))
        remaining = line.quantity - taken.get(line.pk, 0)
        if now <= until and remaining > 0:
            found.append(Returnable(line, remaining, until))
    return found


def _event(request, role, action, *, user=None, note=""):
    human = user if user is not None and getattr(user, "is_authenticated", False) else None
    ReturnEvent.objects.create(
        request=request, role=role, user=human, action=action, note=note[:1000]
    )


def role_of(user, request: ReturnRequest) -> str | None:
    """How an admin user stands to a case: officer, the part's producer, or nobody."""
    if is_officer(user):
        return OFFICER
    if request.shipment.producer_id in producer_ids_for(user):
        return PRODUCER
    return None


def open_request(
    order: Order,
    part: OrderShipment,
    quantities: dict[int, int],
    *,
    reason: str,
    details: str,
    wanted: str,
    photos=(),
    user=None,
    now: datetime | None = None,
) -> ReturnRequest:
    """The buyer asks to return `quantities` (order line pk → units) of one delivered part."""
    now = now or timezone.now()
    allowed = {r.line.pk: r for r in returnable(part, now)}
    problems = []
    chosen = {pk: q for pk, q in quantities.items() if q}
    if not chosen:
        problems.append(_("Chọn ít nhất một sản phẩm muốn đổi/trả."))
    for pk, quantity in chosen.items():
        item = allowed.get(pk)
        if item is None:
            problems.append(_("Sản phẩm này đã quá hạn đổi trả hoặc chưa được giao."))
        elif quantity > item.remaining:
            problems.append(
                _("%(name)s: chỉ còn %(n)s đơn vị có thể đổi/trả.")
                % {"name": item.line.title, "n": item.remaining}
            )
    if reason not in ReturnRequest.Reason.values:
        problems.append(_("Chọn lý do đổi/trả."))
    if wanted not in ReturnRequest.Outcome.values:
        problems.append(_("Chọn mong muốn: hoàn tiền hoặc đổi hàng."))
    if len(" ".join(details.split())) < 10:
        problems.append(_("Mô tả vấn đề (ít nhất 10 ký tự) để người bán hiểu và xử lý nhanh."))
    photos = list(photos)
    kinds, photo_problems = check_photos(photos, settings.SHOP_RETURN_MAX_PHOTOS)
    problems.extend(photo_problems)
    if problems:
        raise ReturnError(problems)
    with transaction.atomic():
        request = ReturnRequest.objects.create(
            order=order,
            shipment=part,
            reason=reason,
            details=details.strip()[:2000],
            wanted=wanted,
            answer_due_at=now + timedelta(hours=settings.SHOP_RETURN_ANSWER_HOURS),
        )
        ReturnLine.objects.bulk_create(
            ReturnLine(request=request, line=allowed[pk].line, quantity=q)
            for pk, q in chosen.items()
        )
        for photo, kind in zip(photos, kinds, strict=True):
            ReturnPhoto.objects.create(request=request, file=photo, content_type=kind)
        _event(request, BUYER, "opened", user=user, note=request.get_reason_display())
        transaction.on_commit(lambda: notify(request.pk, "opened"))
    return request


def _lock(request: ReturnRequest) -> ReturnRequest:
    return (
        ReturnRequest.objects.select_for_update()
        .select_related("order", "shipment")
        .get(pk=request.pk)
    )


def answer(request: ReturnRequest, user, *, accept: bool, outcome: str = "", note: str = ""):
    """The producer's answer: accept (the buyer's wish, or the other outcome) or refuse — a
    refusal goes to the officers."""
    if role_of(user, request) not in (PRODUCER, OFFICER):
        raise ReturnError(_("Bạn không xử lý yêu cầu này."))
    with transaction.atomic():
        locked = _lock(request)
        if locked.status != R.OPEN:
            raise ReturnError(_("Yêu cầu này đã được trả lời."))
        if not accept:
            if len(note.strip()) < 5:
                raise ReturnError(_("Nêu lý do không chấp nhận để cán bộ sàn xem xét."))
            locked.status = R.ESCALATED
            locked.save(update_fields=["status", "updated_at"])
            _event(locked, PRODUCER, "refused", user=user, note=note)
            transaction.on_commit(lambda: notify(locked.pk, "escalated"))
            return locked
        _event(locked, PRODUCER, "accepted", user=user, note=note)
    return _accept(locked, outcome or locked.wanted, user=user, role=PRODUCER)


def decide(request: ReturnRequest, user, *, outcome: str, note: str = ""):
    """An officer settles a case: refund, exchange or reject."""
    if not is_officer(user):
        raise ReturnError(_("Chỉ cán bộ sàn quyết định yêu cầu đã chuyển lên."))
    if len(note.strip()) < 5:
        raise ReturnError(_("Ghi lý do quyết định (người mua và người bán sẽ nhận được)."))
    with transaction.atomic():
        locked = _lock(request)
        if locked.status not in PENDING:
            raise ReturnError(_("Yêu cầu này đã có kết quả."))
        if outcome == "reject":
            locked.status = R.REJECTED
            locked.save(update_fields=["status", "updated_at"])
            _event(locked, OFFICER, "rejected", user=user, note=note)
            transaction.on_commit(lambda: notify(locked.pk, "rejected"))
            return locked
        if outcome not in ReturnRequest.Outcome.values:
            raise ReturnError(_("Quyết định không hợp lệ."))
        _event(locked, OFFICER, "decided", user=user, note=note)
    return _accept(locked, outcome, user=user, role=OFFICER)


def _refund_route(order: Order, part: OrderShipment) -> str:
    if order.payment_method == Order.Payment.STRIPE:
        return "card"
    if order.payment_method == Order.Payment.COD and not part.cod_collected_by:
        return "producer"
    return "owed"  # a bank transfer, or cash a carrier collected: the platform holds it


def _accept(request: ReturnRequest, outcome: str, *, user, role) -> ReturnRequest:
    amount = request.value if outcome == ReturnRequest.Outcome.REFUND else 0
    route = _refund_route(request.order, request.shipment) if amount else ""
    refund_id = ""
    if route == "card":  # Stripe, outside any row lock, once per request
        import stripe

        from .payments.stripe_gateway import refund

        try:
            refund_id = refund(request.order, amount, key=f"return-{request.pk}")
        except (stripe.StripeError, ValueError) as exc:
            _event(request, SYSTEM, "refund_failed", note=str(exc))
            raise ReturnError(_("Hoàn tiền thẻ không thành công: %(e)s") % {"e": exc}) from exc
    with transaction.atomic():
        locked = _lock(request)
        if locked.status not in PENDING:
            return locked
        locked.decision = outcome
        locked.refund_amount = amount
        locked.refund_reference = refund_id
        locked.status = R.ACCEPTED if route == "owed" else R.CLOSED
        locked.save(
            update_fields=["decision", "refund_amount", "refund_reference", "status", "updated_at"]
        )
        if amount:
            ledger.post_return(locked, amount, refunded_by=route)
            restock(
                [(rl.line.sku, rl.quantity) for rl in locked.lines.select_related("line")],
                reason=f"Đổi trả {locked.order.reference}",
                user=user if getattr(user, "is_authenticated", False) else None,
            )
        money = {"amount": vnd(amount), "id": refund_id}
        note = {
            "card": _("Đã hoàn %(amount)s về thẻ (Stripe %(id)s).") % money,
            "producer": _("Người bán hoàn %(amount)s tiền mặt cho người mua.") % money,
            "owed": _("Sàn sẽ chuyển khoản hoàn %(amount)s cho người mua.") % money,
            "": _("Người bán gửi hàng đổi cho người mua."),
        }[route]
        _event(locked, role, "refund" if amount else "exchange", user=user, note=note)
        transaction.on_commit(lambda: notify(locked.pk, "accepted"))
    return locked


def record_transfer(request: ReturnRequest, user, *, bank_reference: str) -> ReturnRequest:
    """An officer transferred what the platform owed the buyer for an accepted return."""
    if not is_officer(user):
        raise ReturnError(_("Chỉ cán bộ sàn ghi nhận chuyển khoản hoàn tiền."))
    reference = " ".join(bank_reference.split())
    if len(reference) < 4:
        raise ReturnError(_("Nhập mã giao dịch ngân hàng của khoản hoàn tiền."))
    with transaction.atomic():
        locked = _lock(request)
        if locked.status != R.ACCEPTED:
            raise ReturnError(_("Yêu cầu này không chờ chuyển khoản hoàn tiền."))
        locked.status = R.CLOSED
        locked.refund_reference = reference[:255]
        locked.save(update_fields=["status", "refund_reference", "updated_at"])
        ledger.post_refund_paid(locked, locked.refund_amount, bank_reference=reference)
        _event(locked, OFFICER, "transferred", user=user, note=reference)
        transaction.on_commit(lambda: notify(locked.pk, "closed"))
    return locked


def escalate_overdue(now: datetime | None = None) -> int:
    """Cases the producer left unanswered past the deadline go to the officers."""
    now = now or timezone.now()
    count = 0
    for request in ReturnRequest.objects.filter(status=R.OPEN, answer_due_at__lt=now):
        with transaction.atomic():
            locked = _lock(request)
            if locked.status != R.OPEN:
                continue
            locked.status = R.ESCALATED
            locked.save(update_fields=["status", "updated_at"])
            _event(locked, SYSTEM, "overdue", note=_("Người bán không trả lời đúng hạn."))
            transaction.on_commit(lambda pk=locked.pk: notify(pk, "escalated"))
        count += 1
    return count


SUBJECTS = {
    "opened": gettext_lazy("Yêu cầu đổi trả đơn %(ref)s đã được gửi"),
    "escalated": gettext_lazy("Yêu cầu đổi trả đơn %(ref)s đã chuyển cho cán bộ sàn"),
    "accepted": gettext_lazy("Yêu cầu đổi trả đơn %(ref)s được chấp nhận"),
    "rejected": gettext_lazy("Yêu cầu đổi trả đơn %(ref)s không được chấp nhận"),
    "closed": gettext_lazy("Đơn %(ref)s: đã chuyển khoản hoàn tiền"),
}


def _load(request_pk: int):
    return (
        ReturnRequest.objects.select_related("order", "shipment")
        .prefetch_related("lines__line", "events")
        .filter(pk=request_pk)
        .first()
    )


def _recipients(request: ReturnRequest) -> list[tuple[str, str, bool]]:
    """(address, language, is the buyer) of everyone told about the case."""
    order = request.order
    contact = producer_contacts([request.shipment.producer_id]).get(request.shipment.producer_id)
    return [
        (order.email, order.language or settings.LANGUAGE_CODE, True),
        *[(e, settings.LANGUAGE_CODE, False) for e in (contact.emails if contact else [])],
    ]


def notify(request_pk: int, what: str) -> None:
    """Tell the buyer and the producer what happened to the case (never blocks it): one
    "email" job per recipient (cms/jobs.py: retried with backoff, failures listed for
    officers), so a refused producer address never sends the buyer's mail twice."""
    from cms import jobs

    request = _load(request_pk)
    if request is None:
        return
    for index, (address, _language, _buyer) in enumerate(_recipients(request)):
        if address:
            jobs.enqueue(
                "email",
                "shop.returns.deliver_notice",
                request_pk,
                what,
                index,
                label=f"Thư đổi trả: yêu cầu #{request_pk} ({what}), người nhận {index + 1}",
            )


def deliver_notice(request_pk: int, what: str, index: int) -> bool:
    """The "email" job: the case's news to its `index`-th recipient. Raises when the mail
    server fails (the job is retried)."""
    from django.template.loader import render_to_string
    from django.utils import translation

    from .emails import send_now

    request = _load(request_pk)
    recipients = _recipients(request) if request else []
    if index >= len(recipients) or not recipients[index][0]:
        return False
    address, language, buyer = recipients[index]
    order = request.order
    with translation.override(language):
        subject = str(SUBJECTS[what]) % {"ref": order.reference}
        body = render_to_string(
            "shop/email/return.txt",
            {
                "request": request,
                "order": order,
                "buyer": buyer,
                "site_url": settings.WAGTAILADMIN_BASE_URL,
            },
        )
    send_now(
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address]),
        f"{what} email of return {request_pk}",
    )
    return True
