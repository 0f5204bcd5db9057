"""The admin home shows producers and officers what needs doing first."""

import pytest
from django.test import Client
from django.urls import reverse

from products.models import ProductPage, StockItem
from products.permissions import variants_for
from shop.checkout import place_order
from tests.products.roles_helpers import login, two_producers
from tests.shop.conftest import address

pytestmark = pytest.mark.django_db


def _home(user) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    return response.content.decode()


def test_producer_home_shows_the_add_button_low_stock_and_orders_to_ship():
    producer, other = two_producers()
    farmer = login(producer.slug)
    sku = variants_for(farmer).order_by("sku").first().sku
    StockItem.objects.filter(sku=sku).update(on_hand=1, reserved=0)
    product = ProductPage.objects.live().get(variants__sku=sku)
    StockItem.objects.filter(sku=sku).update(on_hand=5)
    order = place_order(
        items={sku: 3},
        address=address(),
        shipping={product.producer_id: "delivery"},
        payment_method="cod",
    )
    html = _home(farmer)
    add = reverse("wagtailadmin_pages:add", args=["products", "productpage", producer.pk])
    assert f'href="{add}"' in html and "Thêm sản phẩm" in html
    assert "Sắp hết hàng" in html and f"<code>{sku}</code>: còn 2" in html
    assert "1 đơn chờ bạn giao" in html and order.reference in html
    # Another producer sees none of it.
    other_html = _home(login(other.slug))
    assert order.reference not in other_html and f"<code>{sku}</code>" not in other_html


def test_officer_home_shows_transfers_to_confirm_and_reviews():
    producer, _other = two_producers()
    variant = variants_for(login(producer.slug)).order_by("sku").first()
    StockItem.objects.filter(sku=variant.sku).update(on_hand=5, reserved=0)
    order = place_order(
        items={variant.sku: 1},
        address=address(),
        shipping={variant.page.producer_id: "delivery"},
        payment_method="vietqr",
    )
    html = _home(login("officer"))
    assert "chuyển khoản chờ xác nhận" in html and order.reference in html
    assert "sản phẩm chờ duyệt" in html and "Thêm chủ thể OCOP" in html
