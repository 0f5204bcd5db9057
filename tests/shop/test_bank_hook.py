"""Bank-transfer confirmation from bank-transaction notifications (SePay-style JSON)."""

import json
import threading

import pytest
from django.db import connection
from django.test import Client

from shop import orders
from shop.checkout import place_order
from shop.models import BankTransaction, Order, OrderStatusChange
from shop.payments.bank_hook import reference_candidates

from .conftest import address, in_stock_skus

URL = "/shop/payments/bank-transfer/webhook/"
KEY = "bank-hook-test-key"


@pytest.fixture
def hook_key(settings):
    settings.BANK_WEBHOOK_API_KEY = KEY


def _transfer_order(variants=None, reference=None):
    a = (variants or in_stock_skus(1))[0]
    order = place_order(
        items={a.sku: 1},
        address=address(),
        shipping={a.page.producer_id: "delivery"},
        payment_method="vietqr",
    )
    if reference:
        Order.objects.filter(pk=order.pk).update(reference=reference)
        order.refresh_from_db()
    return order


def _notice(order_or_memo, amount, tx_id=1001, kind="in"):
    content = order_or_memo if isinstance(order_or_memo, str) else order_or_memo.reference
    return {
        "id": tx_id,
        "gateway": "Vietcombank",
        "transactionDate": "2026-12-01 10:15:00",
        "accountNumber": "0011001234567",
        "code": None,
        "content": f"{content} chuyen tien mua hang",
        "transferType": kind,
        "transferAmount": amount,
        "accumulated": 19077000,
        "subAccount": None,
        "referenceCode": "FT26335123456",
        "description": "",
    }


def _post(payload, key=KEY, client=None):
    headers = {"HTTP_AUTHORIZATION": f"Apikey {key}"} if key is not None else {}
    return (client or Client()).post(
        URL, json.dumps(payload), content_type="application/json", **headers
    )


@pytest.mark.django_db
def test_right_key_marks_the_order_paid_through_the_state_machine(hook_key):
    order = _transfer_order()
    response = _post(_notice(order, order.total))
    assert response.status_code == 200 and response.json() == {"success": True}
    order.refresh_from_db()
    assert order.status == Order.Status.PAID and order.is_paid
    record = BankTransaction.objects.get()
    assert (record.order, record.outcome) == (order, BankTransaction.Outcome.PAID)
    assert order.history.filter(new_status="paid", note__contains="Vietcombank:1001").exists()


@pytest.mark.django_db
def test_missing_or_wrong_key(settings):
    settings.BANK_WEBHOOK_API_KEY = ""
    assert _post({"id": 1}, key="x").status_code == 404  # off without a key
    settings.BANK_WEBHOOK_API_KEY = KEY
    order = _transfer_order()
    assert _post(_notice(order, order.total), key="wrong").status_code == 401
    assert _post(_notice(order, order.total), key=None).status_code == 401
    order.refresh_from_db()
    assert not order.is_paid and not BankTransaction.objects.exists()


@pytest.mark.django_db
def test_replayed_five_times_is_one_transition(hook_key):
    order = _transfer_order()
    answers = [_post(_notice(order, order.total)) for _ in range(5)]
    assert [a.status_code for a in answers] == [200] * 5
    assert BankTransaction.objects.count() == 1
    assert OrderStatusChange.objects.filter(order=order, new_status="paid").count() == 1


@pytest.mark.parametrize(
    "memo",
    ["dh ab23 cd34ef", "DH-AB23CD34EF chuyen tien", "IBFT Nguyen Van An DHAB23CD34EF."],
)
@pytest.mark.django_db
def test_mangled_memos_still_find_the_order(hook_key, memo):
    order = _transfer_order(reference="DHAB23CD34EF")
    assert "DHAB23CD34EF" in reference_candidates(memo)
    _post(_notice(memo, order.total))
    order.refresh_from_db()
    assert order.is_paid


@pytest.mark.parametrize(
    "change,outcome",
    [
        (-1000, BankTransaction.Outcome.PARTIAL),
        (+5000, BankTransaction.Outcome.OVERPAID),
    ],
)
@pytest.mark.django_db
def test_wrong_amounts_are_recorded_not_applied(hook_key, change, outcome):
    order = _transfer_order()
    assert _post(_notice(order, order.total + change)).status_code == 200
    order.refresh_from_db()
    assert not order.is_paid and order.status == Order.Status.PENDING_PAYMENT
    record = BankTransaction.objects.get()
    assert record.outcome == outcome and record.needs_officer


@pytest.mark.django_db
def test_unknown_reference_cancelled_order_and_outgoing(hook_key):
    _post(_notice("DHZZZZZZZZZZ tien hang", 100000, tx_id=1))
    assert BankTransaction.objects.get(transaction_id="Vietcombank:1").outcome == "unknown"
    order = _transfer_order()
    orders.cancel_order(order, note="quá hạn")
    _post(_notice(order, order.total, tx_id=2))
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED and not order.is_paid
    assert "hoàn tiền" in order.flagged_reason
    assert BankTransaction.objects.get(transaction_id="Vietcombank:2").outcome == "cancelled"
    _post(_notice("chi phi", 50000, tx_id=3, kind="out"))
    assert BankTransaction.objects.get(transaction_id="Vietcombank:3").outcome == "outgoing"


@pytest.mark.parametrize(
    "payload",
    [[], "x", {"id": 1}, {"id": 1, "transferType": "in", "transferAmount": "100000"}],
)
@pytest.mark.django_db
def test_malformed_notifications_answer_400(hook_key, payload):
    assert _post(payload).status_code == 400
    assert not BankTransaction.objects.exists()


@pytest.mark.django_db
def test_the_buyers_page_polls_its_status(hook_key):
    order = _transfer_order()
    client = Client()
    url = f"/shop/orders/{order.reference}/status.json?t={order.signed_token()}"
    assert client.get(url).json()["paid"] is False
    assert Client().get(f"/shop/orders/{order.reference}/status.json").status_code == 404
    _post(_notice(order, order.total))
    answer = client.get(url)
    assert answer.json()["paid"] is True and answer["Cache-Control"] == "private, no-store"


def _same_transfer_twice_at_once():
    from products.models import ProductVariant
    from tests.conftest import DEMO_PASSWORD

    from .conftest import seed_after_flush

    if not ProductVariant.objects.exists():
        seed_after_flush(DEMO_PASSWORD)
    order = _transfer_order()
    barrier = threading.Barrier(2)
    answers = []

    def send():
        try:
            barrier.wait(timeout=30)
            answers.append(_post(_notice(order, order.total, tx_id=777)).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert answers == [200, 200]
    assert BankTransaction.objects.filter(transaction_id="Vietcombank:777").count() == 1
    assert OrderStatusChange.objects.filter(order=order, new_status="paid").count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_transfer_posted_twice_at_once_is_one_payment(settings):
    settings.BANK_WEBHOOK_API_KEY = KEY
    _same_transfer_twice_at_once()


@pytest.mark.django_db
def test_officers_list_and_resolve_what_the_hook_could_not_apply(hook_key):
    from .test_admin import client_for, make_user

    order = _transfer_order()
    _post(_notice(order, order.total - 1000, tx_id=55))
    officer = make_user("can-bo-ngan-hang", "Officer")
    farmer = make_user("nong-dan-x", f"Producer: {order.shipments.get().producer_slug}")
    assert client_for(farmer).get("/admin/shop/bank-transactions/").status_code in (302, 403)
    page = client_for(officer).get("/admin/shop/bank-transactions/").content.decode()
    assert "Vietcombank:55" in page and "Thiếu tiền" in page and order.reference in page
    record = BankTransaction.objects.get()
    client_for(officer).post(
        "/admin/shop/bank-transactions/", {"record": record.pk, "note": "Khách chuyển bù 1.000 ₫"}
    )
    record.refresh_from_db()
    assert record.resolved_at and record.resolved_by == officer and not record.needs_officer


@pytest.mark.django_db
def test_transfer_page_names_the_bank_the_deadline_and_offers_the_qr_file(hook_key):
    order = _transfer_order()
    page = Client().get(order.signed_url()).content.decode()
    assert "Vietcombank (970436)" in page  # the demo BIN, by name
    assert "data-copy" in page and "trước" in page and "shop/transfer.js" in page
    qr = Client().get(f"/shop/orders/{order.reference}/vietqr.svg?t={order.signed_token()}")
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"
    assert b"<svg" in qr.content and "attachment" in qr["Content-Disposition"]
    assert Client().get(f"/shop/orders/{order.reference}/vietqr.svg").status_code == 404
