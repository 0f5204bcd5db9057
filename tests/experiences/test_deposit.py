"""Experiences booked with a deposit: only the deposit is charged when booking (card through the
real Stripe SDK against the fake Stripe API, VietQR with the bank hook), the rest is the
producer's to collect on site; cash on delivery is not offered; the ledger balances and a
cancellation refunds exactly the deposit."""

import datetime
import io
import json
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from experiences import bookings
from experiences.models import Experience
from shop import ledger, orders
from shop.checkout import CheckoutError, price_cart
from shop.models import BankTransaction, LedgerEntry, LedgerTransaction, Order
from shop.payments.bank import transfer_details
from shop.payments.stripe_gateway import checkout_session_for
from tests.shop.fake_stripe import event, sign

from .conftest import book, new_session, pottery

pytestmark = pytest.mark.django_db

SECRET = "whsec_test_secret"
PRICE = 200000  # per participant (conftest.new_session)


@pytest.fixture
def deposit30():
    """The pottery class asks a 30 % deposit; the rest is paid at the workshop."""
    experience = pottery()
    Experience.objects.filter(pk=experience.pk).update(
        payment=Experience.Payment.DEPOSIT, deposit_percent=30
    )
    return new_session(capacity=8)


def test_cart_prices_the_deposit_and_the_rest(deposit30):
    priced = price_cart({deposit30.sku: 3})
    assert priced.total == 3 * PRICE
    assert priced.due_now == 180000  # 30 % of 600,000
    assert priced.due_on_site == 420000


def test_deposit_rounds_up_to_the_whole_dong():
    experience = pottery()
    experience.payment, experience.deposit_percent = Experience.Payment.DEPOSIT, 33
    assert experience.deposit_of(100001) == 33001  # 33,000.33 → never short of the share
    experience.payment = Experience.Payment.FULL
    assert experience.deposit_of(100001) == 100001


def test_cash_on_delivery_is_neither_offered_nor_accepted(deposit30):
    with pytest.raises(CheckoutError) as exc:
        book(deposit30, 2, method="cod")
    assert "đặt cọc" in exc.value.messages[0]
    deposit30.refresh_from_db()
    assert deposit30.held == 0  # nothing was held
    client = Client()
    client.post("/shop/cart/add/", {"sku": deposit30.sku, "quantity": "2"})
    form = client.get("/shop/checkout/").content.decode()
    assert 'value="vietqr"' in form and 'value="cod"' not in form


def test_card_charges_only_the_deposit_and_a_cancellation_refunds_it(deposit30, fake_stripe, rf):
    order = book(deposit30, 3, method="stripe")
    assert (order.total, order.due_on_site, order.due_now) == (600000, 420000, 180000)
    line = order.lines.get()
    assert (line.due_on_site, line.due_now) == (420000, 180000)

    session = checkout_session_for(order, rf.get("/"))
    [created] = fake_stripe.posts("/v1/checkout/sessions")
    items = created["form"]["line_items"]
    assert len(items) == 1
    assert items[0]["quantity"] == "1" and items[0]["price_data"]["unit_amount"] == "180000"
    assert "Đặt cọc" in items[0]["price_data"]["product_data"]["name"]
    assert session.amount_total == 180000

    order.refresh_from_db()
    paid = {
        "id": order.stripe_session_id,
        "object": "checkout.session",
        "client_reference_id": order.reference,
        "metadata": {"order_reference": order.reference},
        "payment_status": "paid",
        "status": "complete",
        "payment_intent": "pi_deposit_1",
        "amount_total": 180000,
        "currency": "vnd",
    }
    payload = event("evt_deposit_1", "checkout.session.completed", paid)
    response = Client().post(
        "/shop/stripe/webhook/",
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(payload, SECRET),
    )
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.is_paid and not order.flagged_reason

    # the platform holds the deposit; the producer is to collect the rest and owes commission
    assert ledger.balance("cash:stripe") == 180000
    producer_id = order.shipments.get().producer_id
    commission = -ledger.balance("commission")
    assert commission > 0
    vat_pit = -(ledger.balance("tax:vat") + ledger.balance("tax:pit"))
    assert ledger.owed_to_producer(producer_id) == 180000 - commission - vat_pit
    assert sum(LedgerEntry.objects.values_list("amount", flat=True)) == 0

    client = Client()
    cancel = client.post(f"/trai-nghiem/huy/{order.reference}/?t={order.signed_token()}")
    assert cancel.status_code == 302
    [refund] = fake_stripe.posts("/v1/refunds")
    assert refund["form"] == {"payment_intent": "pi_deposit_1", "amount": "180000"}
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    assert ledger.balance("cash:stripe") == 0 and ledger.owed_to_producer(producer_id) == 0


def test_a_full_amount_card_payment_for_a_deposit_order_is_flagged(deposit30, fake_stripe, rf):
    order = book(deposit30, 1, method="stripe")
    checkout_session_for(order, rf.get("/"))
    order.refresh_from_db()
    wrong = {
        "id": order.stripe_session_id,
        "object": "checkout.session",
        "client_reference_id": order.reference,
        "metadata": {"order_reference": order.reference},
        "payment_status": "paid",
        "payment_intent": "pi_deposit_2",
        "amount_total": order.total,  # the full price: not what this order asked
        "currency": "vnd",
    }
    payload = event("evt_deposit_2", "checkout.session.completed", wrong)
    Client().post(
        "/shop/stripe/webhook/",
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(payload, SECRET),
    )
    order.refresh_from_db()
    assert not order.is_paid and "200000" in order.flagged_reason


def _bank_notice(order, amount, tx_id):
    return {
        "id": tx_id,
        "gateway": "Vietcombank",
        "transactionDate": "2026-12-03 09:00:00",
        "accountNumber": "0011001234567",
        "code": None,
        "content": f"{order.reference} dat coc",
        "transferType": "in",
        "transferAmount": amount,
        "accumulated": 1000000,
        "subAccount": None,
        "referenceCode": f"FT{tx_id}",
        "description": "",
    }


def test_vietqr_asks_for_the_deposit_and_the_bank_hook_accepts_it(deposit30, settings):
    settings.BANK_WEBHOOK_API_KEY = "bank-key"
    order = book(deposit30, 2, method="vietqr")  # 400,000: deposit 120,000
    details = transfer_details(order)
    assert details["amount"] == 120000
    assert "5406120000" in details["payload"]  # EMVCo tag 54, length 06, the amount

    def post(amount, tx_id):
        return Client().post(
            "/shop/payments/bank-transfer/webhook/",
            json.dumps(_bank_notice(order, amount, tx_id)),
            content_type="application/json",
            HTTP_AUTHORIZATION="Apikey bank-key",
        )

    assert post(100000, 501).status_code == 200
    assert BankTransaction.objects.get(transaction_id__endswith="501").outcome == "partial"
    assert post(120000, 502).status_code == 200
    assert BankTransaction.objects.get(transaction_id__endswith="502").outcome == "paid"
    order.refresh_from_db()
    assert order.is_paid
    assert ledger.balance("cash:vietqr") == 120000


def test_ticket_and_participants_show_what_to_collect_on_site(deposit30):
    order = book(deposit30, 2, method="vietqr")
    orders.confirm_transfer(order)
    [ticket] = bookings.issue_tickets(order)
    officer = get_user_model().objects.filter(is_superuser=True).first()
    client = Client()
    client.force_login(officer)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "Thu tại chỗ" in page and "280.000" in page and "120.000" in page
    csv = client.get(f"/admin/trai-nghiem/buoi/{deposit30.pk}/khach.csv").content.decode(
        "utf-8-sig"
    )
    header, row = csv.splitlines()[:2]
    assert "Thu tại chỗ (đ)" in header and ",280000," in row
    # the buyer's order page says what is left to pay on site
    mine = Client().get(order.signed_url()).content.decode()
    assert "Trả tại chỗ cho người tổ chức" in mine and "280.000" in mine


def test_no_show_keeps_the_deposit_and_undoes_the_shares_on_the_rest(deposit30):
    """Two participants paid a 120,000 ₫ deposit by transfer and never came: a day after the
    session the producer is owed the deposit less commission and tax on the deposit only."""
    order = book(deposit30, 2, method="vietqr")
    orders.confirm_transfer(order)
    [ticket] = bookings.issue_tickets(order)
    producer_id = order.shipments.get().producer_id
    owed_before = ledger.owed_to_producer(producer_id)
    rate = settings_rate(producer_id)
    assert owed_before == (400000 - _bp(400000, rate)) - 280000  # net of all, less the rest

    ended = deposit30.ends_at
    hours = django_settings.EXPERIENCE_SETTLE_AFTER_HOURS
    assert bookings.settle_no_shows(ended + datetime.timedelta(hours=hours - 1)) == 0
    later = ended + datetime.timedelta(hours=hours, minutes=1)
    assert bookings.settle_no_shows(later) == 1
    assert bookings.settle_no_shows(later) == 1  # re-run: the same posting, nothing new
    assert LedgerTransaction.objects.filter(key=f"no-show:{ticket.line.pk}").count() == 1
    assert ledger.owed_to_producer(producer_id) == 120000 - _bp(120000, rate)
    assert sum(LedgerEntry.objects.values_list("amount", flat=True)) == 0
    # the books are closed: no late check-in that would contradict the settlement
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert not bookings.check_in(ticket, None)


def test_checked_in_participants_are_not_settled(deposit30):
    order = book(deposit30, 1, method="vietqr")
    orders.confirm_transfer(order)
    [ticket] = bookings.issue_tickets(order)
    assert bookings.check_in(ticket, None)
    later = deposit30.ends_at + datetime.timedelta(hours=48)
    call_command("experiences_settle", stdout=io.StringIO())  # not yet over: nothing
    assert bookings.settle_no_shows(later) == 0
    assert not LedgerTransaction.objects.filter(key__startswith="no-show:").exists()


def settings_rate(producer_id):
    from products.purchasable import commission_rates

    rate = commission_rates([producer_id]).get(producer_id)
    return django_settings.SHOP_COMMISSION_BP if rate is None else rate


def _bp(amount, basis_points):
    return (amount * basis_points + 5000) // 10000
