"""Order emails (confirmation and status changes) with the order summary, written in the
language the buyer ordered in (Vietnamese for orders from before that was recorded)."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from cms.language import urls_in
from cms.logsafe import describe

logger = logging.getLogger(__name__)

SUBJECTS = {
    "placed": _("Xác nhận đơn hàng %(ref)s"),
    "status": _("Đơn hàng %(ref)s: %(status)s"),
    "parcel": _("Đơn hàng %(ref)s: kiện hàng của %(producer)s — %(status)s"),
}


def send_order_email(order_pk: int, kind: str, part_pk: int | None = None):
    """Queue the buyer's email: "placed", "status" (the order's status changed) or "parcel"
    (the carrier's news of one producer's part, `part_pk`). An "email" job (cms/jobs.py): sent
    by the worker, tried again with backoff while the mail server is unreachable."""
    from cms import jobs

    return jobs.enqueue(
        "email",
        "shop.emails.deliver_order_email",
        order_pk,
        kind,
        part_pk,
        label=f"Thư cho người mua: đơn #{order_pk} ({kind})",
    )


def deliver_order_email(order_pk: int, kind: str, part_pk: int | None = None) -> bool:
    """Send the buyer's email now. Raises when the mail server fails (the job is retried),
    except for a refused recipient, which no retry can fix."""
    from .models import Order

    order = (
        Order.objects.select_related("commune")
        .prefetch_related("shipments__lines")
        .filter(pk=order_pk)
        .first()
    )
    if order is None or not order.email:
        return False
    language = order.language or settings.LANGUAGE_CODE
    with translation.override(language), urls_in(language):  # links under /en/ in English
        part = next((p for p in order.shipments.all() if p.pk == part_pk), None)
        subject = str(SUBJECTS[kind]) % {
            "ref": order.reference,
            "status": part.carrier_status_label if part else order.get_status_display(),
            "producer": part.producer_title if part else "",
        }
        body = render_to_string(
            "shop/email/order.txt",
            {
                "order": order,
                "kind": kind,
                "part": part,
                "site_url": settings.WAGTAILADMIN_BASE_URL,
            },
        )
    send_now(
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [order.email]),
        f"{kind} email for order {order.reference}",
    )
    return True


def send_now(message: EmailMessage, what: str) -> None:
    """Send one message from an "email" job (cms/jobs.py). A failure is logged (masked) and
    raised, so the job is tried again with backoff and, after its last attempt, listed for
    officers; a refused recipient fails the job at once, since no retry can fix it."""
    from smtplib import SMTPRecipientsRefused

    from cms.jobs import PermanentError

    try:
        message.send()
    except Exception as exc:  # never undoes or blocks what sent it: the job records and retries
        logger.error("Could not send the %s: %s", what, describe(exc))
        if isinstance(exc, SMTPRecipientsRefused):
            raise PermanentError(describe(exc)) from exc
        raise
