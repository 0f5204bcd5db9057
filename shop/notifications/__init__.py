"""Telling producers about new orders: an email to the producer's logins and contact address,
and a message to the producer's phone through one small provider interface (Zalo ZNS today;
an SMS gateway fits the same `send(phone, template, data)`). Without keys the phone channel is
simply off; nothing here can undo or block an order — each notice is a background job
(cms/jobs.py), retried with backoff and listed for officers when it fails for good.
"""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from cms.logsafe import describe
from products.purchasable import producer_contacts

from .zalo import ZaloZNS, ZNSError, zalo_phone

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


def notify_producers(order_pk: int, producer_ids: Iterable[int] | None = None) -> list:
    """Queue the producers' notices of a new order, so the buyer's checkout never waits for a
    mail server or Zalo: per producer with a part in it, an "email" job (its logins and contact
    address) and, when the phone channel is on, a "phone" job. Each is retried on its own
    (cms/jobs.py): a mail server that is down never sends the Zalo message twice.
    `producer_ids`: the producers with a part, when the caller knows them (the order being
    placed); read from the order's parts otherwise."""
    from cms import jobs

    from ..models import OrderShipment

    if producer_ids is None:
        producer_ids = OrderShipment.objects.filter(order_id=order_pk).values_list(
            "producer_id", flat=True
        )
    producers = sorted(set(producer_ids))
    queued = []
    for producer_id in producers:
        queued.append(
            jobs.enqueue(
                "email",
                "shop.notifications.email_new_order",
                order_pk,
                producer_id,
                label=f"Báo đơn mới cho người bán #{producer_id}: đơn #{order_pk} (thư)",
            )
        )
        if phone_provider() is not None:
            queued.append(
                jobs.enqueue(
                    "phone",
                    "shop.notifications.message_new_order",
                    order_pk,
                    producer_id,
                    label=f"Báo đơn mới cho người bán #{producer_id}: đơn #{order_pk} (Zalo)",
                )
            )
    return queued


def _part(order_pk: int, producer_id: int):
    """(order, the producer's part, its contact), or None when any is gone."""
    from ..models import Order

    order = Order.objects.filter(pk=order_pk).first()
    part = (
        order.shipments.prefetch_related("lines").filter(producer_id=producer_id).first()
        if order
        else None
    )
    contact = producer_contacts([producer_id]).get(producer_id) if part else None
    if contact is None:
        return None
    return order, part, contact


def email_new_order(order_pk: int, producer_id: int) -> list[str]:
    """The "email" job: the producer's logins and contact address hear of their part of the
    order (only theirs). Returns the addresses; raises when the mail server fails (retried)."""
    from ..emails import send_now

    found = _part(order_pk, producer_id)
    if found is None or not found[2].emails:
        return []
    order, part, contact = found
    link = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(
        "shop_admin_order", args=[order.reference]
    )
    with translation.override("vi"):  # producers read Vietnamese
        subject = _("Đơn hàng mới %(ref)s: %(n)s sản phẩm") % {
            "ref": order.reference,
            "n": sum(line.quantity for line in part.lines.all()),
        }
        body = render_to_string(
            "shop/email/new_order_producer.txt",
            {"order": order, "part": part, "link": link, "producer": contact},
        )
    send_now(
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, contact.emails),
        f"new-order email for {order.reference}",
    )
    return contact.emails


def message_new_order(order_pk: int, producer_id: int) -> str | None:
    """The "phone" job: one Zalo ZNS template message to the producer's phone. Returns Zalo's
    message id (None: channel off or no phone); raises when Zalo fails (retried), except for a
    phone number Zalo cannot take, which fails at once."""
    from cms.jobs import PermanentError

    provider = phone_provider()
    found = _part(order_pk, producer_id)
    if provider is None or found is None or not found[2].phone:
        return None
    order, part, contact = found
    try:
        zalo_phone(contact.phone)
    except ZNSError as exc:
        raise PermanentError(describe(exc)) from exc
    try:
        return provider.send(
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
        logger.error("New-order phone message for %s failed: %s", order.reference, describe(exc))
        raise
