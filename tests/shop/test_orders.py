"""Orders and stock: prices from the server, atomic reservations, per-producer parts, history."""

import pytest
from django.conf import settings
from django.core import mail

from products.stock import InsufficientStock, consume, release, reserve, set_on_hand
from shop import orders
from shop.checkout import CheckoutError, place_order
from shop.delivery.table import table_quote
from shop.models import REFERENCE_ALPHABET, Order, OrderLine, OrderShipment, OrderStatusChange

from .conftest import address, stock

pytestmark = pytest.mark.django_db


def _place(variants, quantities=(1, 2), method="cod", **kw):
    items = {v.sku: q for v, q in zip(variants, quantities, strict=False)}
    shipping = {v.page.producer_id: "delivery" for v in variants}
    return place_order(
        items=items, address=address(), shipping=shipping, payment_method=method, **kw
    )


def test_reserve_release_consume_keep_availability_consistent(two_variants):
    sku = two_variants[0].sku
    set_on_hand(sku, 5)
    reserve([(sku, 3)])
    assert (stock(sku).on_hand, stock(sku).reserved) == (5, 3)
    with pytest.raises(InsufficientStock) as exc:
        reserve([(sku, 3)])
    assert exc.value.available == 2
    release([(sku, 1)])
    consume([(sku, 2)], reason="test")
    assert (stock(sku).on_hand, stock(sku).reserved) == (3, 0)


def test_multi_sku_reservation_is_all_or_nothing(two_variants):
    a, b = (v.sku for v in two_variants)
    set_on_hand(a, 10)
    set_on_hand(b, 1)
    with pytest.raises(InsufficientStock):
        reserve([(a, 2), (b, 2)])
    assert stock(a).reserved == 0 and stock(b).reserved == 0


def test_place_order_snapshots_server_prices_and_splits_by_producer(two_variants):
    a, b = two_variants
    before = {v.sku: stock(v.sku).reserved for v in two_variants}
    order = _place(two_variants, (1, 2))
    assert order.reference.startswith("DH") and len(order.reference) == 12
    assert set(order.reference[2:]) <= set(REFERENCE_ALPHABET)
    assert order.status == Order.Status.PROCESSING  # COD: awaiting delivery
    lines = {line.sku: line for line in order.lines.all()}
    assert lines[a.sku].unit_price == a.price and lines[a.sku].title == a.page.title
    assert lines[b.sku].quantity == 2
    assert order.shipments.count() == 2
    assert {s.producer_id for s in order.shipments.all()} == {
        a.page.producer_id,
        b.page.producer_id,
    }
    subtotal = a.price + 2 * b.price
    # Each part is priced by the fee table (no carrier configured) for its weight, from the
    # producer's province (Hà Nội) to the buyer's.
    fees = 0
    for part in order.shipments.all():
        variant = a if part.producer_id == a.page.producer_id else b
        quantity = 1 if variant is a else 2
        weight = quantity * (variant.weight_grams or settings.SHOP_DEFAULT_WEIGHT_GRAMS)
        assert part.weight_grams == weight + settings.SHOP_PACKAGING_GRAMS
        expected = table_quote("01", order.commune.province.code, part.weight_grams).fee
        if part.subtotal >= settings.SHOP_FREE_DELIVERY_FROM:
            expected = 0
        assert part.fee == expected and part.quoted_by == "flat"
        fees += expected
    assert (order.subtotal, order.shipping_total, order.total) == (subtotal, fees, subtotal + fees)
    assert stock(a.sku).reserved == before[a.sku] + 1
    assert stock(b.sku).reserved == before[b.sku] + 2
    assert order.history.get().new_status == Order.Status.PROCESSING
    # The line keeps its price when the catalogue price changes later.
    a.price += 1000
    a.save()
    assert OrderLine.objects.get(order=order, sku=a.sku).unit_price == a.price - 1000


def test_confirmation_email_in_vietnamese_with_summary(
    two_variants, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = _place(two_variants)
    buyer_mail = [m for m in mail.outbox if m.to == [order.email]]  # producers hear too
    assert len(buyer_mail) == 1
    message = buyer_mail[0]
    assert order.reference in message.subject and "Xác nhận đơn hàng" in message.subject
    assert two_variants[0].page.title in message.body
    assert "Tổng cộng" in message.body and order.signed_token() in message.body
    assert "/shop/orders/" in message.body and "/en/shop/" not in message.body


def test_emails_follow_the_language_the_buyer_ordered_in(
    two_variants, django_capture_on_commit_callbacks
):
    from django.utils import translation

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        order = _place(two_variants)
    assert order.language == "en"
    [message] = [m for m in mail.outbox if m.to == [order.email]]
    assert message.subject == f"Order confirmation {order.reference}"
    assert "Thank you for your order" in message.body and "Total:" in message.body
    assert "Tổng cộng" not in message.body
    # Its link opens the order page in English (cms.language.urls_in).
    assert f"/en/shop/orders/{order.reference}/" in message.body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # later, from a Vietnamese admin
        orders.cancel_order(order, note="hết hàng")
    [message] = mail.outbox
    assert message.subject == f"Order {order.reference}: Cancelled"


def test_out_of_stock_order_saves_nothing(two_variants):
    a, b = two_variants
    set_on_hand(b.sku, 1)
    orders_before = Order.objects.count()
    reserved_a = stock(a.sku).reserved
    with pytest.raises(CheckoutError) as exc:
        _place(two_variants, (1, 5))
    assert "chỉ còn 1" in str(exc.value)
    assert Order.objects.count() == orders_before
    assert stock(a.sku).reserved == reserved_a


@pytest.mark.parametrize("bad", [0, -1, "1.5", "abc", 100, "", None])
def test_bad_quantities_rejected(two_variants, bad):
    with pytest.raises(CheckoutError):
        place_order(
            items={two_variants[0].sku: bad},
            address=address(),
            shipping={two_variants[0].page.producer_id: "delivery"},
            payment_method="cod",
        )
    assert not Order.objects.exists()


def test_unknown_sku_and_missing_shipping_choice_rejected(two_variants):
    a = two_variants[0]
    with pytest.raises(CheckoutError):
        place_order(items={"khong-co": 1}, address=address(), shipping={}, payment_method="cod")
    with pytest.raises(CheckoutError):
        place_order(items={a.sku: 1}, address=address(), shipping={}, payment_method="cod")
    with pytest.raises(CheckoutError):
        place_order(
            items={a.sku: 1},
            address=address(),
            shipping={a.page.producer_id: "teleport"},
            payment_method="cod",
        )
    assert not Order.objects.exists()


def test_card_payment_unavailable_without_stripe_key(two_variants, settings):
    settings.STRIPE_SECRET_KEY = ""
    with pytest.raises(CheckoutError) as exc:
        _place(two_variants, method="stripe")
    assert "không dùng được" in str(exc.value)


def test_cancel_releases_and_delivery_consumes(two_variants):
    a, b = two_variants
    on_hand = {v.sku: stock(v.sku).on_hand for v in two_variants}
    reserved = {v.sku: stock(v.sku).reserved for v in two_variants}
    order = _place(two_variants, (1, 1))
    part_a = order.shipments.get(producer_id=a.page.producer_id)
    part_b = order.shipments.get(producer_id=b.page.producer_id)
    orders.set_shipment_status(part_a, OrderShipment.Status.SHIPPED)
    order.refresh_from_db()
    assert order.status == Order.Status.PROCESSING  # one part still open
    orders.set_shipment_status(part_a, OrderShipment.Status.DELIVERED)
    assert stock(a.sku).on_hand == on_hand[a.sku] - 1
    assert stock(a.sku).reserved == reserved[a.sku]
    orders.set_shipment_status(part_b, OrderShipment.Status.DELIVERED)
    order.refresh_from_db()
    assert order.status == Order.Status.DELIVERED
    assert stock(b.sku).on_hand == on_hand[b.sku] - 1

    second = _place(two_variants, (2, 2))
    assert orders.cancel_order(second, note="khách hủy")
    assert not orders.cancel_order(second)  # idempotent
    second.refresh_from_db()
    assert second.status == Order.Status.CANCELLED
    assert all(s.status == "cancelled" for s in second.shipments.all())
    assert {v.sku: stock(v.sku).reserved for v in two_variants} == reserved
    statuses = list(
        OrderStatusChange.objects.filter(order=second).values_list("new_status", flat=True)
    )
    assert statuses[0] == "processing" and statuses[-1] == "cancelled"


def test_cod_paid_when_every_producer_collected(two_variants):
    order = _place(two_variants)
    first, second = order.shipments.all()
    assert orders.mark_cod_collected(first)
    order.refresh_from_db()
    assert not order.is_paid
    assert not orders.mark_cod_collected(first)
    orders.mark_cod_collected(second)
    order.refresh_from_db()
    assert order.is_paid


def test_vietqr_order_waits_for_confirmation_and_cannot_ship_before(two_variants):
    order = _place(two_variants, method="vietqr")
    assert order.status == Order.Status.PENDING_PAYMENT
    part = order.shipments.first()
    with pytest.raises(orders.TransitionError):
        orders.set_shipment_status(part, OrderShipment.Status.SHIPPED)
    assert orders.mark_paid(order, note="Đã nhận chuyển khoản")
    assert not orders.mark_paid(order)
    order.refresh_from_db()
    assert order.status == Order.Status.PAID and order.is_paid
    assert orders.set_shipment_status(part, OrderShipment.Status.SHIPPED)


def test_status_change_emails_buyer(two_variants, django_capture_on_commit_callbacks):
    order = _place(two_variants)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        orders.cancel_order(order, note="hết hàng")
    [message] = mail.outbox
    assert order.reference in message.subject and "Đã hủy" in message.subject
    assert "Đã hủy" in message.body and two_variants[1].page.title in message.body
