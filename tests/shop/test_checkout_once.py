"""Placing an order is idempotent per review: a double tap, a second tab or a retry after a
dropped connection yields one order and one reservation, and lands on that order's page."""

import re
import threading

import pytest
from django.db import connection
from django.test import Client

from products.models import ProductVariant
from products.stock import levels
from shop.checkout import place_order
from shop.models import Order
from tests.conftest import DEMO_PASSWORD

from .conftest import address, in_stock_skus, seed_after_flush
from .test_views import checkout_post, fill_cart


def _token(html: str) -> str:
    return re.search(r'name="checkout_token" value="([^"]+)"', html).group(1)


def _ready_to_place(variants, quantity="2"):
    client = Client()
    fill_cart(client, variants, quantity)
    assert client.post("/shop/checkout/", checkout_post(variants)).status_code == 302
    review = client.get("/shop/checkout/review/")
    assert review.status_code == 200
    return client, _token(review.content.decode())


def _reserved(variants):
    held = levels(v.sku for v in variants)
    return {v.sku: held[v.sku].reserved for v in variants}


@pytest.mark.django_db
def test_retry_after_the_order_committed_lands_on_the_same_order(two_variants):
    client, token = _ready_to_place(two_variants)
    before = _reserved(two_variants)
    first = client.post("/shop/checkout/review/", {"checkout_token": token})
    assert first.status_code == 302
    order = Order.objects.get()
    assert first["Location"].startswith(order.get_absolute_url())
    after_first = _reserved(two_variants)
    assert all(after_first[s] == before[s] + 2 for s in before)
    # The connection dropped before the buyer saw the answer: the browser sends it again.
    again = client.post("/shop/checkout/review/", {"checkout_token": token})
    assert again.status_code == 302 and again["Location"].startswith(order.get_absolute_url())
    assert Order.objects.count() == 1 and _reserved(two_variants) == after_first
    page = client.get(again["Location"], follow=True).content.decode()
    assert order.reference in page and "đã được đặt trước đó" in page


@pytest.mark.django_db
def test_a_second_tab_with_a_changed_cart_still_places_nothing_new(two_variants):
    client, token = _ready_to_place(two_variants[:1])
    client.post("/shop/checkout/review/", {"checkout_token": token})
    order = Order.objects.get()
    fill_cart(client, two_variants[1:])  # meanwhile, in the other tab
    response = client.post("/shop/checkout/review/", {"checkout_token": token})
    assert response["Location"].startswith(order.get_absolute_url())
    assert Order.objects.count() == 1
    assert client.session.get("shop_cart")  # the new cart is kept for a new checkout


@pytest.mark.django_db
def test_a_stale_review_page_is_not_placed(two_variants):
    client, _token_value = _ready_to_place(two_variants)
    response = client.post("/shop/checkout/review/", {"checkout_token": "not-this-checkout"})
    assert response.status_code == 302 and response["Location"] == "/shop/checkout/review/"
    assert not Order.objects.exists()


@pytest.mark.django_db
def test_the_service_returns_the_order_a_token_placed(two_variants):
    a = two_variants[0]
    kwargs = dict(
        items={a.sku: 1},
        address=address(),
        shipping={a.page.producer_id: "delivery"},
        payment_method="cod",
        token="tok-123",
    )
    first = place_order(**kwargs)
    held = levels([a.sku])[a.sku].reserved
    assert place_order(**kwargs).pk == first.pk
    assert levels([a.sku])[a.sku].reserved == held and Order.objects.count() == 1


# --- two simultaneous submits (threads, committed data) ---------------------------------------


def _submit_twice_at_once(cookies, token) -> list:
    """Two tabs of one browser (one session) send the same review form at the same moment."""
    barrier = threading.Barrier(2)
    answers, lock = [], threading.Lock()

    def submit():
        tab = Client()
        tab.cookies = cookies
        try:
            barrier.wait(timeout=30)
            response = tab.post("/shop/checkout/review/", {"checkout_token": token})
            answer = (response.status_code, response.get("Location", "").split("?")[0])
        except Exception as exc:  # a database error fails the test
            answer = ("error", repr(exc))
        finally:
            connection.close()
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return answers


def _simultaneous_submits(rounds=3):
    if not ProductVariant.objects.exists():
        seed_after_flush(DEMO_PASSWORD)
    for _ in range(rounds):
        variants = in_stock_skus(2, on_hand=5)
        client, token = _ready_to_place(variants, quantity="1")
        before_orders = Order.objects.count()
        before = _reserved(variants)
        answers = _submit_twice_at_once(client.cookies, token)
        assert Order.objects.count() == before_orders + 1, answers
        order = Order.objects.order_by("-pk").first()
        assert answers == [(302, order.get_absolute_url())] * 2, answers
        after = _reserved(variants)
        assert all(after[s] == before[s] + 1 for s in before), (before, after)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite run")
def test_two_simultaneous_submits_make_one_order_on_sqlite():
    _simultaneous_submits()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/ocop",
)
def test_two_simultaneous_submits_make_one_order_on_postgresql():
    _simultaneous_submits()
