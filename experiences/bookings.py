"""Bookings of experiences: tickets for an order's session lines, who may open a ticket, check-in,
and the buyer's cancellation rule (free until N hours before the start).

A ticket is one order line of places in one session, with an unguessable token (its QR code's
URL) and a short code to type at the gate. Cancellation goes through the shop's own services
(`shop.orders.cancel_order` for an unpaid order, `shop.orders.refund_order` — a card refund
through Stripe, a transfer or cash refund recorded and reversed in the ledger — for a paid
one), which release the places through products.stock → experiences.places.
"""

import io
from dataclasses import dataclass
from datetime import datetime, timedelta

import segno
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from products.permissions import is_officer
from shop.models import Order
from shop.permissions import producer_ids_for

from .models import Experience, ExperienceSession, Ticket
from .places import session_id

CLOSED = (Order.Status.CANCELLED, Order.Status.REFUNDED)


class CancellationRefused(Exception):
    pass


# --- tickets ------------------------------------------------------------------------------


def issue_tickets(order: Order) -> list[Ticket]:
    """One ticket per session line of the order (idempotent: existing tickets are kept)."""
    lines = [ln for ln in order.lines.all() if session_id(ln.sku) is not None]
    if not lines:
        return []
    existing = {t.line_id: t for t in Ticket.objects.filter(line__in=lines)}
    sessions = ExperienceSession.objects.in_bulk([session_id(ln.sku) for ln in lines])
    tickets = []
    for line in lines:
        ticket = existing.get(line.pk)
        session = sessions.get(session_id(line.sku))
        if ticket is None and session is not None:
            ticket = Ticket.objects.create(
                order=order, line=line, session=session, participants=line.quantity
            )
        if ticket is not None:
            tickets.append(ticket)
    return tickets


def tickets_of(order: Order) -> list[Ticket]:
    return list(
        Ticket.objects.filter(order=order)
        .select_related("session__experience__product")
        .order_by("session__date", "session__start_time", "pk")
    )


def ticket_url(ticket: Ticket) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + ticket.get_absolute_url()


def qr_svg(ticket: Ticket) -> str:
    qr = segno.make(ticket_url(ticket), error="m", boost_error=False)
    return qr.svg_inline(scale=4, border=4, title=_("Vé %(code)s") % {"code": ticket.code})


def qr_png(ticket: Ticket) -> bytes:
    out = io.BytesIO()
    segno.make(ticket_url(ticket), error="m", boost_error=False).save(out, kind="png", scale=6)
    return out.getvalue()


def send_ticket_email(order_pk: int):
    """Issue the order's tickets now (idempotent), and queue their e-mail: an "email" job
    (cms/jobs.py), retried with backoff while the mail server fails. Returns the job, or None
    when the order has no places in a session or no address."""
    from cms import jobs

    order = Order.objects.filter(pk=order_pk).first()
    if order is None or not issue_tickets(order) or not order.email:
        return None
    return jobs.enqueue(
        "email",
        "experiences.bookings.deliver_ticket_email",
        order_pk,
        label=f"Vé trải nghiệm cho người mua: đơn #{order_pk}",
    )


def deliver_ticket_email(order_pk: int) -> bool:
    """The "email" job: the booking confirmation, each ticket's session, code and link, its QR
    attached. Raises when the mail server fails (the job is retried)."""
    from shop.emails import send_now

    order = Order.objects.filter(pk=order_pk).first()
    tickets = tickets_of(order) if order else []
    if not tickets or not order.email:
        return False
    with translation.override(order.language or settings.LANGUAGE_CODE):
        subject = _("Vé trải nghiệm — đơn %(ref)s") % {"ref": order.reference}
        body = render_to_string(
            "experiences/email/tickets.txt",
            {
                "order": order,
                "tickets": [(t, ticket_url(t)) for t in tickets],
                "site_url": settings.WAGTAILADMIN_BASE_URL,
            },
        )
    message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [order.email])
    for t in tickets:
        message.attach(f"ve-{t.code}.png", qr_png(t), "image/png")
    send_now(message, f"tickets of order {order.reference}")
    return True


# --- who may open a ticket ------------------------------------------------------------------


def may_manage(user, ticket_or_session) -> bool:
    """Officers, and the logins of the producer that sells the experience."""
    if is_officer(user):
        return True
    session = getattr(ticket_or_session, "session", ticket_or_session)
    producer = session.experience.product.producer_id
    return producer is not None and producer in producer_ids_for(user)


def sessions_for(user):
    """The sessions this login may see participants of and edit (officers: all)."""
    qs = ExperienceSession.objects.select_related("experience__product")
    if is_officer(user):
        return qs
    return qs.filter(experience__product__producer_id__in=producer_ids_for(user))


def experiences_for(user):
    """The experiences this login may schedule sessions of (officers: all)."""
    qs = Experience.objects.all()
    if is_officer(user):
        return qs
    return qs.filter(product__producer_id__in=producer_ids_for(user))


def is_valid(ticket: Ticket) -> bool:
    return ticket.order.status not in CLOSED


@transaction.atomic
def check_in(ticket: Ticket, user) -> bool:
    """The producer lets the participants in (once; False if already checked in, cancelled, or
    the session's books are closed: see settle_no_shows)."""
    locked = Ticket.objects.select_for_update().select_related("order", "session").get(pk=ticket.pk)
    if locked.checked_in_at or not is_valid(locked) or books_closed(locked.session):
        return False
    locked.checked_in_at = timezone.now()
    locked.checked_in_by = user
    locked.save(update_fields=["checked_in_at", "checked_in_by"])
    ticket.checked_in_at, ticket.checked_in_by = locked.checked_in_at, user
    return True


def books_closed(session: ExperienceSession, now: datetime | None = None) -> bool:
    """Past this, a session's no-shows are settled and nobody is checked in any more."""
    closes = session.ends_at + timedelta(hours=settings.EXPERIENCE_SETTLE_AFTER_HOURS)
    return (now or timezone.now()) >= closes


def settle_no_shows(now: datetime | None = None) -> int:
    """Close the books of sessions that ended `EXPERIENCE_SETTLE_AFTER_HOURS` ago: for every
    paid ticket with a rest to pay on site that was never checked in, the producer keeps the
    deposit and the ledger stops counting the rest it never collected
    (`shop.ledger.post_rest_not_collected`, once per line). Returns how many were settled."""
    from shop import ledger

    now = now or timezone.now()
    horizon = now - timedelta(hours=settings.EXPERIENCE_SETTLE_AFTER_HOURS)
    tickets = Ticket.objects.filter(
        checked_in_at__isnull=True,
        line__due_on_site__gt=0,
        order__paid_at__isnull=False,
        session__date__lte=timezone.localdate(horizon),
    ).select_related("session", "line__shipment__order")
    settled = 0
    for ticket in tickets:
        if not books_closed(ticket.session, now) or not is_valid(ticket):
            continue
        with transaction.atomic():
            ledger.post_rest_not_collected(ticket.line)
        settled += 1
    return settled


# --- cancellation -------------------------------------------------------------------------


@dataclass(frozen=True)
class CancelState:
    allowed: bool
    deadline: datetime | None  # free cancellation until (the earliest session's)
    reason: str = ""


def cancel_state(order: Order, now: datetime | None = None) -> CancelState:
    """May the buyer cancel this booking now? Only orders of experience places (an order with
    goods too is cancelled by an officer), still open, before every session's deadline."""
    now = now or timezone.now()
    lines = list(order.lines.all())
    sessions = [session_id(ln.sku) for ln in lines]
    if not lines or None in sessions:
        return CancelState(False, None, _("Đơn có hàng hóa: liên hệ sàn để hủy."))
    rows = ExperienceSession.objects.filter(pk__in=sessions).select_related("experience")
    deadline = min((s.free_cancel_until for s in rows), default=None)
    if order.status in CLOSED:
        return CancelState(False, deadline, _("Đơn đã hủy."))
    if Ticket.objects.filter(order=order, checked_in_at__isnull=False).exists():
        return CancelState(False, deadline, _("Vé đã được sử dụng."))
    if deadline is None or now >= deadline:
        return CancelState(False, deadline, _("Đã quá hạn hủy miễn phí: không thể hủy trực tuyến."))
    return CancelState(True, deadline)


def cancel_booking(order: Order, *, user=None, now: datetime | None = None) -> str:
    """The buyer cancels before the deadline: places released; a paid order refunded by the
    shop's refund service (by its original method). Returns "cancelled" or "refunded"."""
    from shop import orders

    state = cancel_state(order, now)
    if not state.allowed:
        raise CancellationRefused(state.reason)
    note = _("Người mua hủy trước hạn hủy miễn phí")
    try:
        if order.is_paid:
            orders.refund_order(order, user=user, note=note)
            return "refunded"
        orders.cancel_order(order, user=user, note=note)
    except orders.TransitionError as exc:
        raise CancellationRefused(str(exc)) from exc
    return "cancelled"
