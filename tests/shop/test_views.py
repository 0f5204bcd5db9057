"""Cart, checkout and order pages through the test client: the no-JavaScript path."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import Client

from products.models import StockItem
from products.reference import Commune
from shop.models import CartLine, Order
from shop.phone import normalise_phone

pytestmark = pytest.mark.django_db


def checkout_post(variants, **overrides):
    data = {
        "recipient": "Trần Thị Bình",
        "phone": "+84 912 345 678",
        "email": "binh@example.vn",
        "province": "01",
        "commune": Commune.objects.get(code="00577").code,  # Xã Bát Tràng, Hà Nội
        "street": "Số 5 ngõ 10, đường Cổ Loa",
        "payment_method": "cod",
        "accept_terms": "on",
        "data_consent": "on",
    }
    for v in variants:
        data[f"ship_{v.page.producer_id}"] = "delivery"
    data.update(overrides)
    return data


def fill_cart(client, variants, quantity="1"):
    for v in variants:
        response = client.post("/shop/cart/add/", {"sku": v.sku, "quantity": quantity})
        assert response.status_code == 302


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("0912345678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("091.234.5678", "0912345678"),
        ("024 3825 1234", "02438251234"),
        ("+84-24-3825-1234", "02438251234"),
    ],
)
def test_phone_normalised(raw, expected):
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "12345", "0112345678", "09123456789", "abc0912345678", "+1 555 0100"]
)
def test_bad_phone_rejected(raw):
    with pytest.raises(ValidationError):
        normalise_phone(raw)


def test_cart_add_update_remove_without_javascript(two_variants):
    client = Client()
    a, b = two_variants
    fill_cart(client, two_variants)
    page = client.get("/shop/cart/").content.decode()
    assert a.page.title in page and b.page.title in page
    assert a.page.producer.title in page and b.page.producer.title in page
    client.post("/shop/cart/update/", {"sku": a.sku, "quantity": "3"})
    assert client.session["shop_cart"][a.sku] == 3
    client.post("/shop/cart/remove/", {"sku": b.sku, "quantity": "0"})
    assert b.sku not in client.session["shop_cart"]


def test_header_shows_how_many_units_are_in_the_cart(two_variants):
    """Public pages are shared between visitors, so the count is not in their HTML: the shop
    keeps it in a cookie that the header's script shows (tests/browser_tests checks that)."""
    client = Client()
    home = client.get("/").content.decode()
    assert "cart_count" not in client.cookies
    assert 'data-cart-count data-items-text="sản phẩm trong giỏ" hidden' in home
    fill_cart(client, two_variants)
    units = sum(client.session["shop_cart"].values())
    assert client.cookies["cart_count"].value == str(units)
    home = client.get("/").content.decode()
    assert f">{units}<" not in home.split("cart-link", 1)[1].split("</a>", 1)[0]
    client.cookies["django_language"] = "en"
    home = client.get("/").content.decode()
    assert 'data-items-text="items in your cart"' in home
    for sku in client.session["shop_cart"]:
        client.post("/shop/cart/remove/", {"sku": sku, "quantity": "0"})
    assert client.cookies["cart_count"].value == ""  # emptied: the cookie is dropped


@pytest.mark.parametrize("bad", ["0", "-2", "1.5", "nhiều", "100", "21"])
def test_cart_rejects_bad_quantities(two_variants, bad):
    client = Client()
    response = client.post(
        "/shop/cart/add/", {"sku": two_variants[0].sku, "quantity": bad}, follow=True
    )
    assert not client.session.get("shop_cart")
    assert response.context["messages"]  # a Vietnamese error was shown
    text = " ".join(str(m) for m in response.context["messages"])
    assert "số nguyên dương" in text or "tối đa" in text or "Chỉ còn" in text


def test_cart_json_for_progressive_enhancement(two_variants):
    client = Client()
    response = client.post(
        "/shop/cart/add/",
        {"sku": two_variants[0].sku, "quantity": "2"},
        HTTP_ACCEPT="application/json",
    )
    assert response.json()["ok"] and response.json()["cart_count"] == 2
    response = client.post(
        "/shop/cart/add/", {"sku": "khong-ton-tai", "quantity": "1"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400 and "không tồn tại" in response.json()["error"]


def test_guest_checkout_with_cod(two_variants, settings):
    settings.STRIPE_SECRET_KEY = ""
    client = Client()
    fill_cart(client, two_variants)
    page = client.get("/shop/checkout/").content.decode()
    assert "Thanh toán bằng thẻ hiện chưa khả dụng" in page
    response = client.post("/shop/checkout/", checkout_post(two_variants))
    assert response.status_code == 302 and response["Location"] == "/shop/checkout/review/"
    review = client.get("/shop/checkout/review/").content.decode()
    for v in two_variants:
        assert v.page.producer.title in review
    assert not Order.objects.exists()
    response = client.post("/shop/checkout/review/", follow=True)
    order = Order.objects.get()
    assert order.phone == "0912345678" and order.payment_method == "cod"
    assert order.shipments.count() == 2
    assert response.status_code == 200 and order.reference in response.content.decode()
    assert not client.session.get("shop_cart")


def test_tampered_price_and_fee_fields_are_ignored(two_variants):
    client = Client()
    fill_cart(client, two_variants)
    data = checkout_post(two_variants, price="1", total="1", fee="0", subtotal="1")
    client.post("/shop/checkout/", data)
    client.post("/shop/checkout/review/")
    order = Order.objects.get()
    expected = sum(v.price for v in two_variants)
    assert order.subtotal == expected and order.total >= expected


def test_tampered_cart_session_with_unknown_sku_saves_nothing(two_variants):
    client = Client()
    fill_cart(client, two_variants)
    client.post("/shop/checkout/", checkout_post(two_variants))
    session = client.session
    session["shop_cart"] = {**session["shop_cart"], "sku-gia-mao": 1}
    session.save()
    client.post("/shop/checkout/review/")
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("phone", "12345", "Số điện thoại không hợp lệ"),
        ("commune", "999999", "Xã/phường này không thuộc tỉnh/thành đã chọn"),
        ("commune", "", "Chọn xã/phường, hoặc gõ tên để tìm"),
        ("province", "99", "Tỉnh/thành phố không hợp lệ"),
        ("street", "", "Vui lòng điền trường này"),
        ("recipient", "", "Vui lòng điền trường này"),
        ("accept_terms", "", "đồng ý điều khoản"),
        ("data_consent", "", "xử lý dữ liệu cá nhân"),
        ("payment_method", "bitcoin", "Hình thức thanh toán không hợp lệ"),
    ],
)
def test_bad_checkout_input_gives_vietnamese_errors(two_variants, field, value, message):
    client = Client()
    fill_cart(client, two_variants)
    data = checkout_post(two_variants, **{field: value})
    if not value:
        data.pop(field)
    response = client.post("/shop/checkout/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Order.objects.exists()
    assert client.get("/shop/checkout/review/").status_code == 302  # nothing stored half-way


def test_tampered_shipping_choice_rejected(two_variants):
    client = Client()
    fill_cart(client, two_variants)
    data = checkout_post(two_variants, **{f"ship_{two_variants[0].page.producer_id}": "drone"})
    response = client.post("/shop/checkout/", data)
    assert "Hình thức nhận hàng không hợp lệ" in response.content.decode()


def test_stock_gone_between_cart_and_order(two_variants):
    client = Client()
    fill_cart(client, two_variants, quantity="2")
    client.post("/shop/checkout/", checkout_post(two_variants))
    StockItem.objects.filter(sku=two_variants[0].sku).update(on_hand=1)
    response = client.post("/shop/checkout/review/", follow=True)
    assert not Order.objects.exists()
    assert "chỉ còn 1" in response.content.decode()


def _place_guest_order(client, variants, **overrides):
    fill_cart(client, variants)
    client.post("/shop/checkout/", checkout_post(variants, **overrides))
    client.post("/shop/checkout/review/")
    return Order.objects.latest("pk")


def test_foreign_order_reference_is_not_found(two_variants):
    order = _place_guest_order(Client(), two_variants)
    stranger = Client()
    assert stranger.get(f"/shop/orders/{order.reference}/").status_code == 404
    assert stranger.get(f"/shop/orders/{order.reference}/?t=forged").status_code == 404
    other = Order.objects.exclude(pk=order.pk)
    assert not other.exists()
    assert stranger.get(order.signed_url()).status_code == 200
    # A token for one order does not open another.
    second = _place_guest_order(Client(), two_variants)
    url = f"/shop/orders/{second.reference}/?t={order.signed_token()}"
    assert stranger.get(url).status_code == 404


def test_track_by_reference_and_phone(two_variants):
    order = _place_guest_order(Client(), two_variants)
    client = Client()
    response = client.post(
        "/shop/track/", {"reference": order.reference.lower(), "phone": "0912 345 678"}
    )
    assert response.status_code == 302 and response["Location"] == order.signed_url()
    response = client.post("/shop/track/", {"reference": order.reference, "phone": "0987654321"})
    assert response.status_code == 200 and "Không tìm thấy đơn hàng" in response.content.decode()


def test_vietqr_order_page_shows_qr_and_text(two_variants):
    from shop.payments.vietqr import parse_payload

    client = Client()
    order = _place_guest_order(client, two_variants, payment_method="vietqr")
    page = client.get(order.get_absolute_url()).content.decode()
    assert "<svg" in page and order.reference in page
    assert "Chờ thanh toán" in page and "pending_payment" not in page
    payload = page.split('class="vietqr-payload">')[1].split("<")[0]
    parsed = parse_payload(payload)
    assert parsed["amount"] == order.total and parsed["reference"] == order.reference


def test_anonymous_cart_merges_on_login_with_message(two_variants):
    user = get_user_model().objects.create_user("nguoimua", password="mat-khau-dai-123")
    CartLine.objects.create(user=user, sku=two_variants[0].sku, quantity=1)
    client = Client()
    fill_cart(client, two_variants)
    response = client.post(
        "/admin/login/", {"username": "nguoimua", "password": "mat-khau-dai-123"}
    )
    assert response.status_code == 302
    lines = dict(CartLine.objects.filter(user=user).values_list("sku", "quantity"))
    assert lines == {two_variants[0].sku: 2, two_variants[1].sku: 1}
    page = client.get("/shop/cart/").content.decode()
    assert "Đã gộp 2 sản phẩm" in page


def test_signed_in_buyer_order_list(two_variants):
    user = get_user_model().objects.create_user("khach", password="mat-khau-dai-123")
    client = Client()
    client.force_login(user)
    order = _place_guest_order(client, two_variants)
    assert order.user == user
    page = client.get("/shop/orders/").content.decode()
    assert order.reference in page
    assert client.get(order.get_absolute_url()).status_code == 200
    assert Client().get("/shop/orders/").status_code == 302  # login required


def test_cart_update_json_gives_new_line_and_producer_totals(two_variants):
    client = Client()
    a, b = two_variants
    fill_cart(client, two_variants)
    response = client.post(
        "/shop/cart/update/", {"sku": a.sku, "quantity": "3"}, HTTP_ACCEPT="application/json"
    )
    data = response.json()
    assert data["ok"] and data["quantity"] == 3 and data["cart_count"] == 4
    assert data["subtotal"] == 3 * a.price + b.price
    assert (
        data["line_total_display"]
        .replace("\xa0", " ")
        .startswith(f"{3 * a.price:,}".replace(",", "."))
    )
    assert set(data["group_subtotals"]) == {str(a.page.producer_id), str(b.page.producer_id)}
    response = client.post(
        "/shop/cart/update/", {"sku": a.sku, "quantity": "0"}, HTTP_ACCEPT="application/json"
    )
    assert response.json()["cart_count"] == 1 and a.sku not in client.session["shop_cart"]
