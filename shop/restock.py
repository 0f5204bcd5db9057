"""'Báo khi có hàng' — e-mail alerts for sold-out variants, the one place for their rules.

1. `subscribe(sku, email, ...)` (the product page's form, throttled in the view) keeps one row per
   SKU and address, unconfirmed, and e-mails a signed confirmation link (double opt-in). Asking
   again changes nothing but may resend that link (at most once a minute); a confirmed address
   gets no new mail.
2. `confirm(token)` marks it confirmed (the link is valid `CONFIRM_DAYS`).
3. On restock — `products.stock.stock_changed`, sent after each stock operation commits — the
   SKUs that now have units available are handed to a background job (cms/jobs.py) that
   queues one "email" job per confirmed address: its e-mail, with an unsubscribe link, is
   retried with backoff while the mail server fails, and the alert is deleted once it is sent:
   an alert is served once. Unconfirmed alerts are never served, and are deleted once
   their link has expired.
4. `unsubscribe(token)` deletes every alert of the address (the link in every mail never
   expires; it also answers RFC 8058 one-click POSTs from mail clients).

Personal data: only the address, the SKU, the language and the consent time are kept;
shop/privacy.py exports and erases an account holder's alerts.
"""

import datetime
import logging

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cms.logsafe import describe
from products.purchasable import get_purchasables, product_urls
from products.stock import stock_changed

from .models import RestockAlert

logger = logging.getLogger(__name__)

CONFIRM_SALT = "shop.restock.confirm"
UNSUBSCRIBE_SALT = "shop.restock.unsubscribe"
CONFIRM_DAYS = 7
RESEND_SECONDS = 60


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def confirm_token(alert: RestockAlert) -> str:
    return signing.dumps({"a": alert.pk, "e": alert.email}, salt=CONFIRM_SALT)


def unsubscribe_token(email: str) -> str:
    return signing.dumps(normalise_email(email), salt=UNSUBSCRIBE_SALT)


def _absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def unsubscribe_url(email: str) -> str:
    return _absolute(reverse("shop:restock_unsubscribe", args=[unsubscribe_token(email)]))


def subscribe(sku: str, email: str, *, user=None, language: str = "") -> tuple[RestockAlert, bool]:
    """The alert for this SKU and address (made if missing, unconfirmed) and whether a
    confirmation e-mail went out now."""
    email = normalise_email(email)
    now = timezone.now()
    user = user if user is not None and getattr(user, "is_authenticated", False) else None
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    try:
        with transaction.atomic():
            alert, created = RestockAlert.objects.get_or_create(
                sku=sku,
                email=email,
                defaults={"user": user, "language": language, "consented_at": now},
            )
    except IntegrityError:  # the same address asked twice at the same moment
        alert, created = RestockAlert.objects.get(sku=sku, email=email), False
    if alert.confirmed_at is not None:
        return alert, False
    if not created:
        recent = alert.confirmation_sent_at and (
            now - alert.confirmation_sent_at < datetime.timedelta(seconds=RESEND_SECONDS)
        )
        if recent:
            return alert, False
        # A new request renews the consent, and may move the alert into the account.
        alert.consented_at = now
        alert.language = language
        if user is not None and alert.user_id is None:
            alert.user = user
    if not _send_confirmation(alert):
        alert.save()
        return alert, False
    alert.confirmation_sent_at = now
    alert.save()
    return alert, True


def _send_confirmation(alert: RestockAlert) -> bool:
    item = get_purchasables([alert.sku]).get(alert.sku)
    if item is None:
        return False
    link = _absolute(reverse("shop:restock_confirm", args=[confirm_token(alert)]))
    with translation.override(alert.language):
        subject = _("Xác nhận: báo khi %(title)s có hàng") % {"title": item.title}
        body = render_to_string(
            "shop/email/restock_confirm.txt",
            {"item": item, "link": link, "days": CONFIRM_DAYS, "site": settings.WAGTAIL_SITE_NAME},
        )
    return _send(subject, body, alert.email, headers={})


def _send(subject: str, body: str, to: str, headers: dict) -> bool:
    try:
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to], headers=headers).send()
    except Exception as exc:  # a mail failure never breaks a stock change or the form
        logger.error("Could not send a restock e-mail: %s", describe(exc))
        return False
    return True


def confirm(token: str) -> RestockAlert | None:
    """The alert the link names, now confirmed; None for a bad, expired or stale link."""
    try:
        data = signing.loads(
            token, salt=CONFIRM_SALT, max_age=datetime.timedelta(days=CONFIRM_DAYS)
        )
    except signing.BadSignature:
        return None
    alert = RestockAlert.objects.filter(pk=data.get("a"), email=data.get("e")).first()
    if alert is None:
        return None
    if alert.confirmed_at is None:
        alert.confirmed_at = timezone.now()
        alert.save(update_fields=["confirmed_at"])
    return alert


def email_for_unsubscribe(token: str) -> str | None:
    try:
        return signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None


def unsubscribe(token: str) -> int | None:
    """Delete every alert of the address the link names; None for a bad link."""
    email = email_for_unsubscribe(token)
    if email is None:
        return None
    deleted, _detail = RestockAlert.objects.filter(email=email).delete()
    return deleted


def notify_back_in_stock(skus) -> int:
    """The job a stock change queues: every confirmed alert of these SKUs that now have units
    available gets its own "email" job (`deliver_restocked`), unless one waits already; returns
    how many were queued. Expired unconfirmed alerts of these SKUs are deleted."""
    skus = sorted(set(skus))
    if not skus:
        return 0
    cutoff = timezone.now() - datetime.timedelta(days=CONFIRM_DAYS)
    RestockAlert.objects.filter(
        sku__in=skus, confirmed_at__isnull=True, created_at__lt=cutoff
    ).delete()
    waiting = set(
        RestockAlert.objects.filter(sku__in=skus, confirmed_at__isnull=False)
        .values_list("sku", flat=True)
        .distinct()
    )
    if not waiting:
        return 0
    items = {sku: item for sku, item in get_purchasables(waiting).items() if item.available > 0}
    if not items:
        return 0
    from cms import jobs

    queued = 0
    for sku in sorted(items):
        for alert_pk in RestockAlert.objects.filter(
            sku=sku, confirmed_at__isnull=False
        ).values_list("pk", flat=True):
            if not _notice_waiting(alert_pk):
                jobs.enqueue(
                    "email",
                    "shop.restock.deliver_restocked",
                    alert_pk,
                    label=f"Thư báo có hàng trở lại: {sku} (đăng ký #{alert_pk})",
                )
                queued += 1
    return queued


def _notice_waiting(alert_pk: int) -> bool:
    from cms.models import Job

    return Job.objects.filter(
        function="shop.restock.deliver_restocked",
        args=[alert_pk],
        status__in=[Job.Status.QUEUED, Job.Status.RETRYING, Job.Status.RUNNING],
    ).exists()


def deliver_restocked(alert_pk: int) -> bool:
    """The "email" job of one alert: the notice goes once, then the alert is deleted (an alert
    is served once). Sold out again before the job ran: the alert waits for the next restock.
    Raises when the mail server fails: the alert is kept and the job tried again."""
    with transaction.atomic():
        alert = (
            RestockAlert.objects.select_for_update()
            .filter(pk=alert_pk, confirmed_at__isnull=False)
            .first()
        )
        if alert is None:  # served by another run, or unsubscribed meanwhile
            return False
        item = get_purchasables([alert.sku]).get(alert.sku)
        if item is None or item.available <= 0:
            return False
        _send_restocked(alert, item, product_urls({item.product_id}).get(item.product_id, ""))
        alert.delete()
    return True


def _send_restocked(alert: RestockAlert, item, url: str) -> None:
    leave = unsubscribe_url(alert.email)
    with translation.override(alert.language):
        subject = _("%(title)s đã có hàng trở lại") % {"title": item.title}
        body = render_to_string(
            "shop/email/restock_available.txt",
            {"item": item, "url": url, "unsubscribe": leave, "site": settings.WAGTAIL_SITE_NAME},
        )
    headers = {
        "List-Unsubscribe": f"<{leave}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    from .emails import send_now

    send_now(
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [alert.email], headers=headers),
        "restock notice",
    )


@receiver(stock_changed, dispatch_uid="shop.restock.stock_changed")
def stock_changed_alerts(sender, skus, flipped=None, **kwargs):
    """Sent after the stock operation committed: SKUs that came back (`flipped`: their
    availability crossed zero) with confirmed alerts go to an "email" job, which queues one
    job per alert to tell (cms/jobs.py: each retried with backoff)."""
    if flipped is not None:
        skus = flipped
    if not skus:
        return
    waiting = list(
        RestockAlert.objects.filter(sku__in=list(skus), confirmed_at__isnull=False)
        .values_list("sku", flat=True)
        .distinct()
    )
    if not waiting:
        return
    from cms import jobs

    try:
        jobs.enqueue(
            "email",
            "shop.restock.notify_back_in_stock",
            sorted(waiting),
            label=f"Báo có hàng trở lại: {', '.join(sorted(waiting))[:150]}",
        )
    except Exception:  # never break the stock change that triggered it
        logger.exception("Could not enqueue restock alerts for %s", waiting)
