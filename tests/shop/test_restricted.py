"""Restricted goods (alcohol from 5.5%, age-restricted): never for cash on delivery — the choice
is not offered and a tampered POST is refused —, only to buyers who confirm they are 18, and
never on sale or sent for publication without the seller's licence number."""

import pytest
from django.test import Client

from products.models import ProductPage
from products.purchasable import get_purchasable
from shop.checkout import CheckoutError, place_order
from shop.models import Order

from .conftest import address, in_stock_skus

pytestmark = pytest.mark.django_db


@pytest.fixture
def spirit():
    """The demo's 35% rice spirit, in stock."""
    page = ProductPage.objects.get(title="Rượu nếp Đào Viên 35% Vol")
    variant = page.variants.first()
    from products.stock import set_on_hand

    set_on_hand(variant.sku, 10)
    return variant


def test_the_demo_spirit_is_restricted_and_shows_its_licence(spirit):
    assert spirit.page.restricted and get_purchasable(spirit.sku).restricted
    html = Client().get(spirit.page.url).content.decode()
    assert "Chỉ bán cho người từ 18 tuổi" in html and "Dữ liệu mẫu" in html
    assert "Đồ uống có cồn 35% thể tích" in html


def test_without_a_licence_it_is_not_for_sale(spirit):
    ProductPage.objects.filter(pk=spirit.page_id).update(licence_number="")
    assert get_purchasable(spirit.sku) is None


def _place(variant, method, adult=True):
    return place_order(
        items={variant.sku: 1},
        address=address(),
        shipping={variant.page.producer_id: "delivery"},
        payment_method=method,
        adult=adult,
    )


def test_cash_on_delivery_and_minors_are_refused(spirit):
    with pytest.raises(CheckoutError, match="không thanh toán khi nhận hàng"):
        _place(spirit, "cod")
    with pytest.raises(CheckoutError, match="đủ 18 tuổi"):
        _place(spirit, "vietqr", adult=False)
    order = _place(spirit, "vietqr")
    assert order.payment_method == Order.Payment.VIETQR
    # Ordinary goods keep cash on delivery, without any age question.
    [plain] = in_stock_skus(1)
    assert _place(plain, "cod", adult=False).payment_method == Order.Payment.COD


def test_the_checkout_form_offers_no_cod_and_asks_the_age(spirit):
    client = Client()
    client.post("/shop/cart/add/", {"sku": spirit.sku, "quantity": "1"})
    page = client.get("/shop/checkout/")
    form = page.context["form"]
    assert "cod" not in dict(form.fields["payment_method"].choices)
    assert form.fields["adult_confirmed"].required
    data = {
        "recipient": "Phạm Minh Tuấn",
        "phone": "0912345678",
        "province": "01",
        "commune": "00577",
        "street": "Số 3 ngõ 5",
        "payment_method": "cod",  # tampered: not offered
        "accept_terms": "on",
        "data_consent": "on",
        f"ship_{spirit.page.producer_id}": "delivery",
    }
    response = client.post("/shop/checkout/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Hình thức thanh toán không hợp lệ" in html and "đủ 18 tuổi" in html
    assert not Order.objects.exists()


@pytest.mark.parametrize("action", ["action-submit", "action-draft"])
def test_sending_a_spirit_for_review_needs_the_licence_a_draft_does_not(action):
    from django.urls import reverse

    from tests.products.roles_helpers import login, two_producers
    from tests.products.test_product_form import _form

    producer, _other = two_producers()
    client = Client()
    client.force_login(login(producer.slug))
    data = _form(
        "Rượu ngô men lá 40 độ",
        [{"label": "Chai 500 ml", "sku": "", "price": "150000", "stock": "5"}],
        action=action,
    )
    data.update({"alcohol_abv": "40", "licence_number": ""})
    url = reverse("wagtailadmin_pages:add", args=["products", "productpage", producer.pk])
    response = client.post(url, data)
    saved = ProductPage.objects.filter(title="Rượu ngô men lá 40 độ").first()
    if action == "action-submit":
        assert response.status_code == 200
        assert "chỉ được đăng bán khi có số giấy phép" in response.content.decode()
        assert saved is None
    else:
        assert response.status_code == 302 and saved is not None and not saved.live
        assert saved.restricted
