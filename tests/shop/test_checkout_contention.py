"""Contention in the order POST (issue 22): a buyer of something already sold out is answered
from a read, before any transaction or lock; a buyer who gets the units holds the stock rows
only for the last statements of the order's transaction."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from products.models import StockItem
from shop.checkout import CheckoutError, place_order

from .conftest import address

pytestmark = pytest.mark.django_db

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|SAVEPOINT|BEGIN)", re.I)


def _buy(variant, quantity=1):
    return place_order(
        items={variant.sku: quantity},
        address=address(),
        shipping={variant.page.producer_id: "delivery"},
        payment_method="cod",
    )


def test_sold_out_is_answered_without_writing_or_locking(two_variants):
    a = two_variants[0]
    StockItem.objects.filter(sku=a.sku).update(on_hand=2, reserved=2)  # being paid for
    with CaptureQueriesContext(connection) as ctx:
        with pytest.raises(CheckoutError, match="vừa hết hàng"):
            _buy(a)
    writes = [q["sql"] for q in ctx.captured_queries if WRITE.match(q["sql"])]
    assert writes == []
    assert not any("FOR UPDATE" in q["sql"] for q in ctx.captured_queries)
    StockItem.objects.filter(sku=a.sku).update(on_hand=3, reserved=2)
    with pytest.raises(CheckoutError, match="chỉ còn 1 đơn vị"):
        _buy(a, quantity=2)


def test_the_stock_rows_are_the_last_thing_the_order_writes(two_variants):
    a = two_variants[0]
    with CaptureQueriesContext(connection) as ctx:
        _buy(a)
    writes = [q["sql"] for q in ctx.captured_queries if re.match(r"^\s*(INSERT|UPDATE)", q["sql"])]
    stock = [i for i, sql in enumerate(writes) if "products_stockitem" in sql]
    assert stock, writes
    others = [i for i, sql in enumerate(writes) if "shop_order" in sql]
    assert others and max(others) < min(stock), writes


# --- The final click through the view ---------------------------------------------------------


def _ready_for_final_click(variants):
    from django.test import Client

    from .test_views import checkout_post, fill_cart

    client = Client()
    fill_cart(client, variants)
    assert client.post("/shop/checkout/", checkout_post(variants)).status_code == 302
    return client


def _count_quotes(monkeypatch):
    import shop.checkout

    calls = []
    real = shop.checkout.quote_part

    def counting(*args, **kwargs):
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(shop.checkout, "quote_part", counting)
    return calls


def test_sold_out_final_click_is_answered_from_one_read(two_variants, monkeypatch):
    """The 180 buyers who missed the last units get their answer without a delivery quote, a
    transaction or a lock: a handful of reads."""
    from shop.models import Order

    client = _ready_for_final_click(two_variants)
    a = two_variants[0]
    StockItem.objects.filter(sku=a.sku).update(on_hand=1, reserved=1)  # someone is paying
    quotes = _count_quotes(monkeypatch)
    with CaptureQueriesContext(connection) as ctx:
        response = client.post("/shop/checkout/review/")
    assert response.status_code == 302 and response["Location"] == "/shop/cart/"
    assert quotes == []
    assert [q["sql"] for q in ctx.captured_queries if WRITE.match(q["sql"])] == []
    # The session and the stock rows: no catalogue record is read.
    assert len(ctx.captured_queries) <= 2, [q["sql"][:80] for q in ctx.captured_queries]
    assert not any("pageviewrestriction" in q["sql"] for q in ctx.captured_queries)
    assert not Order.objects.exists()
    page = client.get("/shop/cart/").content.decode()
    assert f"{a.page.title} — {a.label} vừa hết hàng." in page
    assert page.count("vừa hết hàng") == 1  # said once, in the cart's own list


def test_placed_final_click_quotes_each_part_once(two_variants, monkeypatch):
    """The order is priced and quoted once, by place_order (not also by the view)."""
    from shop.models import Order

    client = _ready_for_final_click(two_variants)
    quotes = _count_quotes(monkeypatch)
    response = client.post("/shop/checkout/review/")
    order = Order.objects.get()
    assert response.status_code == 302 and order.reference in response["Location"]
    assert sorted(quotes) == sorted(v.page.producer_id for v in two_variants)
    assert order.shipments.count() == 2


def test_a_short_final_click_says_how_many_are_left(two_variants):
    """Two in the cart, one left: back to the cart, which gives the count (once)."""
    from shop.models import Order

    client = _ready_for_final_click(two_variants)
    a = two_variants[0]
    from shop.cart import SESSION_KEY

    session = client.session
    session[SESSION_KEY] = {**session[SESSION_KEY], a.sku: 2}
    session.save()
    StockItem.objects.filter(sku=a.sku).update(on_hand=3, reserved=2)
    response = client.post("/shop/checkout/review/")
    assert response["Location"] == "/shop/cart/"
    assert not Order.objects.exists()
    page = client.get("/shop/cart/").content.decode()
    assert f"{a.page.title} — {a.label}: chỉ còn 1 đơn vị." in page
    assert page.count("chỉ còn 1 đơn vị") == 1


def test_the_placed_final_click_reads_the_catalogue_once(two_variants):
    """place_order prices from the final click's read: one read of the variants, one of the
    view restrictions, whatever the delivery quotes need besides."""
    client = _ready_for_final_click(two_variants)
    with CaptureQueriesContext(connection) as ctx:
        response = client.post("/shop/checkout/review/")
    assert "/shop/orders/DH" in response["Location"]
    sql = [q["sql"] for q in ctx.captured_queries]
    variant_reads = [q for q in sql if q.startswith('SELECT "products_productvariant"."sku"')]
    assert len(variant_reads) == 1, variant_reads
    assert sum("pageviewrestriction" in q for q in sql) == 1
