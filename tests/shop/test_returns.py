"""Returns and complaints (shop/returns.py): the window, the producer's answer and deadline,
the officers' decision, the refund through each payment method, stock and ledger afterwards."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.test import Client
from PIL import Image

from products.models import OcopCategory
from shop import ledger, orders, returns
from shop.checkout import place_order
from shop.models import LedgerEntry, LedgerTransaction, Order, OrderShipment, ReturnRequest

from .conftest import address, stock
from .fake_stripe import FakeStripe
from .test_admin import client_for, make_user

pytestmark = pytest.mark.django_db
R = ReturnRequest.Status
P = OrderShipment.Status


def jpeg(name="vo.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 80, 40)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def delivered(variant, method="cod", quantity=3):
    order = place_order(
        items={variant.sku: quantity},
        address=address(),
        shipping={variant.page.producer_id: "delivery"},
        payment_method=method,
    )
    part = order.shipments.get()
    if method == "cod":
        orders.mark_cod_collected(part)
    elif method == "vietqr":
        orders.confirm_transfer(order)
    orders.set_shipment_status(part, P.DELIVERED)
    part.refresh_from_db()
    order.refresh_from_db()
    return order, part


def ask(order, part, quantity=1, **overrides):
    values = dict(
        reason="damaged",
        details="Bình bị nứt ở miệng khi mở hộp.",
        wanted="refund",
        photos=[jpeg()],
    )
    values.update(overrides)
    line = part.lines.get()
    return returns.open_request(order, part, {line.pk: quantity}, **values)


@pytest.fixture
def producer_a(two_variants):
    a = two_variants[0]
    return make_user("chu-the-doi-tra", f"Producer: {a.page.producer.slug}")


@pytest.fixture
def officer():
    return make_user("can-bo-doi-tra", "Officer")


def test_inside_the_window_only(two_variants):
    a = two_variants[0]
    order, part = delivered(a)
    assert returns.returnable(part)[0].remaining == 3
    late = part.delivered_at + timedelta(days=7, minutes=1)
    assert returns.returnable(part, now=late) == []
    with pytest.raises(returns.ReturnError, match="quá hạn đổi trả"):
        ask(order, part, now=late)
    # A category can allow longer (here its group: 30 days).
    group = a.page.category.group
    OcopCategory.objects.filter(pk=group.pk).update(return_days=30)
    assert returns.returnable(part, now=late)[0].until == part.delivered_at + timedelta(days=30)


def test_nothing_to_return_before_delivery(two_variants):
    a = two_variants[0]
    order = place_order(
        items={a.sku: 1},
        address=address(),
        shipping={a.page.producer_id: "delivery"},
        payment_method="cod",
    )
    assert returns.returnable(order.shipments.get()) == []


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"reason": "boom"}, "Chọn lý do"),
        ({"wanted": "tien"}, "Chọn mong muốn"),
        ({"details": "hỏng"}, "ít nhất 10 ký tự"),
        ({"photos": [jpeg(f"{i}.jpg") for i in range(4)]}, "Tối đa 3 ảnh"),
        (
            {"photos": [SimpleUploadedFile("x.jpg", b"<html>not a picture</html>")]},
            "không phải là ảnh hợp lệ",
        ),
    ],
)
def test_bad_requests_are_refused_with_vietnamese_reasons(two_variants, overrides, message):
    order, part = delivered(two_variants[0])
    with pytest.raises(returns.ReturnError) as caught:
        ask(order, part, **overrides)
    assert any(message in m for m in caught.value.messages), caught.value.messages
    assert not ReturnRequest.objects.exists()


def test_no_more_than_was_bought(two_variants):
    order, part = delivered(two_variants[0], quantity=2)
    ask(order, part, quantity=2)
    with pytest.raises(returns.ReturnError):
        ask(order, part, quantity=1)


def test_producer_accepts_a_cod_refund_stock_and_ledger_follow(
    two_variants, producer_a, django_capture_on_commit_callbacks
):
    a = two_variants[0]
    order, part = delivered(a)
    before = stock(a.sku).on_hand
    owed_before = ledger.owed_to_producer(a.page.producer_id)
    with django_capture_on_commit_callbacks(execute=True):
        case = ask(order, part, quantity=2)
    assert {m.to[0] for m in mail.outbox} >= {order.email}
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case = returns.answer(case, producer_a, accept=True, note="Xin lỗi quý khách")
    assert case.status == R.CLOSED and case.decision == "refund"
    assert case.refund_amount == 2 * a.price
    assert stock(a.sku).on_hand == before + 2
    # The producer handed the cash back: it no longer owes the commission (and tax) on it.
    rate = ledger.settings.SHOP_COMMISSION_BP
    assert (
        ledger.owed_to_producer(a.page.producer_id) >= owed_before + (2 * a.price * rate) // 10000
    )
    assert LedgerEntry.objects.aggregate(s=Sum("amount"))["s"] == 0
    assert [e.action for e in case.events.all()] == ["opened", "accepted", "refund"]
    assert mail.outbox and "được chấp nhận" in mail.outbox[0].subject


def test_a_transfer_refund_is_owed_until_an_officer_records_it(two_variants, officer, producer_a):
    a = two_variants[0]
    order, part = delivered(a, method="vietqr")
    case = returns.answer(ask(order, part), producer_a, accept=True)
    assert case.status == R.ACCEPTED and ledger.balance(ledger.REFUNDS_OWED) == -a.price
    with pytest.raises(returns.ReturnError, match="Chỉ cán bộ"):
        returns.record_transfer(case, producer_a, bank_reference="FT2612001")
    case = returns.record_transfer(case, officer, bank_reference="FT2612001")
    assert case.status == R.CLOSED and case.refund_reference == "FT2612001"
    assert ledger.balance(ledger.REFUNDS_OWED) == 0
    assert ledger.balance("cash:vietqr") == order.total - a.price
    for txn in LedgerTransaction.objects.all():
        assert txn.entries.aggregate(s=Sum("amount"))["s"] == 0


def test_a_card_refund_goes_through_stripe_once(two_variants, settings, producer_a):
    fake = FakeStripe().start()
    try:
        settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE = "sk_test_fake", fake.url
        a = two_variants[0]
        order = place_order(
            items={a.sku: 2},
            address=address(),
            shipping={a.page.producer_id: "delivery"},
            payment_method="stripe",
        )
        Order.objects.filter(pk=order.pk).update(stripe_payment_intent="pi_test_123")
        orders.mark_paid(order)
        part = order.shipments.get()
        orders.set_shipment_status(part, P.DELIVERED)
        part.refresh_from_db()
        order.refresh_from_db()
        case = returns.answer(ask(order, part), producer_a, accept=True)
        [refund] = fake.posts("/v1/refunds")
        assert refund["form"] == {"payment_intent": "pi_test_123", "amount": str(a.price)}
        assert refund["headers"]["Idempotency-Key"] == f"order-{order.reference}-return-{case.pk}"
        assert case.status == R.CLOSED and case.refund_reference.startswith("re_test_")
        assert ledger.balance("cash:stripe") == order.total - a.price
        # A card the bank refuses to refund: nothing is recorded as refunded.
        fake.refund_error = "charge_already_refunded"
        second = ask(order, part)
        with pytest.raises(returns.ReturnError, match="Hoàn tiền thẻ không thành công"):
            returns.answer(second, producer_a, accept=True)
        second.refresh_from_db()
        assert second.status == R.OPEN and second.refund_amount == 0
    finally:
        fake.stop()


def test_refusal_and_silence_go_to_officers_who_decide(two_variants, producer_a, officer):
    a = two_variants[0]
    order, part = delivered(a)
    refused = ask(order, part)
    with pytest.raises(returns.ReturnError, match="Nêu lý do"):
        returns.answer(refused, producer_a, accept=False, note="")
    refused = returns.answer(refused, producer_a, accept=False, note="Hàng nứt do khách làm rơi")
    assert refused.status == R.ESCALATED
    silent = ask(order, part)
    assert returns.escalate_overdue(now=silent.answer_due_at - timedelta(minutes=1)) == 0
    assert returns.escalate_overdue(now=silent.answer_due_at + timedelta(minutes=1)) == 1
    silent.refresh_from_db()
    assert silent.status == R.ESCALATED and silent.events.last().role == returns.SYSTEM
    with pytest.raises(returns.ReturnError, match="Chỉ cán bộ"):
        returns.decide(silent, producer_a, outcome="refund", note="tự quyết")
    rejected = returns.decide(
        refused, officer, outcome="reject", note="Ảnh cho thấy hàng nguyên vẹn"
    )
    assert rejected.status == R.REJECTED
    exchanged = returns.decide(silent, officer, outcome="exchange", note="Người bán gửi bình mới")
    assert exchanged.status == R.CLOSED and exchanged.refund_amount == 0
    # A rejected case frees its units for a new request; the exchanged one too.
    assert returns.returnable(part)[0].remaining == 3


def test_the_buyer_asks_from_the_order_page_and_sees_the_outcome(two_variants, producer_a):
    a = two_variants[0]
    order, part = delivered(a)
    client = Client()
    page = client.get(order.signed_url()).content.decode()
    assert "Yêu cầu đổi/trả" in page
    url = f"/shop/orders/{order.reference}/doi-tra/{part.pk}/?t={order.signed_token()}"
    line = part.lines.get()
    response = client.post(
        url,
        {
            f"qty_{line.pk}": "1",
            "reason": "wrong",
            "details": "Giao nhầm hộp 250 g thay vì 500 g.",
            "wanted": "exchange",
            "photos": [jpeg()],
        },
    )
    assert response.status_code == 302
    case = ReturnRequest.objects.get()
    assert case.photos.count() == 1 and case.wanted == "exchange"
    photo = case.photos.get()
    # The photo is private: the buyer with the link, the producer and officers see it.
    mine = f"/shop/orders/{order.reference}/doi-tra/anh/{photo.pk}/?t={order.signed_token()}"
    assert client.get(mine).status_code == 200
    assert client.get(mine)["Cache-Control"] == "private, no-store"
    assert (
        Client().get(f"/shop/orders/{order.reference}/doi-tra/anh/{photo.pk}/").status_code == 404
    )
    admin = client_for(producer_a)
    assert admin.get(f"/admin/shop/doi-tra/anh/{photo.pk}/").status_code == 200
    stranger = client_for(make_user("nguoi-la", f"Producer: {two_variants[1].page.producer.slug}"))
    assert stranger.get(f"/admin/shop/doi-tra/anh/{photo.pk}/").status_code == 404
    # The producer answers from its order screen.
    screen = admin.get(f"/admin/shop/orders/{order.reference}/").content.decode()
    assert "Chấp nhận, đổi hàng" in screen
    admin.post(f"/admin/shop/doi-tra/{case.pk}/", {"action": "accept_exchange", "note": "Gửi ngay"})
    case.refresh_from_db()
    assert case.status == R.CLOSED and case.decision == "exchange"
    page = client.get(order.signed_url()).content.decode()
    assert "Đã hoàn tất" in page and "Người bán gửi hàng đổi cho người mua" in page


def test_bad_form_input_keeps_what_was_typed(two_variants):
    order, part = delivered(two_variants[0])
    client = Client()
    url = f"/shop/orders/{order.reference}/doi-tra/{part.pk}/?t={order.signed_token()}"
    line = part.lines.get()
    response = client.post(
        url,
        {f"qty_{line.pk}": "9", "reason": "wrong", "details": "Sai hàng rồi ạ", "wanted": "refund"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tối đa 3." in html and "Sai hàng rồi ạ" in html
    assert not ReturnRequest.objects.exists()


def test_officers_see_open_cases_with_their_age(two_variants, officer, producer_a):
    order, part = delivered(two_variants[0])
    ask(order, part)
    page = client_for(officer).get("/admin/shop/doi-tra/")
    assert page.status_code == 200 and order.reference in page.content.decode()
    assert client_for(producer_a).get("/admin/shop/doi-tra/").status_code in (302, 403)
