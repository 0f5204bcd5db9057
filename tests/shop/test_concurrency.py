"""Many buyers, few units: exactly the available units are sold, never more.

These tests run real threads, each with its own database connection, so they use transactional
tests (committed data). On SQLite the test database is a file (cms/settings/test.py), because
SQLite's shared in-memory database has no busy timeout between connections.
"""

import threading

import pytest
from django.db import connection

from products.models import ProductVariant, StockItem
from shop.checkout import CheckoutError, place_order
from shop.models import Order
from tests.conftest import DEMO_PASSWORD

from .conftest import address, in_stock_skus, seed_after_flush

BUYERS = 12
UNITS = 3


def _ensure_demo():
    # A transactional test before this one may have flushed the database.
    if not ProductVariant.objects.exists():
        seed_after_flush(DEMO_PASSWORD)


def _run_buyers(jobs):
    """Run each job in its own thread, all released at once; collect "ok"/"sold out"/errors."""
    barrier = threading.Barrier(len(jobs))
    results = []
    lock = threading.Lock()

    def worker(job):
        try:
            barrier.wait(timeout=30)
            job()
            outcome = "ok"
        except CheckoutError:
            outcome = "sold out"
        except Exception as exc:  # any database error is a failure of the test
            outcome = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def _race():
    _ensure_demo()
    a, b = in_stock_skus(2, on_hand=UNITS)
    addr = address()

    def buy(*variants):
        def job():
            place_order(
                items={v.sku: 1 for v in variants},
                address=addr,
                shipping={v.page.producer_id: "delivery" for v in variants},
                payment_method="cod",
            )

        return job

    # 1. N buyers for the last K units of one SKU.
    results = _run_buyers([buy(a) for _ in range(BUYERS)])
    assert sorted(set(results)) <= ["ok", "sold out"], results
    assert results.count("ok") == UNITS
    item = StockItem.objects.get(sku=a.sku)
    assert (item.on_hand, item.reserved, item.available) == (UNITS, UNITS, 0)
    assert Order.objects.filter(lines__sku=a.sku).count() == UNITS

    # 2. Two-SKU orders taken in opposite orders: no deadlock, still never oversold.
    StockItem.objects.filter(sku=a.sku).update(on_hand=UNITS, reserved=0)
    jobs = [buy(a, b) if i % 2 else buy(b, a) for i in range(BUYERS)]
    results = _run_buyers(jobs)
    assert sorted(set(results)) <= ["ok", "sold out"], results
    assert results.count("ok") == UNITS
    for sku in (a.sku, b.sku):
        item = StockItem.objects.get(sku=sku)
        assert item.available == 0 and item.reserved == UNITS and item.on_hand >= 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the SQLite run; this session uses another database"
)
def test_last_units_race_on_sqlite():
    _race()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/ocop",
)
def test_last_units_race_on_postgresql():
    _race()
