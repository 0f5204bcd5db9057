"""Release the stock of unpaid orders whose payment window has passed.

Card orders normally end through the `checkout.session.expired` webhook; this is the safety net
when a webhook is lost: the session is asked for its state, paid sessions are marked paid, expired
ones cancelled. Bank-transfer orders not confirmed within SHOP_TRANSFER_HOLD_HOURS are cancelled.
Run it from cron every few minutes; it is idempotent.
"""

import datetime

import stripe
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from shop import orders
from shop.models import Order
from shop.payments import stripe_gateway


class Command(BaseCommand):
    help = "Hủy đơn chưa thanh toán đã quá hạn và trả lại hàng giữ trong kho."

    def handle(self, *args, **options):
        now = timezone.now()
        cancelled = paid = 0
        card_cutoff = now - datetime.timedelta(minutes=settings.STRIPE_SESSION_MINUTES + 5)
        for order in Order.objects.filter(
            payment_method=Order.Payment.STRIPE,
            status=Order.Status.PENDING_PAYMENT,
            created_at__lt=card_cutoff,
        ):
            state = session = None
            if order.stripe_session_id and settings.STRIPE_SECRET_KEY:
                try:
                    session = stripe_gateway.client().v1.checkout.sessions.retrieve(
                        order.stripe_session_id
                    )
                    state = (session.status, session.payment_status)
                    intent = getattr(session, "payment_intent", None)
                    if intent:
                        Order.objects.filter(pk=order.pk).update(stripe_payment_intent=intent)
                except stripe.StripeError as exc:
                    self.stderr.write(f"{order.reference}: {exc}")
                    continue
            if state == ("complete", "paid"):
                with transaction.atomic():
                    locked = Order.objects.select_for_update().get(pk=order.pk)
                    result = stripe_gateway.apply_paid_session(
                        locked, session.to_dict(), note="Stripe (đối soát)"
                    )
                paid += result == "paid"
            elif state is None or state[0] == "expired":
                cancelled += orders.cancel_order(order, note="Hết hạn thanh toán thẻ")
        hold = datetime.timedelta(hours=settings.SHOP_TRANSFER_HOLD_HOURS)
        for order in Order.objects.filter(
            payment_method=Order.Payment.VIETQR,
            status=Order.Status.PENDING_PAYMENT,
            paid_at__isnull=True,
            created_at__lt=now - hold,
        ):
            cancelled += orders.cancel_order(order, note="Quá hạn chuyển khoản")
        self.stdout.write(f"Đã hủy {cancelled} đơn quá hạn, xác nhận {paid} đơn đã trả tiền.")
