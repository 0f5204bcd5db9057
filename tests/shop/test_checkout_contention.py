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
