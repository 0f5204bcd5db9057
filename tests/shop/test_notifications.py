"""A new order reaches each producer at once: an email with only its own part, and a Zalo ZNS
message through the real HTTP client against a local fake; no keys → phone channel off; a
failing or slow provider never blocks the order."""

import time

import pytest
from django.core import mail

from cms.models import Job
from products.models import ProducerPage
from products.roles import producer_group_name
from shop.checkout import place_order
from shop.notifications import message_new_order, phone_provider
from shop.notifications.zalo import ZaloZNS, ZNSError, zalo_phone

from .conftest import address
from .fake_zalo import FakeZalo
from .test_admin import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def zalo(settings):
    fake = FakeZalo().start()
    settings.ZALO_ZNS_ACCESS_TOKEN = FakeZalo.TOKEN
    settings.ZALO_ZNS_TEMPLATE_NEW_ORDER = "248079"
    settings.ZALO_ZNS_API_BASE = fake.url
    yield fake
    fake.stop()


def _order(variants, capture):
    a, b = variants
    with capture(execute=True):
        return place_order(
            items={a.sku: 2, b.sku: 1},
            address=address(),
            shipping={a.page.producer_id: "delivery", b.page.producer_id: "delivery"},
            payment_method="cod",
        )


def test_each_producer_hears_of_its_own_part(
    two_variants, zalo, django_capture_on_commit_callbacks
):
    a, b = two_variants
    for variant, name in ((a, "nsx-a"), (b, "nsx-b")):
        make_user(name, producer_group_name(variant.page.producer.slug), email=f"{name}@example.vn")
        ProducerPage.objects.filter(pk=variant.page.producer_id).update(phone="0912 345 678")
    order = _order(two_variants, django_capture_on_commit_callbacks)
    to_a = [m for m in mail.outbox if "nsx-a@example.vn" in m.to]
    to_b = [m for m in mail.outbox if "nsx-b@example.vn" in m.to]
    assert len(to_a) == 1 and len(to_b) == 1
    assert order.reference in to_a[0].subject and "Đơn hàng mới" in to_a[0].subject
    assert a.page.title in to_a[0].body and b.page.title not in to_a[0].body
    assert f"/admin/shop/orders/{order.reference}/" in to_a[0].body
    assert "0912345678" in to_a[0].body  # the buyer's phone
    calls = [r["json"] for r in zalo.requests]
    assert len(calls) == 2
    assert {c["phone"] for c in calls} == {"84912345678"}
    assert {c["template_id"] for c in calls} == {"248079"}
    assert {c["template_data"]["order_code"] for c in calls} == {order.reference}
    headers = {k.lower(): v for k, v in zalo.requests[0]["headers"].items()}
    assert headers["access_token"] == FakeZalo.TOKEN


def test_without_keys_the_phone_channel_is_off(two_variants, settings):
    settings.ZALO_ZNS_ACCESS_TOKEN = ""
    assert phone_provider() is None


def test_a_refused_or_slow_provider_never_blocks_the_order(
    two_variants, zalo, settings, django_capture_on_commit_callbacks
):
    producer_id = two_variants[0].page.producer_id
    ProducerPage.objects.filter(pk=producer_id).update(phone="0912345678")
    settings.ZALO_ZNS_ACCESS_TOKEN = "wrong-token"
    settings.JOBS_RETRY = {"phone": {"max_attempts": 2}}
    order = _order(two_variants, django_capture_on_commit_callbacks)
    assert order.pk and zalo.requests  # tried, refused, logged
    # The phone notice is a job of its own: tried again, then listed for officers; the
    # producer's e-mail went once.
    job = Job.objects.get(kind="phone", args=[order.pk, producer_id])
    assert job.status == Job.Status.FAILED and job.attempts == 2
    assert job.last_error.startswith("ZNSError: -124")
    mails = Job.objects.get(function="shop.notifications.email_new_order", args=job.args)
    assert mails.status == Job.Status.SUCCEEDED and mails.attempts == 1
    settings.ZALO_ZNS_ACCESS_TOKEN = FakeZalo.TOKEN
    settings.NOTIFY_TIMEOUT_SECONDS = 0.5
    zalo.delay = 2
    started = time.monotonic()
    with pytest.raises(ZNSError):  # the job records it and tries again later
        message_new_order(order.pk, producer_id)
    assert time.monotonic() - started < 2  # gave up after the timeout


def test_a_phone_number_zalo_cannot_take_fails_at_once(
    two_variants, zalo, django_capture_on_commit_callbacks
):
    producer_id = two_variants[0].page.producer_id
    ProducerPage.objects.filter(pk=producer_id).update(phone="12345")
    order = _order(two_variants, django_capture_on_commit_callbacks)
    job = Job.objects.get(kind="phone", args=[order.pk, producer_id])
    assert job.status == Job.Status.FAILED and job.attempts == 1
    assert not zalo.requests


def test_client_refuses_bad_phones_and_reports_errors(zalo):
    assert zalo_phone("+84 912 345 678") == "84912345678"
    with pytest.raises(ZNSError):
        zalo_phone("12345")
    client = ZaloZNS("bad", base_url=zalo.url)
    with pytest.raises(ZNSError, match="-124"):
        client.send("0912345678", "1", {})
    assert ZaloZNS(FakeZalo.TOKEN, base_url=zalo.url).send("0912345678", "1", {}) == "zns-1"
