"""Places in a session are its stock: booked + held never exceed capacity, under concurrency too.

The race tests run real threads, each with its own connection, so they are transactional
(committed data); on SQLite the test database is a file (cms/settings/test.py).
"""

import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import F

from experiences import places
from experiences.models import ExperienceSession
from products.models import ProductVariant
from products.purchasable import get_purchasable, get_purchasables
from products.stock import InsufficientStock, consume, release, reserve
from shop.checkout import CheckoutError
from shop.models import Order
from tests.conftest import DEMO_PASSWORD
from tests.shop.conftest import seed_after_flush

from .conftest import book, new_session, pottery

THREADS, EACH, CAPACITY = 8, 3, 10


def _run(jobs):
    barrier = threading.Barrier(len(jobs))
    results, lock = [], threading.Lock()

    def worker(job):
        try:
            barrier.wait(timeout=30)
            job()
            outcome = "ok"
        except CheckoutError as exc:
            outcome = "full" if "chỗ" in str(exc) else f"other: {exc}"
        except Exception as exc:  # any database error fails the test
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
    if not ProductVariant.objects.exists():
        seed_after_flush(DEMO_PASSWORD)
    session = new_session(capacity=CAPACITY)
    results = _run([lambda: book(session, EACH) for _ in range(THREADS)])
    assert sorted(set(results)) == ["full", "ok"], results
    assert results.count("ok") == CAPACITY // EACH == 3
    session.refresh_from_db()
    assert (session.held, session.booked, session.remaining) == (9, 0, 1)
    assert Order.objects.filter(lines__sku=session.sku).count() == 3
    # The last place still sells; one more does not.
    book(session, 1)
    with pytest.raises(CheckoutError):
        book(session, 1)
    session.refresh_from_db()
    assert session.held == CAPACITY


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite run")
def test_concurrent_bookings_never_exceed_capacity_sqlite():
    _race()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/ocop",
)
def test_concurrent_bookings_never_exceed_capacity_postgresql():
    _race()


@pytest.mark.django_db
def test_check_constraint_backs_the_rule():
    session = new_session(capacity=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        ExperienceSession.objects.filter(pk=session.pk).update(held=F("capacity") + 1)


@pytest.mark.django_db
def test_stock_calls_hand_session_skus_to_the_places_rule():
    session = new_session(capacity=5)
    reserve([(session.sku, 2), (session.sku, 1)])
    session.refresh_from_db()
    assert session.held == 3
    with pytest.raises(InsufficientStock) as exc:
        reserve([(session.sku, 3)])
    assert exc.value.available == 2
    consume([(session.sku, 2)])
    session.refresh_from_db()
    assert (session.held, session.booked) == (1, 2)
    release([(session.sku, 1)])
    session.refresh_from_db()
    assert (session.held, session.booked, session.remaining) == (0, 2, 3)


@pytest.mark.django_db
def test_cancelled_or_started_sessions_are_not_bookable():
    cancelled = new_session(status=ExperienceSession.Status.CANCELLED)
    started = new_session(hours_ahead=-1)
    assert get_purchasables([cancelled.sku, started.sku]) == {}
    for s in (cancelled, started):
        with pytest.raises(InsufficientStock):
            places.change_places(places.HOLD, [(s.sku, 1)])
    open_one = new_session(capacity=4)
    item = get_purchasable(open_one.sku)
    assert item.available == 4 and not item.shippable and item.unit_price == 200000
    assert item.title == pottery().product.title


@pytest.mark.django_db
def test_experience_variant_is_not_sold_without_a_session():
    variant = pottery().product.variants.first()
    assert get_purchasable(variant.sku) is None


@pytest.mark.django_db
def test_editing_a_session_never_overwrites_places():
    session = new_session(capacity=10)
    stale = ExperienceSession.objects.get(pk=session.pk)  # an editor opened the form
    places.change_places(places.HOLD, [(session.sku, 4)])  # a buyer books meanwhile
    stale.meeting_point = "Cổng làng gốm Bát Tràng"
    stale.full_clean()
    stale.save()
    session.refresh_from_db()
    assert session.held == 4 and session.meeting_point == "Cổng làng gốm Bát Tràng"
    session.capacity = 3
    with pytest.raises(Exception) as exc:
        session.full_clean()
    assert "không thể ít hơn" in str(exc.value)


@pytest.mark.parametrize("sku", ["EXP-", "EXP-abc", "EXP-١٢", "EXP-99999999999999", "EXP--1"])
@pytest.mark.django_db
def test_malformed_session_skus_are_simply_unknown(sku):
    assert get_purchasables([sku]) == {}
