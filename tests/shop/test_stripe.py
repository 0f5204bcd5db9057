"""Stripe Checkout with the real SDK against a local fake Stripe API, and signed webhooks."""

import datetime

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from products.models import StockItem
from shop import orders
from shop.checkout import place_order
from shop.models import Order, OrderStatusChange, StripeEvent
from shop.payments.stripe_gateway import checkout_session_for

from .conftest import address
from .fake_stripe import FakeStripe, event, sign

pytestmark = pytest.mark.django_db

SECRET = "whsec_test_secret"
WEBHOOK = "/shop/stripe/webhook/"


@pytest.fixture
def fake_stripe(settings):
    fake = FakeStripe().start()
    settings.STRIPE_SECRET_KEY = "sk_test_fake"
    settings.STRIPE_API_BASE = fake.url
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    yield fake
    fake.stop()


@pytest.fixture
def card_order(two_variants, fake_stripe, rf):
    order = place_order(
        items={two_variants[0].sku: 2, two_variants[1].sku: 1},
        address=address(),
        shipping={v.page.producer_id: "delivery" for v in two_variants},
        payment_method="stripe",
    )
    session = checkout_session_for(order, rf.get("/"))
    order.refresh_from_db()
    return order, session


def post_event(client, event_id, event_type, session, secret=SECRET):
    payload = event(event_id, event_type, session)
    return client.post(
        WEBHOOK,
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(payload, secret),
    )


def paid_session(order, **extra):
    return {
        "id": order.stripe_session_id,
        "object": "checkout.session",
        "client_reference_id": order.reference,
        "metadata": {"order_reference": order.reference},
        "payment_status": "paid",
        "status": "complete",
        "payment_intent": "pi_test_123",
        "amount_total": order.total,
        "currency": "vnd",
        **extra,
    }


def test_session_in_whole_dong_with_idempotency_key(card_order, fake_stripe, two_variants, rf):
    order, session = card_order
    assert order.status == Order.Status.PENDING_PAYMENT
    assert order.stripe_session_id == session.id
    [created] = fake_stripe.posts("/v1/checkout/sessions")
    assert created["headers"]["Idempotency-Key"] == f"order-{order.reference}-checkout"
    assert created["headers"]["Authorization"] == "Bearer sk_test_fake"
    form = created["form"]
    prices = {i["price_data"]["unit_amount"] for i in form["line_items"]}
    assert str(two_variants[0].price) in prices  # whole đồng, never ×100
    assert {i["price_data"]["currency"] for i in form["line_items"]} == {"vnd"}
    assert session.amount_total == order.total
    assert form["metadata"]["order_reference"] == order.reference
    # Asking again retrieves the open session instead of creating a second one.
    again = checkout_session_for(order, rf.get("/"))
    assert again.id == session.id
    assert len(fake_stripe.posts("/v1/checkout/sessions")) == 1
    assert any(r["method"] == "GET" for r in fake_stripe.requests)


def test_valid_webhook_marks_paid(card_order):
    order, _session = card_order
    response = post_event(Client(), "evt_1", "checkout.session.completed", paid_session(order))
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == Order.Status.PAID and order.is_paid
    assert order.stripe_payment_intent == "pi_test_123"
    assert StripeEvent.objects.get(event_id="evt_1").order == order


def test_bad_signature_is_rejected_and_changes_nothing(card_order):
    order, _session = card_order
    client = Client()
    response = post_event(
        client, "evt_bad", "checkout.session.completed", paid_session(order), secret="whsec_wrong"
    )
    assert response.status_code == 400
    payload = event("evt_bad2", "checkout.session.completed", paid_session(order))
    response = client.post(WEBHOOK, payload, content_type="application/json")  # unsigned
    assert response.status_code == 400
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT and not order.is_paid
    assert not StripeEvent.objects.exists()


def test_replayed_ten_times_is_one_transition(card_order):
    order, _session = card_order
    client = Client()
    answers = [
        post_event(client, "evt_same", "checkout.session.completed", paid_session(order))
        for _ in range(10)
    ]
    assert all(r.status_code == 200 for r in answers)
    assert answers[0].content == b"paid"
    assert {r.content for r in answers[1:]} == {b"duplicate"}
    assert StripeEvent.objects.filter(event_id="evt_same").count() == 1
    assert OrderStatusChange.objects.filter(order=order, new_status="paid").count() == 1


def test_out_of_order_events(card_order, two_variants):
    order, _session = card_order
    client = Client()
    reserved = StockItem.objects.get(sku=two_variants[0].sku).reserved
    # The async success arrives before the "completed (unpaid)" that preceded it at Stripe.
    post_event(client, "evt_a", "checkout.session.async_payment_succeeded", paid_session(order))
    late = paid_session(order, payment_status="unpaid")
    assert post_event(client, "evt_b", "checkout.session.completed", late).content == b"noop"
    # A stale "expired" after payment must not cancel a paid order or free its stock.
    assert post_event(client, "evt_c", "checkout.session.expired", late).content == b"noop"
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert StockItem.objects.get(sku=two_variants[0].sku).reserved == reserved


def test_expired_session_cancels_and_returns_stock(card_order, two_variants):
    order, _session = card_order
    before = {v.sku: StockItem.objects.get(sku=v.sku).reserved for v in two_variants}
    expired = paid_session(order, payment_status="unpaid", status="expired", payment_intent=None)
    response = post_event(Client(), "evt_exp", "checkout.session.expired", expired)
    assert response.content == b"cancelled"
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    after = {v.sku: StockItem.objects.get(sku=v.sku).reserved for v in two_variants}
    assert after == {
        two_variants[0].sku: before[two_variants[0].sku] - 2,
        two_variants[1].sku: before[two_variants[1].sku] - 1,
    }


def test_async_failure_cancels(card_order):
    order, _session = card_order
    session = paid_session(order, payment_status="unpaid")
    post_event(Client(), "evt_f", "checkout.session.async_payment_failed", session)
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED


def test_refund_goes_through_stripe(card_order, fake_stripe):
    order, _session = card_order
    post_event(Client(), "evt_p", "checkout.session.completed", paid_session(order))
    order.refresh_from_db()
    assert orders.refund_order(order, note="khách trả hàng")
    [refund] = fake_stripe.posts("/v1/refunds")
    assert refund["form"] == {"payment_intent": "pi_test_123", "amount": str(order.total)}
    assert refund["headers"]["Idempotency-Key"] == f"order-{order.reference}-refund"
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED


def test_card_checkout_redirects_to_stripe(two_variants, fake_stripe):
    from .test_views import checkout_post

    client = Client()
    for v in two_variants:
        client.post("/shop/cart/add/", {"sku": v.sku, "quantity": "1"})
    response = client.post("/shop/checkout/", checkout_post(two_variants, payment_method="stripe"))
    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.post("/shop/checkout/review/")
    assert response.status_code == 302
    assert response["Location"].startswith(fake_stripe.url + "/pay/cs_test_")
    order = Order.objects.get()
    assert order.payment_method == "stripe" and order.stripe_session_id


def _age(order, minutes):
    Order.objects.filter(pk=order.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=minutes)
    )


def test_lost_webhook_safety_net_cancels_expired_and_confirms_paid(
    card_order, fake_stripe, two_variants, rf
):
    order, session = card_order
    reserved = StockItem.objects.get(sku=two_variants[0].sku).reserved
    fake_stripe.sessions[session.id]["status"] = "expired"
    call_command("shop_release_stale")
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT  # too young: not touched
    _age(order, 60)
    call_command("shop_release_stale")
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert StockItem.objects.get(sku=two_variants[0].sku).reserved == reserved - 2

    second = place_order(
        items={two_variants[0].sku: 1},
        address=address(),
        shipping={two_variants[0].page.producer_id: "delivery"},
        payment_method="stripe",
    )
    paid = checkout_session_for(second, rf.get("/"))
    fake_stripe.sessions[paid.id].update(
        status="complete", payment_status="paid", payment_intent="pi_late"
    )
    _age(second, 60)
    call_command("shop_release_stale")
    second.refresh_from_db()
    assert second.status == Order.Status.PAID and second.stripe_payment_intent == "pi_late"


def test_unconfirmed_transfer_released_after_hold(two_variants, settings):
    order = place_order(
        items={two_variants[0].sku: 1},
        address=address(),
        shipping={two_variants[0].page.producer_id: "delivery"},
        payment_method="vietqr",
    )
    _age(order, 60 * (settings.SHOP_TRANSFER_HOLD_HOURS + 1))
    call_command("shop_release_stale")
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED and not order.stock_reserved


# --- events checked against the order (issue 10) ------------------------------------------


@pytest.mark.parametrize(
    "change,why",
    [
        ({"amount_total": 1000}, "số tiền 1000"),
        ({"currency": "usd"}, "tiền tệ usd"),
        ({"id": "cs_test_someone_else"}, "phiên cs_test_someone_else"),
    ],
)
def test_paid_session_that_does_not_match_is_flagged_not_paid(card_order, change, why):
    order, _session = card_order
    session = paid_session(order, **change)
    response = post_event(Client(), "evt_mismatch", "checkout.session.completed", session)
    assert response.status_code == 200 and response.content == b"mismatch"
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT and not order.is_paid
    assert why in order.flagged_reason
    assert StripeEvent.objects.filter(event_id="evt_mismatch").exists()  # recorded
    assert order.history.filter(note__contains=why).exists()
    # The same event again changes nothing more; a matching one still pays.
    post_event(Client(), "evt_mismatch", "checkout.session.completed", session)
    assert order.history.filter(note__contains=why).count() == 1
    post_event(Client(), "evt_ok", "checkout.session.completed", paid_session(order))
    order.refresh_from_db()
    assert order.is_paid


@pytest.mark.parametrize(
    "payload",
    [
        "[]",
        '"just a string"',
        '{"id": "evt_x", "type": "checkout.session.completed"}',
        '{"id": "evt_x", "type": "checkout.session.completed", "data": []}',
        '{"id": "evt_x", "type": "checkout.session.completed", "data": {"object": "cs_1"}}',
        '{"id": 5, "type": "checkout.session.completed", "data": {"object": {}}}',
        '{"id": "evt_x", "type": "checkout.session.completed", "data": {"object": '
        '{"metadata": "DH123"}}}',
        '{"id": "evt_x", "type": "checkout.session.completed", "data": {"object": '
        '{"client_reference_id": ["DH"]}}}',
        '{"id": "evt_x", "type": "checkout.session.completed", "data": {"object": '
        '{"amount_total": "1000"}}}',
    ],
)
def test_well_signed_but_malformed_events_answer_400(card_order, payload):
    order, _session = card_order
    response = Client().post(
        WEBHOOK,
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(payload, SECRET),
    )
    assert response.status_code == 400
    order.refresh_from_db()
    assert not order.is_paid


def test_signatures_from_the_future_are_refused_like_stale_ones(card_order):
    import time

    order, _session = card_order
    payload = event("evt_time", "checkout.session.completed", paid_session(order))
    for stamp in (int(time.time()) + 3600, int(time.time()) - 3600):
        response = Client().post(
            WEBHOOK,
            payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=sign(payload, SECRET, timestamp=stamp),
        )
        assert response.status_code == 400
    order.refresh_from_db()
    assert not order.is_paid and not StripeEvent.objects.exists()
    near = int(time.time()) + 30  # clock skew within the tolerance is fine
    response = Client().post(
        WEBHOOK,
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(payload, SECRET, timestamp=near),
    )
    assert response.content == b"paid"


def test_card_payment_after_expiry_is_flagged_for_refund_not_reopened(card_order, two_variants):
    order, _session = card_order
    expired = paid_session(order, payment_status="unpaid", status="expired")
    assert post_event(Client(), "evt_e", "checkout.session.expired", expired).content == (
        b"cancelled"
    )
    reserved = StockItem.objects.get(sku=two_variants[0].sku).reserved
    assert post_event(Client(), "evt_late", "checkout.session.completed", paid_session(order))
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED and order.is_paid
    assert "cần hoàn tiền" in order.flagged_reason
    assert StockItem.objects.get(sku=two_variants[0].sku).reserved == reserved


def test_refund_calls_stripe_outside_the_order_lock_and_records_it(
    card_order, fake_stripe, monkeypatch
):
    from django.db import connection

    import shop.payments.stripe_gateway as gateway

    order, _session = card_order
    post_event(Client(), "evt_p2", "checkout.session.completed", paid_session(order))
    order.refresh_from_db()
    depth = len(connection.atomic_blocks)  # the test's own transaction
    seen = []
    real = gateway.refund

    def spy(o):
        seen.append(len(connection.atomic_blocks))  # none of refund_order's is open
        return real(o)

    monkeypatch.setattr(gateway, "refund", spy)
    assert orders.refund_order(order, note="khách trả hàng")
    assert seen == [depth]
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED and order.stripe_refund_id.startswith("re_test_")
    assert order.history.filter(note__contains=order.stripe_refund_id).exists()


def test_failed_card_refund_changes_nothing_and_says_which_step_failed(card_order, fake_stripe):
    order, _session = card_order
    post_event(Client(), "evt_p3", "checkout.session.completed", paid_session(order))
    fake_stripe.refund_error = "Charge already refunded"
    with pytest.raises(orders.TransitionError) as exc:
        orders.refund_order(order)
    assert "Hoàn tiền" in str(exc.value) and "Charge already refunded" in str(exc.value)
    order.refresh_from_db()
    assert order.status == Order.Status.PAID and not order.stripe_refund_id
    assert order.history.filter(note__contains="Charge already refunded").exists()
