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
        st.integers(min_value=1, max_value=3),  # quantity of the first product
        st.booleans(),  # refunded in full afterwards
        st.integers(min_value=0, max_value=3),  # units of the first product returned
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
    """Random orders paid by transfer, card or COD; a payout; then some refunded in full and
    some partly returned (accepted refunds) — after the payout, so balances may go negative.
    Every transaction balances, each producer's balance is the sum of its entries, what the
    platform owes buyers is exactly the accepted transfer refunds not yet paid, and the same
    events give the same balances whatever order they arrive in."""
    from django.db import transaction

    from shop import returns
    from shop.models import OrderShipment

    from .test_admin import make_user

    settings.STRIPE_SECRET_KEY = "sk_test_unused"
    settings.SHOP_PAYOUT_MINIMUM = 1
    results = []
    for arrival in (events, list(reversed(events)) if reverse_delivery else events):
        sid = transaction.savepoint()
        officer = make_user("can-bo-so-cai", "Officer")
        in_stock_skus(2, on_hand=50)
        placed = []
        for how, quantity, refunded, returned in arrival:
            method = {"transfer": "vietqr", "cod": "cod", "card": "stripe"}[how]
            order = _order(two_variants, method, (quantity, 1))
            placed.append((order, refunded, min(returned, quantity)))
        for order, _refunded, _returned in placed:
            if order.payment_method == Order.Payment.COD:
                for part in order.shipments.all():
                    orders.mark_cod_collected(part)
            else:
                Order.objects.filter(pk=order.pk).update(stripe_payment_intent="")
                orders.mark_paid(order)
        batch = ledger.create_payout_batch()
        if batch is not None:
            ledger.mark_batch_paid(batch, bank_reference="FT-PROPERTY")
        owed_to_buyers = 0
        for order, refunded, returned in placed:
            if order.payment_method == Order.Payment.STRIPE:
                continue  # card refunds need Stripe: tested against the fake elsewhere
            if refunded:
                orders.refund_order(order)
                continue
            if not returned:
                continue
            part = order.shipments.get(producer_id=two_variants[0].page.producer_id)
            orders.set_shipment_status(part, OrderShipment.Status.DELIVERED)
            part.refresh_from_db()
            line = part.lines.get()
            case = returns.open_request(
                order,
                part,
                {line.pk: returned},
                reason="damaged",
                details="Hàng vỡ khi vận chuyển, có ảnh.",
                wanted="refund",
            )
            returns.answer(case, officer, accept=True)
            if order.payment_method == Order.Payment.VIETQR:
                owed_to_buyers += returned * line.unit_price
        _every_transaction_balances()
        assert -ledger.balance(ledger.REFUNDS_OWED) == owed_to_buyers
        balances = {}
        for v in two_variants:
            pid = v.page.producer_id
            own = LedgerEntry.objects.filter(account=ledger.producer_account(pid))
            assert ledger.owed_to_producer(pid) == -(own.aggregate(s=Sum("amount"))["s"] or 0)
            balances[pid] = ledger.owed_to_producer(pid)
        results.append(balances)
        transaction.savepoint_rollback(sid)
    assert results[0] == results[-1]


def test_money_that_arrives_after_cancellation_is_held_until_refunded(two_variants, settings):
    from .fake_stripe import FakeStripe

    fake = FakeStripe().start()
    try:
        settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE = "sk_test_fake", fake.url
        order = _order(two_variants[:1], "stripe", (1,))
        orders.cancel_order(order, note="khách đổi ý")
        Order.objects.filter(pk=order.pk).update(stripe_payment_intent="pi_test_123")
        assert orders.mark_paid(order)
        order.refresh_from_db()
        assert order.status == Order.Status.CANCELLED and order.flagged_reason
        assert ledger.balance("cash:stripe") == order.total
        assert ledger.balance(ledger.REFUNDS_OWED) == -order.total
        assert ledger.owed_to_producer(two_variants[0].page.producer_id) == 0  # no sale booked
        assert orders.refund_order(order, note="hoàn tiền đến muộn")
        assert ledger.balance("cash:stripe") == 0 and ledger.balance(ledger.REFUNDS_OWED) == 0
        _every_transaction_balances()
    finally:
        fake.stop()


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
