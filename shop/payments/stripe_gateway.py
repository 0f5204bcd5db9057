"""Stripe Checkout in VND, and the signed webhook that alone marks an order paid.

VND is a zero-decimal currency in Stripe: amounts are whole đồng, never multiplied by 100.
"""

import datetime
import json
import logging
import time

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

CURRENCY = "vnd"


def client() -> stripe.StripeClient:
    options = {"max_network_retries": 0}
    if settings.STRIPE_API_BASE:
        options["base_addresses"] = {"api": settings.STRIPE_API_BASE}
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY, **options)


def session_params(order, request) -> dict:
    line_items = [_line_item(line) for line in order.lines.all()]
    if order.shipping_total:
        line_items.append(
            {
                "quantity": 1,
                "price_data": {
                    "currency": CURRENCY,
                    "unit_amount": int(order.shipping_total),
                    "product_data": {"name": _("Phí vận chuyển")},
                },
            }
        )
    order_url = request.build_absolute_uri(order.signed_url())
    expires = timezone.now() + datetime.timedelta(minutes=max(settings.STRIPE_SESSION_MINUTES, 30))
    params = {
        "mode": "payment",
        "line_items": line_items,
        "client_reference_id": order.reference,
        "metadata": {"order_reference": order.reference},
        "payment_intent_data": {"metadata": {"order_reference": order.reference}},
        "success_url": order_url + "&paid=1",
        "cancel_url": order_url,
        "expires_at": int(expires.timestamp()),
        "locale": "vi",
    }
    if order.email:
        params["customer_email"] = order.email
    return params


def _line_item(line) -> dict:
    """A Checkout line in whole đồng (zero-decimal); a line booked with a deposit is charged
    its deposit only, as one item that says so (the rest is paid on site)."""
    name = f"{line.title} — {line.variant_label}"
    quantity, amount = line.quantity, int(line.unit_price)
    if line.due_on_site:
        name = _("Đặt cọc %(name)s × %(n)s (phần còn lại trả tại chỗ)") % {
            "name": name,
            "n": line.quantity,
        }
        quantity, amount = 1, int(line.due_now)
    return {
        "quantity": quantity,
        "price_data": {
            "currency": CURRENCY,
            "unit_amount": amount,
            "product_data": {"name": name[:250]},
        },
    }


def checkout_session_for(order, request):
    """The order's Checkout Session: retrieved if it exists, else created with an idempotency key
    derived from the order (a double click or a retry never creates two sessions)."""
    from ..models import Order

    api = client()
    if order.stripe_session_id:
        session = api.v1.checkout.sessions.retrieve(order.stripe_session_id)
        if session.status == "open":
            return session
        raise stripe.InvalidRequestError("Phiên thanh toán đã kết thúc.", param=None)
    session = api.v1.checkout.sessions.create(
        session_params(order, request),
        options={"idempotency_key": f"order-{order.reference}-checkout"},
    )
    Order.objects.filter(pk=order.pk, stripe_session_id="").update(stripe_session_id=session.id)
    order.stripe_session_id = session.id
    return session


def refund(order, amount: int | None = None, key: str = "refund") -> str:
    """Refund a paid card order — in full, or `amount` of it (a return) — once per `key`;
    returns the Stripe refund id."""
    if not order.stripe_payment_intent:
        raise ValueError("Đơn chưa có giao dịch thẻ để hoàn tiền.")
    result = client().v1.refunds.create(
        {
            "payment_intent": order.stripe_payment_intent,
            "amount": int(order.due_now if amount is None else amount),
        },
        options={"idempotency_key": f"order-{order.reference}-{key}"},
    )
    return result.id


# --- webhook ------------------------------------------------------------------------------

TOLERANCE = stripe.Webhook.DEFAULT_TOLERANCE  # seconds, both ways


class MalformedEvent(ValueError):
    """Well signed, but not an event this endpoint can read (answered 400, never 500)."""


def construct_event(payload: bytes, signature: str | None, *, now: float | None = None):
    """Verify the signature with the endpoint secret and return the event as a plain dict;
    raises ValueError or stripe.SignatureVerificationError.

    The SDK refuses timestamps older than the tolerance; a timestamp as far in the future is
    refused too (a captured signature must not be replayable later)."""
    if not settings.STRIPE_WEBHOOK_SECRET:
        raise ValueError("STRIPE_WEBHOOK_SECRET is not configured")
    header = signature or ""
    stamps = [part[2:] for part in header.split(",") if part.strip().startswith("t=")]
    now = time.time() if now is None else now
    try:
        timestamp = int(stamps[0].strip()) if stamps else None
    except ValueError:
        timestamp = None
    if timestamp is not None and timestamp > now + TOLERANCE:
        raise stripe.SignatureVerificationError("Timestamp in the future", header, payload)
    if isinstance(payload, bytes):
        payload = payload.decode("utf-8", errors="replace")
    stripe.WebhookSignature.verify_header(
        payload, header, settings.STRIPE_WEBHOOK_SECRET, tolerance=TOLERANCE
    )
    try:
        event = json.loads(payload)
    except ValueError as exc:
        raise MalformedEvent("not JSON") from exc
    if not isinstance(event, dict):
        raise MalformedEvent("event is not an object")
    return event


HANDLED = {
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "checkout.session.expired",
}


def _read(event) -> tuple[str, str, dict]:
    """(event id, type, session object) of a verified event, or MalformedEvent."""
    if not isinstance(event, dict):
        raise MalformedEvent("event is not an object")
    event_id, event_type = event.get("id"), event.get("type")
    data = event.get("data")
    session = data.get("object") if isinstance(data, dict) else None
    if not isinstance(event_id, str) or not event_id or len(event_id) > 255:
        raise MalformedEvent("event id missing")
    if not isinstance(event_type, str) or not event_type or len(event_type) > 100:
        raise MalformedEvent("event type missing")
    if not isinstance(session, dict):
        raise MalformedEvent("event without data.object")
    metadata = session.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise MalformedEvent("metadata is not an object")
    for key in ("id", "client_reference_id", "payment_intent", "payment_status", "currency"):
        value = session.get(key)
        if value is not None and not isinstance(value, str):
            raise MalformedEvent(f"{key} is not a string")
    amount = session.get("amount_total")
    if amount is not None and (isinstance(amount, bool) or not isinstance(amount, int)):
        raise MalformedEvent("amount_total is not a whole number")
    return event_id, event_type, session


def payment_mismatch(order, session) -> str | None:
    """Why a paid Checkout Session does not pay this order (None when it does): the session
    must be the order's own, for the order's total in whole đồng, in VND."""
    problems = []
    if not order.stripe_session_id or session.get("id") != order.stripe_session_id:
        problems.append(
            _("phiên %(got)s thay vì %(want)s")
            % {"got": session.get("id") or "?", "want": order.stripe_session_id or "?"}
        )
    if session.get("amount_total") != int(order.due_now):
        problems.append(
            _("số tiền %(got)s thay vì %(want)s")
            % {"got": session.get("amount_total"), "want": int(order.due_now)}
        )
    if str(session.get("currency") or "").lower() != CURRENCY:
        problems.append(_("tiền tệ %(got)s thay vì VND") % {"got": session.get("currency") or "?"})
    return "; ".join(problems) or None


def apply_paid_session(order, session, *, note: str) -> str:
    """A session Stripe reports as paid: mark the order paid when it matches, else record the
    mismatch and flag the order for an officer. Call with the order locked."""
    from .. import orders

    problem = payment_mismatch(order, session)
    if problem:
        if order.flagged_reason.startswith("Stripe"):
            return "mismatch"
        orders.flag(order, f"Stripe: {_('thanh toán không khớp đơn')} — {problem} ({note})")
        logger.warning("Stripe payment for %s does not match: %s", order.reference, problem)
        return "mismatch"
    return "paid" if orders.mark_paid(order, note=note) else "noop"


def handle_event(event) -> str:
    """Apply one verified event. The event id is stored (unique) in the same transaction as the
    order change, so replays are no-ops. Transitions only move forward, so events may arrive in
    any order. Returns a short word for logs and tests; raises MalformedEvent."""
    from .. import orders
    from ..models import Order, StripeEvent

    event_id, event_type, session = _read(event)
    reference = (session.get("metadata") or {}).get("order_reference") or session.get(
        "client_reference_id"
    )
    if reference is not None and not isinstance(reference, str):
        raise MalformedEvent("order reference is not a string")
    try:
        with transaction.atomic():
            order = (
                Order.objects.select_for_update().filter(reference=reference[:20]).first()
                if reference
                else None
            )
            StripeEvent.objects.create(event_id=event_id, type=event_type, order=order)
            if event_type not in HANDLED or order is None:
                return "ignored"
            if order.payment_method != Order.Payment.STRIPE:
                return "ignored"
            intent = session.get("payment_intent")
            if (
                intent
                and not order.stripe_payment_intent
                and session.get("id") == (order.stripe_session_id or None)
            ):
                order.stripe_payment_intent = intent[:255]
                order.save(update_fields=["stripe_payment_intent", "updated_at"])
            paid_now = event_type == "checkout.session.async_payment_succeeded" or (
                event_type == "checkout.session.completed"
                and session.get("payment_status") in ("paid", "no_payment_required")
            )
            try:
                if paid_now:
                    return apply_paid_session(order, session, note=f"Stripe {event_id}")
                if event_type in (
                    "checkout.session.async_payment_failed",
                    "checkout.session.expired",
                ):
                    if order.is_paid or session.get("id") != order.stripe_session_id:
                        return "noop"
                    done = orders.cancel_order(order, note=f"Stripe {event_type} {event_id}")
                    return "cancelled" if done else "noop"
            except orders.TransitionError as exc:
                logger.warning("Stripe %s for %s refused: %s", event_id, order.reference, exc)
                return "refused"
            return "noop"
    except IntegrityError:
        return "duplicate"
