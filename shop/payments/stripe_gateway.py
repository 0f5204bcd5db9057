"""Stripe Checkout in VND, and the signed webhook that alone marks an order paid.

VND is a zero-decimal currency in Stripe: amounts are whole đồng, never multiplied by 100.
"""

import datetime
import logging

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
    line_items = [
        {
            "quantity": line.quantity,
            "price_data": {
                "currency": CURRENCY,
                "unit_amount": int(line.unit_price),  # whole đồng (zero-decimal)
                "product_data": {"name": f"{line.title} — {line.variant_label}"[:250]},
            },
        }
        for line in order.lines.all()
    ]
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


def refund(order) -> str:
    """Refund a paid card order in full; returns the Stripe refund id."""
    if not order.stripe_payment_intent:
        raise ValueError("Đơn chưa có giao dịch thẻ để hoàn tiền.")
    result = client().v1.refunds.create(
        {"payment_intent": order.stripe_payment_intent, "amount": int(order.total)},
        options={"idempotency_key": f"order-{order.reference}-refund"},
    )
    return result.id


# --- webhook ------------------------------------------------------------------------------


def construct_event(payload: bytes, signature: str | None):
    """Verify the signature with the endpoint secret and return the event as a plain dict;
    raises ValueError or stripe.SignatureVerificationError."""
    if not settings.STRIPE_WEBHOOK_SECRET:
        raise ValueError("STRIPE_WEBHOOK_SECRET is not configured")
    event = stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)
    return event.to_dict()


HANDLED = {
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "checkout.session.expired",
}


def handle_event(event) -> str:
    """Apply one verified event. The event id is stored (unique) in the same transaction as the
    order change, so replays are no-ops. Transitions only move forward, so events may arrive in
    any order. Returns a short word for logs and tests."""
    from .. import orders
    from ..models import Order, StripeEvent

    event_type = event["type"]
    session = event["data"]["object"]
    reference = (session.get("metadata") or {}).get("order_reference") or session.get(
        "client_reference_id"
    )
    try:
        with transaction.atomic():
            order = (
                Order.objects.select_for_update().filter(reference=reference).first()
                if reference
                else None
            )
            StripeEvent.objects.create(event_id=event["id"], type=event_type, order=order)
            if event_type not in HANDLED or order is None:
                return "ignored"
            if order.payment_method != Order.Payment.STRIPE:
                return "ignored"
            if session.get("payment_intent") and not order.stripe_payment_intent:
                order.stripe_payment_intent = session["payment_intent"]
                order.save(update_fields=["stripe_payment_intent", "updated_at"])
            paid_now = event_type == "checkout.session.async_payment_succeeded" or (
                event_type == "checkout.session.completed"
                and session.get("payment_status") in ("paid", "no_payment_required")
            )
            if paid_now:
                return "paid" if orders.mark_paid(order, note=f"Stripe {event['id']}") else "noop"
            if event_type in ("checkout.session.async_payment_failed", "checkout.session.expired"):
                if order.is_paid:
                    return "noop"
                done = orders.cancel_order(order, note=f"Stripe {event_type} {event['id']}")
                return "cancelled" if done else "noop"
            return "noop"
    except IntegrityError:
        return "duplicate"
