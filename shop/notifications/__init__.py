"""Telling producers about new orders: an email to the producer's logins and contact address,
and a message to the producer's phone through one small provider interface (Zalo ZNS today;
an SMS gateway fits the same `send(phone, template, data)`). Without keys the phone channel is
simply off; nothing here can undo or block an order — failures are logged.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from cms.logsafe import describe
from products.purchasable import producer_contacts

from .zalo import ZaloZNS

logger = logging.getLogger(__name__)


def phone_provider():
    """The configured phone channel, or None (no keys: off)."""
    if settings.ZALO_ZNS_ACCESS_TOKEN and settings.ZALO_ZNS_TEMPLATE_NEW_ORDER:
        return ZaloZNS(
            settings.ZALO_ZNS_ACCESS_TOKEN,
            base_url=settings.ZALO_ZNS_API_BASE,
            timeout=settings.NOTIFY_TIMEOUT_SECONDS,
        )
    return None


def notify_producers(order_pk: int):
    """Queue the producers' notices of a new order: an "email" job (cms/jobs.py), run by the
    worker so the buyer's checkout never waits for a mail server or Zalo."""
    from cms import jobs

    return jobs.enqueue(
        "email",
        "shop.notifications.notify_new_order",
        order_pk,
        label=f"Báo đơn mới cho người bán: đơn #{order_pk}",
    )


def notify_new_order(order_pk: int) -> dict[int, dict]:
    """Each producer with a part in the order hears of it (email, phone). Returns what was
    sent per producer id, for logs and tests."""
    from ..models import Order

    order = Order.objects.prefetch_related("shipments__lines").filter(pk=order_pk).first()
    if order is None:
        return {}
    parts = list(order.shipments.all())
    contacts = producer_contacts(p.producer_id for p in parts)
    provider = phone_provider()
    admin_base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    sent = {}
    for part in parts:
        contact = contacts.get(part.producer_id)
        if contact is None:
            continue
        link = admin_base + reverse("shop_admin_order", args=[order.reference])
        result = {"email": [], "phone": None}
        with translation.override("vi"):  # producers read Vietnamese
            subject = _("Đơn hàng mới %(ref)s: %(n)s sản phẩm") % {
                "ref": order.reference,
                "n": sum(line.quantity for line in part.lines.all()),
            }
            body = render_to_string(
                "shop/email/new_order_producer.txt",
                {"order": order, "part": part, "link": link, "producer": contact},
            )
        if contact.emails:
            try:
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, contact.emails)
                result["email"] = contact.emails
            except Exception as exc:
                logger.error("New-order email for %s failed: %s", order.reference, describe(exc))
        if provider is not None and contact.phone:
            try:
                result["phone"] = provider.send(
                    contact.phone,
                    settings.ZALO_ZNS_TEMPLATE_NEW_ORDER,
                    {
                        "order_code": order.reference,
                        "shop_name": contact.title[:30],
                        "quantity": str(sum(line.quantity for line in part.lines.all())),
                        "amount": str(part.total),
                    },
                    tracking_id=f"{order.reference}-{part.producer_id}",
                )
            except Exception as exc:
                logger.error(
                    "New-order phone message for %s failed: %s", order.reference, describe(exc)
                )
        sent[part.producer_id] = result
    return sent
