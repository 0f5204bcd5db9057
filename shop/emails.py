"""Order emails (confirmation and status changes) with the order summary, written in the
language the buyer ordered in (Vietnamese for orders from before that was recorded)."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

SUBJECTS = {
    "placed": _("Xác nhận đơn hàng %(ref)s"),
    "status": _("Đơn hàng %(ref)s: %(status)s"),
}


def send_order_email(order_pk: int, kind: str) -> bool:
    from .models import Order

    order = (
        Order.objects.select_related("commune")
        .prefetch_related("shipments__lines")
        .filter(pk=order_pk)
        .first()
    )
    if order is None or not order.email:
        return False
    with translation.override(order.language or settings.LANGUAGE_CODE):
        subject = str(SUBJECTS[kind]) % {
            "ref": order.reference,
            "status": order.get_status_display(),
        }
        body = render_to_string(
            "shop/email/order.txt",
            {"order": order, "kind": kind, "site_url": settings.WAGTAILADMIN_BASE_URL},
        )
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [order.email])
    except Exception:  # an email failure must never undo or block an order
        logger.exception("Could not send %s email for order %s", kind, order.reference)
        return False
    return True
