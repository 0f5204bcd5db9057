"""The tickets' e-mail is an "email" job (cms/jobs.py, issue 21): the tickets are issued with
the order whatever the mail server does; their e-mail is retried, listed for officers when it
fails for good, and sent, QR codes attached, by the retry button."""

import pytest
from django.core import mail
from django.core.cache import cache

from cms import jobs
from cms.models import Job
from experiences.models import Ticket
from tests.shop.test_email_jobs import FLAKY, SWITCH

from .conftest import book, new_session

pytestmark = pytest.mark.django_db


def test_tickets_are_issued_and_their_email_retried(settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = FLAKY
    settings.JOBS_RETRY = {"email": {"max_attempts": 2}}
    session = new_session(capacity=5)
    cache.set(SWITCH, "down")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            order = book(session, 2)
        ticket = Ticket.objects.get(order=order)  # issued although the mail server is down
        job = Job.objects.get(function="experiences.bookings.deliver_ticket_email")
        assert job.args == [order.pk] and job.status == Job.Status.FAILED and job.attempts == 2
        assert job.last_error.startswith("ConnectionRefusedError")
        assert not mail.outbox
    finally:
        cache.delete(SWITCH)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.retry(job)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    [message] = [m for m in mail.outbox if ticket.code in m.body]
    assert message.to == [order.email]
    assert message.attachments[0][2] == "image/png"
