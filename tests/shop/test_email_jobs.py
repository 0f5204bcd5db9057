"""Every e-mail the shop sends is an "email" job (cms/jobs.py, issue 21): a mail server that is
down makes it wait with backoff on the database queue and go once it is back; a refused
recipient fails at once; the notices of returns, reviews and restocks are each retried, listed
for officers when they fail for good, and sent by the retry button. The mail server here is
the locmem backend with an off switch (steered through the cache, as a worker would see it)."""

import datetime
from smtplib import SMTPRecipientsRefused

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.mail.backends.locmem import EmailBackend as LocMemBackend
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cms import jobs
from cms.models import Job
from products import stock
from products.roles import producer_group_name
from shop import restock, reviews
from shop.checkout import place_order
from shop.models import RestockAlert
from tests.cms.test_jobs import DB_TASKS, _run_worker

from .conftest import address
from .test_admin import make_user
from .test_returns import delivered

pytestmark = pytest.mark.django_db

SWITCH = "mailtest:state"
FLAKY = "tests.shop.test_email_jobs.FlakyMailServer"


class FlakyMailServer(LocMemBackend):
    """locmem, unless the switch says "down" (connection refused) or "refuse" (550)."""

    def send_messages(self, messages):
        state = cache.get(SWITCH)
        if state == "down":
            raise ConnectionRefusedError(111, "Connection refused")
        if state == "refuse":
            refused = {r: (550, b"5.1.1 recipient rejected") for m in messages for r in m.to}
            raise SMTPRecipientsRefused(refused)
        return super().send_messages(messages)


@pytest.fixture(autouse=True)
def _flaky_mail(settings):
    settings.EMAIL_BACKEND = FLAKY
    yield
    cache.delete(SWITCH)


@pytest.fixture(autouse=True)
def _keep_the_test_connection(monkeypatch):
    import django_tasks_db.management.commands.db_worker as db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def _producer_logins(variants):
    for n, variant in enumerate(variants):
        make_user(
            f"nsx-mail-{n}",
            producer_group_name(variant.page.producer.slug),
            email=f"nsx-mail-{n}@example.vn",
        )


def _order(variants, capture):
    with capture(execute=True):
        return place_order(
            items={v.sku: 1 for v in variants},
            address=address(),
            shipping={v.page.producer_id: "delivery" for v in variants},
            payment_method="cod",
        )


def test_order_emails_wait_for_the_mail_server_then_go_once(
    two_variants, django_capture_on_commit_callbacks
):
    _producer_logins(two_variants)
    cache.set(SWITCH, "down")
    with override_settings(TASKS=DB_TASKS):
        order = _order(two_variants, django_capture_on_commit_callbacks)

        def queued():
            return list(Job.objects.filter(kind="email", created_at__gte=order.created_at))

        functions = sorted(job.function for job in queued())
        assert functions == [
            "shop.emails.deliver_order_email",
            "shop.notifications.email_new_order",
            "shop.notifications.email_new_order",
        ]
        assert not mail.outbox  # nothing ran inside the checkout

        before = timezone.now()
        _run_worker()
        for job in queued():
            assert job.status == Job.Status.RETRYING and job.attempts == 1, job.function
            assert job.last_error.startswith("ConnectionRefusedError")
            assert 59 <= (job.next_attempt_at - before).total_seconds() <= 61
        assert not mail.outbox

        _run_worker()  # the backoff is not over: nothing is tried
        assert all(job.attempts == 1 for job in queued())

        cache.delete(SWITCH)  # the mail server is back, and the backoff over
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
        _run_worker()
    for job in queued():
        assert job.status == Job.Status.SUCCEEDED and job.attempts == 2, job.function
    buyer = [m for m in mail.outbox if m.to == [order.email]]
    assert len(buyer) == 1 and order.reference in buyer[0].subject
    for n in range(2):
        assert len([m for m in mail.outbox if f"nsx-mail-{n}@example.vn" in m.to]) == 1


def test_a_refused_recipient_is_not_tried_again(two_variants, django_capture_on_commit_callbacks):
    cache.set(SWITCH, "refuse")
    order = _order(two_variants[:1], django_capture_on_commit_callbacks)
    job = Job.objects.get(function="shop.emails.deliver_order_email", args__0=order.pk)
    assert job.status == Job.Status.FAILED and job.attempts == 1
    assert job.last_error.startswith("PermanentError: SMTPRecipientsRefused")
    assert order.email not in job.last_error  # masked: officers read it, logs carry it


@pytest.fixture
def mail_down(settings):
    """The mail server refuses connections; e-mail jobs have two attempts."""
    settings.JOBS_RETRY = {"email": {"max_attempts": 2, "base_seconds": 60}}
    cache.set(SWITCH, "down")


def _failed_for_good_then_retried(function, capture) -> list:
    """Every job of `function` was tried twice and listed as failed, nothing was sent; the
    server comes back and an officer's retry sends them. Returns what was sent."""
    failed = list(Job.objects.filter(function=function))
    assert failed, f"no job for {function}"
    for job in failed:
        assert job.status == Job.Status.FAILED and job.attempts == 2
        assert job.last_error.startswith("ConnectionRefusedError")
    assert not mail.outbox
    cache.delete(SWITCH)
    with capture(execute=True):
        assert all(jobs.retry(job) for job in failed)
    for job in failed:
        job.refresh_from_db()
        assert job.status == Job.Status.SUCCEEDED and job.attempts == 3
    return list(mail.outbox)


def test_return_notices_are_retried(two_variants, mail_down, django_capture_on_commit_callbacks):
    from .test_returns import ask

    order, part = delivered(two_variants[0])  # its own e-mails never ran (no commit)
    with django_capture_on_commit_callbacks(execute=True):
        ask(order, part)
    sent = _failed_for_good_then_retried(
        "shop.returns.deliver_notice", django_capture_on_commit_callbacks
    )
    assert [m.to for m in sent if m.to == [order.email]] == [[order.email]]
    assert order.reference in sent[0].subject


def test_review_notices_are_retried(two_variants, mail_down, django_capture_on_commit_callbacks):
    from .test_reviews import review

    officer = make_user("can-bo-mail", "Officer")
    order, _part = delivered(two_variants[0])
    written = review(order)
    with django_capture_on_commit_callbacks(execute=True):
        reviews.hide(written, officer, reason="Nội dung không liên quan")
    [sent] = _failed_for_good_then_retried(
        "shop.reviews.deliver_notice", django_capture_on_commit_callbacks
    )
    assert sent.to == [order.email] and "không được đăng" in sent.subject
    assert "Nội dung không liên quan" in sent.body


def _alert(sku):
    now = timezone.now() - datetime.timedelta(minutes=1)
    return RestockAlert.objects.create(
        sku=sku, email="cho-hang@example.vn", consented_at=now, confirmed_at=now
    )


def test_restock_notices_are_retried_and_the_alert_kept_until_sent(
    two_variants, mail_down, django_capture_on_commit_callbacks
):
    variant = two_variants[0]
    stock.set_on_hand(variant.sku, 0)
    alert = _alert(variant.sku)
    with django_capture_on_commit_callbacks(execute=True):
        stock.set_on_hand(variant.sku, 4)
    fan_out = Job.objects.get(function="shop.restock.notify_back_in_stock")
    assert fan_out.status == Job.Status.SUCCEEDED and fan_out.args == [[variant.sku]]
    assert RestockAlert.objects.filter(pk=alert.pk).exists()  # not served: kept
    [sent] = _failed_for_good_then_retried(
        "shop.restock.deliver_restocked", django_capture_on_commit_callbacks
    )
    assert sent.to == ["cho-hang@example.vn"] and "List-Unsubscribe" in sent.extra_headers
    assert not RestockAlert.objects.filter(pk=alert.pk).exists()  # served once


def test_a_waiting_restock_notice_is_not_queued_twice(
    two_variants, django_capture_on_commit_callbacks
):
    variant = two_variants[0]
    stock.set_on_hand(variant.sku, 0)
    _alert(variant.sku)
    with override_settings(TASKS=DB_TASKS):
        for on_hand in (3, 5):  # two stock changes before the worker sends anything
            with django_capture_on_commit_callbacks(execute=True):
                stock.set_on_hand(variant.sku, on_hand)
            with django_capture_on_commit_callbacks(execute=True):
                _run_worker()  # the fan-out runs; the notice it queues runs next pass
        with django_capture_on_commit_callbacks(execute=True):
            _run_worker()
    notices = Job.objects.filter(function="shop.restock.deliver_restocked")
    assert [(j.status, j.attempts) for j in notices] == [(Job.Status.SUCCEEDED, 1)]
    assert len(mail.outbox) == 1


def test_a_restock_notice_waits_while_sold_out_again(two_variants):
    variant = two_variants[0]
    stock.set_on_hand(variant.sku, 0)
    alert = _alert(variant.sku)
    assert restock.deliver_restocked(alert.pk) is False  # sold out again when the job ran
    assert RestockAlert.objects.filter(pk=alert.pk).exists() and not mail.outbox
    stock.set_on_hand(variant.sku, 2)
    assert restock.deliver_restocked(alert.pk) is True
    assert restock.deliver_restocked(alert.pk) is False  # a second run sends nothing
    assert len(mail.outbox) == 1


def test_order_confirmation_failing_for_good_is_shown_to_officers(
    client, two_variants, mail_down, django_capture_on_commit_callbacks
):
    order = _order(two_variants[:1], django_capture_on_commit_callbacks)
    job = Job.objects.get(function="shop.emails.deliver_order_email", args__0=order.pk)
    client.force_login(make_user("can-bo-viec", "Officer"))
    html = client.get("/admin/ocop/viec-chay-nen/").content.decode()
    row = html.split(f'data-job="{job.pk}"', 1)[1].split("</tr>", 1)[0]
    assert "Thư cho người mua" in row and "Thư điện tử" in row
    assert "ConnectionRefusedError" in row and "Chạy lại" in row
