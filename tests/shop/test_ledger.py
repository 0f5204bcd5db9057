"""The producer ledger: balanced, append-only, idempotent, order-independent."""

import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from products.models import ProducerPage
from shop import ledger, orders
from shop.checkout import place_order
from shop.models import LedgerEntry, LedgerTransaction, Order

from .conftest import address, in_stock_skus

pytestmark = pytest.mark.django_db


def _order(variants, method="vietqr", quantities=(1, 1)):
    return place_order(
        items={v.sku: q for v, q in zip(variants, quantities, strict=False)},
        address=address(),
        shipping={v.page.producer_id: "delivery" for v in variants},
        payment_method=method,
    )


def _every_transaction_balances():
    for txn in LedgerTransaction.objects.all():
        assert txn.entries.aggregate(s=Sum("amount"))["s"] == 0, txn.key
    assert (LedgerEntry.objects.aggregate(s=Sum("amount"))["s"] or 0) == 0


def test_a_paid_transfer_credits_each_producer_its_net(two_variants, settings):
    settings.SHOP_COMMISSION_BP = 500
    a, b = two_variants
    ProducerPage.objects.filter(pk=a.page.producer_id).update(kind="household")
    ProducerPage.objects.filter(pk=b.page.producer_id).update(kind="cooperative")
    order = _order(two_variants, quantities=(2, 1))
    orders.mark_paid(order, note="chuyển khoản")
    part_a = order.shipments.get(producer_id=a.page.producer_id)
    sub_a = part_a.subtotal
    commission, vat, pit = (
        (sub_a * 500 + 5000) // 10000,
        (sub_a + 50) // 100,
        (sub_a * 50 + 5000) // 10000,
    )
    assert ledger.owed_to_producer(a.page.producer_id) == sub_a - commission - vat - pit
    part_b = order.shipments.get(producer_id=b.page.producer_id)
    assert (
        ledger.owed_to_producer(b.page.producer_id)
        == part_b.subtotal - (part_b.subtotal * 500 + 5000) // 10000
    )  # a cooperative: no tax withheld
    assert ledger.balance("cash:vietqr") == order.total
    assert -ledger.balance("delivery") == order.shipping_total
    _every_transaction_balances()


def test_cod_collected_by_the_producer_means_it_owes_the_platform(two_variants):
    a = two_variants[0]
    order = _order([a], method="cod")
    part = order.shipments.get()
    orders.mark_cod_collected(part)
    s = ledger.split(part, household=a.page.producer.kind == "household")
    assert ledger.owed_to_producer(a.page.producer_id) == -(s.commission + s.vat + s.pit + s.fee)
    assert ledger.balance("cash:cod") == 0
    orders.mark_cod_collected(part)  # idempotent
    assert LedgerTransaction.objects.filter(kind="sale").count() == 1
    _every_transaction_balances()


def test_refund_reverses_even_after_a_payout(two_variants):
    a = two_variants[0]
    order = _order([a])
    orders.mark_paid(order)
    owed = ledger.owed_to_producer(a.page.producer_id)
    from shop.models import PayoutBatch, PayoutLine

    batch = PayoutBatch.objects.create()
    line = PayoutLine.objects.create(
        batch=batch, producer_id=a.page.producer_id, producer_title="A", amount=owed
    )
    ledger.post_payout(line)
    assert ledger.owed_to_producer(a.page.producer_id) == 0
    orders.refund_order(order, note="hàng hỏng")
    assert ledger.owed_to_producer(a.page.producer_id) == -owed  # recovered from the next payout
    assert LedgerTransaction.objects.filter(kind="reversal").count() == 1
    _every_transaction_balances()


def test_ledger_rows_are_append_only(two_variants):
    order = _order(two_variants[:1])
    orders.mark_paid(order)
    entry = LedgerEntry.objects.first()
    entry.amount += 1
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()
    with pytest.raises(ValueError):
        ledger.post("bad", "sale", {"a": 1, "b": -2})


EVENTS = st.lists(
    st.tuples(
        st.sampled_from(["transfer", "cod", "card"]),  # how it is paid
        st.integers(min_value=1, max_value=3),  # quantity
        st.booleans(),  # refunded afterwards
    ),
    min_size=1,
    max_size=4,
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(events=EVENTS, reverse_delivery=st.booleans())
def test_invariants_hold_and_balances_do_not_depend_on_event_order(
    two_variants, settings, events, reverse_delivery
):
    """Random orders paid by transfer, card or COD, some refunded, their notifications applied
    in either order: every transaction balances, each producer's balance is the sum of its
    entries, and the same events give the same balances whatever order they arrive in."""
    from django.db import transaction

    settings.STRIPE_SECRET_KEY = "sk_test_unused"
    results = []
    for arrival in (events, list(reversed(events)) if reverse_delivery else events):
        sid = transaction.savepoint()
        in_stock_skus(2, on_hand=50)
        placed = []
        for how, quantity, refunded in arrival:
            method = {"transfer": "vietqr", "cod": "cod", "card": "stripe"}[how]
            placed.append((_order(two_variants, method, (quantity, 1)), refunded))
        for order, refunded in placed:
            if order.payment_method == Order.Payment.COD:
                for part in order.shipments.all():
                    orders.mark_cod_collected(part)
            else:
                Order.objects.filter(pk=order.pk).update(stripe_payment_intent="")
                orders.mark_paid(order)
            if refunded and order.payment_method != Order.Payment.STRIPE:
                orders.refund_order(order)
        _every_transaction_balances()
        balances = {}
        for v in two_variants:
            pid = v.page.producer_id
            own = LedgerEntry.objects.filter(account=ledger.producer_account(pid))
            assert ledger.owed_to_producer(pid) == -(own.aggregate(s=Sum("amount"))["s"] or 0)
            balances[pid] = ledger.owed_to_producer(pid)
        results.append(balances)
        transaction.savepoint_rollback(sid)
    assert results[0] == results[-1]


def test_payout_batch_csv_and_paid_with_the_banks_reference(two_variants, settings):
    from django.test import Client

    from .test_admin import client_for, make_user

    settings.SHOP_PAYOUT_MINIMUM = 1000
    a, b = two_variants
    order = _order(two_variants)
    orders.mark_paid(order)
    officer = make_user("can-bo-tien", "Officer")
    farmer_a = make_user("tien-a", f"Producer: {a.page.producer.slug}")
    farmer_b = make_user("tien-b", f"Producer: {b.page.producer.slug}")
    owed_a = ledger.owed_to_producer(a.page.producer_id)
    assert client_for(farmer_a).get("/admin/shop/chi-tra/").status_code in (302, 403)
    client_for(officer).post("/admin/shop/chi-tra/", {"action": "create"})
    from shop.models import PayoutBatch

    batch = PayoutBatch.objects.get()
    assert {line.producer_id: line.amount for line in batch.lines.all()}[a.page.producer_id] == (
        owed_a
    )
    # A second batch does not pay the same producers twice while the first is open.
    client_for(officer).post("/admin/shop/chi-tra/", {"action": "create"})
    assert PayoutBatch.objects.count() == 1
    rows = (
        client_for(officer).get(f"/admin/shop/chi-tra/{batch.pk}.csv").content.decode("utf-8-sig")
    )
    assert "Số tiền" in rows and str(owed_a) in rows
    client_for(officer).post(
        "/admin/shop/chi-tra/", {"action": "paid", "batch": batch.pk, "reference": "FT2633500001"}
    )
    batch.refresh_from_db()
    assert batch.status == "paid" and batch.bank_reference == "FT2633500001"
    assert ledger.owed_to_producer(a.page.producer_id) == 0
    _every_transaction_balances()
    # Each producer sees only its own balance and statement.
    page_a = client_for(farmer_a).get("/admin/shop/so-du/").content.decode()
    assert order.reference in page_a and "FT2633500001" in page_a
    csv_b = client_for(farmer_b).get("/admin/shop/so-du/sao-ke.csv").content.decode("utf-8-sig")
    assert order.reference in csv_b  # B had a part in this order too
    other = place_order(
        items={a.sku: 1},
        address=address(),
        shipping={a.page.producer_id: "delivery"},
        payment_method="vietqr",
    )
    orders.mark_paid(other)
    assert other.reference not in client_for(farmer_b).get("/admin/shop/so-du/").content.decode()
    assert Client().get("/admin/shop/so-du/").status_code == 302
