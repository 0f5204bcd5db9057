"""Delivery end to end with the real carrier client against the local fake GHTK (and GHN):
fees before paying (cached; a carrier down, slow or failing leaves the fee table to price the
part), an address anywhere in Vietnam, the producer's shipment, and status webhooks that move
the part, email the buyer and record the cash the carrier collected."""

import time
from urllib.parse import parse_qsl, urlencode

import pytest
from django.core import mail
from django.test import Client

from products.reference import Commune
from shop import ledger
from shop.checkout import place_order, price_cart
from shop.delivery.table import table_quote
from shop.models import Order, OrderShipment, ProducerShipping, ShipmentEvent

from .conftest import address, stock
from .fake_ghn import unused_url
from .fake_ghtk import HOOK
from .test_admin import client_for, make_user

pytestmark = pytest.mark.django_db
P = OrderShipment.Status


@pytest.fixture(autouse=True)
def quick_carriers(settings):
    settings.SHOP_CARRIER_TIMEOUT = 0.5


@pytest.fixture
def shop(two_variants):
    """Producer A ships with GHTK from Bát Tràng; producer B has no carrier (fee table)."""
    a, b = two_variants
    ProducerShipping.objects.create(
        producer_id=a.page.producer_id,
        pickup_commune=Commune.objects.get(code="00577"),
        pickup_street="Xóm 3, thôn Giang Cao",
        pickup_phone="0912345678",
        carriers="ghtk",
    )
    return a, b


def hai_chau():
    return Commune.objects.select_related("province").get(code="20242")  # Phường Hải Châu


def fees(priced):
    return {g.producer_id: g.quote for g in priced.groups}


def test_a_part_is_priced_by_the_carrier_and_the_other_by_the_table(ghtk, shop):
    a, b = shop
    quotes = fees(price_cart({a.sku: 1, b.sku: 1}, destination=hai_chau()))
    qa, qb = quotes[a.page.producer_id], quotes[b.page.producer_id]
    [call] = [r for r in ghtk.requests if r["path"] == "/services/shipment/fee"]
    assert call["query"]["province"] == "Thành phố Đà Nẵng"
    assert call["query"]["ward"] == "Phường Hải Châu"
    assert call["query"]["pick_ward"] == "Xã Bát Tràng"
    expected = ghtk._price("Thành phố Hà Nội", "Thành phố Đà Nẵng", qa.weight_grams, 0)["fee"]
    assert (qa.carrier, qa.fee, qa.days_min, qa.days_max) == ("ghtk", expected, 3, 5)
    assert qa.carrier_name == "Giao Hàng Tiết Kiệm (GHTK)"
    # Hà Nội (North) to Đà Nẵng (Centre): the table's national zone.
    assert qb.carrier == "flat"
    assert qb.fee == table_quote("01", "48", qb.weight_grams).fee
    assert (qb.days_min, qb.days_max) == (3, 6)


def test_quotes_are_cached_briefly(ghtk, shop):
    a, _b = shop
    for _ in range(3):
        price_cart({a.sku: 2}, destination=hai_chau())
    assert len([r for r in ghtk.requests if r["path"] == "/services/shipment/fee"]) == 1


@pytest.mark.parametrize("trouble", ["down", "slow", "5xx", "refuses"])
def test_a_carrier_in_trouble_leaves_the_table_to_price_the_part(ghtk, shop, settings, trouble):
    a, _b = shop
    if trouble == "down":
        settings.GHTK_API_BASE = unused_url()
    elif trouble == "slow":
        ghtk.delay = 2
    elif trouble == "5xx":
        ghtk.fail_with = 502
    else:
        ghtk.unserved.add("Phường Hải Châu")
    started = time.monotonic()
    quote = fees(price_cart({a.sku: 1}, destination=hai_chau()))[a.page.producer_id]
    assert time.monotonic() - started < 1.5  # SHOP_CARRIER_TIMEOUT is 0.5 s here
    assert quote.carrier == "flat"
    assert quote.fee == table_quote("01", "48", quote.weight_grams).fee
    assert "phí tạm tính theo bảng giá" in quote.note
    # Checkout still works, at the fee the buyer was shown.
    order = place_order(
        items={a.sku: 1},
        address=address(commune_id=hai_chau().pk),
        shipping={a.page.producer_id: "delivery"},
        payment_method="cod",
    )
    part = order.shipments.get()
    assert (part.fee, part.quoted_by) == (quote.fee, "flat")
    assert "bảng giá" in part.quote_note


def test_free_delivery_from_the_threshold(ghtk, shop, settings):
    a, _b = shop
    settings.SHOP_FREE_DELIVERY_FROM = a.price  # one unit reaches it
    quote = fees(price_cart({a.sku: 1}, destination=hai_chau()))[a.page.producer_id]
    assert quote.free and quote.fee == 0 and quote.carrier_fee > 0


def checkout_data(a, b, **overrides):
    data = {
        "recipient": "Lê Văn Cường",
        "phone": "0905123456",
        "email": "cuong@example.vn",
        "province": "48",
        "commune_query": "Phường Hải Châu",
        "street": "25 Bạch Đằng",
        "payment_method": "cod",
        "accept_terms": "on",
        "data_consent": "on",
        f"ship_{a.page.producer_id}": "delivery",
        f"ship_{b.page.producer_id}": "delivery",
    }
    data.update(overrides)
    return data


def test_a_buyer_in_da_nang_sees_the_fees_before_paying_and_orders(ghtk, shop):
    a, b = shop
    client = Client()
    for v in (a, b):
        client.post("/shop/cart/add/", {"sku": v.sku, "quantity": "1"})
    response = client.post("/shop/checkout/", checkout_data(a, b))
    assert response.status_code == 302 and response["Location"] == "/shop/checkout/review/"
    review = client.get("/shop/checkout/review/")
    page = review.content.decode()
    quotes = {g.producer_id: g.quote for g in review.context["priced"].groups}
    assert "Phường Hải Châu, Đà Nẵng" in page
    assert "Giao Hàng Tiết Kiệm (GHTK)" in page and "dự kiến 3–5 ngày" in page
    # The cart now prices the same way: the commune came with the checkout.
    cart = client.get("/shop/cart/").content.decode()
    assert "Phí giao đến Phường Hải Châu, Đà Nẵng" in cart
    token = review.context["checkout_token"]
    client.post("/shop/checkout/review/", {"checkout_token": token})
    order = Order.objects.get()
    assert (order.province, order.commune.code) == ("Đà Nẵng", "20242")
    assert order.shipping_total == sum(q.fee for q in quotes.values())
    part = order.shipments.get(producer_id=a.page.producer_id)
    assert (part.fee, part.quoted_by) == (quotes[a.page.producer_id].fee, "ghtk")


@pytest.mark.parametrize(
    "overrides,message",
    [
        (
            {"commune_query": "Không Có Xã Này"},
            "Không tìm thấy xã/phường “Không Có Xã Này” ở Đà Nẵng",
        ),
        ({"commune_query": "", "commune": "00070"}, "không thuộc tỉnh/thành đã chọn"),
        ({"commune_query": ""}, "Chọn xã/phường, hoặc gõ tên để tìm"),
        ({"province": "00"}, "Tỉnh/thành phố không hợp lệ"),
    ],
)
def test_bad_addresses_get_vietnamese_errors_and_nothing_is_kept(shop, overrides, message):
    a, b = shop
    client = Client()
    client.post("/shop/cart/add/", {"sku": a.sku, "quantity": "1"})
    client.post("/shop/cart/add/", {"sku": b.sku, "quantity": "1"})
    response = client.post("/shop/checkout/", checkout_data(a, b, **overrides))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert 'value="25 Bạch Đằng"' in page  # what was typed stays
    assert "shop_checkout" not in client.session and not Order.objects.exists()


def test_an_ambiguous_name_offers_the_candidates(shop):
    a, b = shop
    client = Client()
    client.post("/shop/cart/add/", {"sku": a.sku, "quantity": "1"})
    data = checkout_data(a, b, province="01", commune_query="dong da")
    response = client.post("/shop/checkout/", data)
    page = response.content.decode()
    # "Đống Đa" is itself a ward: the exact name wins over the wards of the old district.
    assert response.status_code == 302, page
    assert client.session["shop_checkout"]["commune"] == Commune.objects.get(name="Đống Đa").code
    response = client.post("/shop/checkout/", {**data, "commune_query": "Thanh"})
    page = response.content.decode()
    assert "xã/phường khớp “Thanh”: chọn một trong danh sách" in page
    options = response.context["form"].fields["commune"].queryset
    assert options.count() > 1 and all(c.province.code == "01" for c in options)


def test_without_javascript_the_province_button_lists_its_communes(shop):
    a, b = shop
    client = Client()
    client.post("/shop/cart/add/", {"sku": a.sku, "quantity": "1"})
    response = client.post("/shop/checkout/", {"province": "48", "change_province": "1"})
    assert response.status_code == 200
    form = response.context["form"]
    assert not form.errors
    assert {c.province.code for c in form.fields["commune"].queryset} == {"48"}
    assert "Hải Châu" in response.content.decode()


# --- shipments and webhooks ----------------------------------------------------------------


@pytest.fixture
def cod_order(ghtk, shop):
    a, _b = shop
    order = place_order(
        items={a.sku: 2},
        address=address(commune_id=hai_chau().pk, street="25 Bạch Đằng"),
        shipping={a.page.producer_id: "delivery"},
        payment_method="cod",
    )
    producer = make_user("gom-bat-trang", f"Producer: {a.page.producer.slug}")
    return order, order.shipments.get(), client_for(producer)


def create(client, order, part, carrier="ghtk"):
    return client.post(
        f"/admin/shop/orders/{order.reference}/van-don/{part.pk}/", {"carrier": carrier}
    )


def hook(client, body: bytes, secret=HOOK):
    return client.post(
        f"/shop/delivery/webhook/ghtk/?hash={secret}",
        body,
        content_type="application/x-www-form-urlencoded",
    )


def test_the_producer_books_the_parcel_and_prints_its_label(cod_order, ghtk, shop):
    order, part, producer = cod_order
    page = producer.get(f"/admin/shop/orders/{order.reference}/").content.decode()
    assert "Tạo vận đơn" in page and "Giao Hàng Tiết Kiệm (GHTK)" in page
    response = create(producer, order, part)
    assert response.status_code == 302
    part.refresh_from_db()
    [label] = ghtk.orders
    assert (part.tracking_code, part.carrier_code, part.status) == (label, "ghtk", P.PROCESSING)
    booked = ghtk.orders[label]
    assert int(booked["pick_money"]) == part.total  # GHTK collects the COD
    assert part.carrier_fee > 0
    pdf = producer.get(f"/admin/shop/orders/{order.reference}/nhan/{part.pk}/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    # A second tap does not book a second parcel.
    create(producer, order, part)
    assert len(ghtk.orders) == 1
    # Another producer cannot book this part.
    other = client_for(make_user("nguoi-khac", f"Producer: {shop[1].page.producer.slug}"))
    assert create(other, order, part).status_code == 404
    assert other.get(f"/admin/shop/orders/{order.reference}/nhan/{part.pk}/").status_code == 404


def test_the_carrier_refusing_saves_nothing(cod_order, ghtk):
    order, part, producer = cod_order
    ghtk.fail_with = 500
    response = create(producer, order, part)
    part.refresh_from_db()
    assert response.status_code == 302 and not part.tracking_code and part.status == P.PENDING
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("GHTK" in m for m in messages), messages


def test_webhooks_move_the_part_email_the_buyer_and_book_the_carriers_cash(
    cod_order, ghtk, django_capture_on_commit_callbacks
):
    order, part, producer = cod_order
    create(producer, order, part)
    part.refresh_from_db()
    client = Client()
    picked = ghtk.advance(part.tracking_code, 3)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):  # GHTK retries; the same callback five times
            assert hook(client, picked).status_code == 200
    part.refresh_from_db()
    assert part.status == P.SHIPPED and part.carrier_status == "picked"
    assert ShipmentEvent.objects.filter(shipment=part).count() == 1
    assert order.history.filter(shipment=part, new_status=P.SHIPPED).count() == 1
    assert any(order.reference in m.subject for m in mail.outbox)

    delivered = ghtk.advance(part.tracking_code, 5)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert hook(client, delivered).status_code == 200
    part.refresh_from_db()
    order.refresh_from_db()
    assert part.status == P.DELIVERED and order.status == Order.Status.DELIVERED
    assert part.cod_collected_by == "ghtk" and order.is_paid
    assert ledger.balance("carrier:ghtk") == part.total
    assert mail.outbox and mail.outbox[0].to == [order.email]

    # A late "picked" (older than "delivered") is kept in the history, moves nothing back.
    stale = dict(parse_qsl(picked.decode()))
    stale["status_id"] = "4"
    stale["action_time"] = "2020-01-01T08:00:00+07:00"
    assert hook(client, urlencode(stale).encode()).status_code == 200
    part.refresh_from_db()
    assert part.status == P.DELIVERED and part.carrier_status == "delivered"
    assert ShipmentEvent.objects.filter(shipment=part).count() == 3

    # The buyer sees the carrier, the tracking code and the journey.
    page = Client().get(order.signed_url()).content.decode()
    assert part.tracking_code in page and "Đã giao thành công" in page and "Đã lấy hàng" in page


def test_a_returned_parcel_puts_the_goods_back_on_sale(cod_order, ghtk):
    order, part, producer = cod_order
    create(producer, order, part)
    part.refresh_from_db()
    sku = part.lines.get().sku
    reserved = stock(sku).reserved
    client = Client()
    hook(client, ghtk.advance(part.tracking_code, 3))
    hook(client, ghtk.advance(part.tracking_code, 21))
    part.refresh_from_db()
    assert part.status == P.RETURNED
    assert stock(sku).reserved == reserved - 2


def test_webhook_authentication_and_bad_bodies(cod_order, ghtk, caplog):
    order, part, producer = cod_order
    create(producer, order, part)
    part.refresh_from_db()
    client = Client()
    body = ghtk.advance(part.tracking_code, 3)
    assert hook(client, body, secret="sai").status_code == 401
    assert (
        client.post("/shop/delivery/webhook/ghtk/", body, content_type="text/plain").status_code
        == 401
    )
    assert hook(client, b"label_id=&&&status_id").status_code == 400
    part.refresh_from_db()
    assert part.status == P.PROCESSING and not ShipmentEvent.objects.exists()
    fields = {**dict(parse_qsl(body.decode())), "label_id": "S1.KHONG.CO", "partner_id": ""}
    unknown = urlencode(fields).encode()
    with caplog.at_level("WARNING"):
        assert hook(client, unknown).status_code == 200
    assert "S1.KHONG.CO" in caplog.text
    assert (
        client.post("/shop/delivery/webhook/khong-co/", body, content_type="text/plain").status_code
        == 404
    )


def test_a_carrier_without_keys_has_no_webhook(settings, db):
    settings.GHTK_API_TOKEN = ""
    response = Client().post(
        "/shop/delivery/webhook/ghtk/?hash=x", b"status_id=5", content_type="text/plain"
    )
    assert response.status_code == 404


def test_cancelling_the_order_cancels_the_booked_parcel(cod_order, ghtk):
    order, part, producer = cod_order
    create(producer, order, part)
    part.refresh_from_db()
    officer = client_for(make_user("can-bo-huy", "Officer"))
    response = officer.post(
        f"/admin/shop/orders/{order.reference}/", {"action": "cancel", "note": "khách hủy"}
    )
    assert response.status_code == 302
    part.refresh_from_db()
    assert part.status == P.CANCELLED and part.carrier_status == "cancelled"
    assert ghtk.orders[part.tracking_code]["status"] == "-1"
    cancel_calls = [r for r in ghtk.requests if r["path"].startswith("/services/shipment/cancel")]
    assert len(cancel_calls) == 1


def test_a_parcel_the_carrier_will_not_cancel_is_reported_to_the_officer(cod_order, ghtk):
    order, part, producer = cod_order
    create(producer, order, part)
    part.refresh_from_db()
    ghtk.fail_with = 500
    officer = client_for(make_user("can-bo-huy-2", "Officer"))
    response = officer.post(
        f"/admin/shop/orders/{order.reference}/", {"action": "cancel", "note": "khách hủy"}
    )
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("Chưa hủy được vận đơn" in m and part.tracking_code in m for m in messages)
    part.refresh_from_db()
    assert part.status == P.CANCELLED and part.carrier_status == "created"


def test_a_failed_delivery_attempt_is_emailed_to_the_buyer(
    cod_order, ghtk, django_capture_on_commit_callbacks
):
    order, part, producer = cod_order
    create(producer, order, part)
    part.refresh_from_db()
    client = Client()
    hook(client, ghtk.advance(part.tracking_code, 3))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        hook(client, ghtk.advance(part.tracking_code, 9))  # GHTK: could not deliver
    [message] = mail.outbox
    assert "Giao không thành công" in message.subject and part.producer_title in message.subject
    assert part.tracking_code in message.body
