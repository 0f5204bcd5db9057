"""The producer's delivery settings screen, and GHN's webhook through the site."""

import json

import pytest
from django.test import Client

from products.models import ProducerPage, ProductVariant
from shop.models import OrderShipment, ProducerShipping, ShipmentEvent

from .conftest import address
from .test_admin import client_for, make_user

pytestmark = pytest.mark.django_db
URL = "/admin/shop/giao-hang/"


@pytest.fixture
def producer():
    page = ProducerPage.objects.live().filter(commune__isnull=False).order_by("pk").first()
    return page, client_for(make_user("htx-giao-hang", f"Producer: {page.slug}"))


def test_the_screen_starts_from_the_page_address_and_lists_variants_without_weight(producer):
    page, client = producer
    variant = ProductVariant.objects.filter(page__producer=page).first()
    ProductVariant.objects.filter(pk=variant.pk).update(weight_grams=None)
    response = client.get(URL)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["pickup_commune"] == page.commune_id
    html = response.content.decode()
    assert "chưa có khối lượng" in html and variant.label in html
    assert "Giao Hàng Nhanh (GHN) (sàn chưa kết nối)" in html


def test_a_carrier_the_site_has_no_keys_for_cannot_be_chosen(producer, settings):
    page, client = producer
    settings.GHN_API_TOKEN = ""
    data = {"pickup_commune": page.commune_id, "pickup_street": "Thôn 2", "carriers": ["ghn"]}
    response = client.post(URL, data)
    assert response.status_code == 200
    assert "Sàn chưa kết nối Giao Hàng Nhanh (GHN)" in response.content.decode()
    assert not ProducerShipping.objects.exists()


def test_saving_the_settings(producer, settings):
    page, client = producer
    settings.GHTK_API_TOKEN = "ghtk-token"
    data = {
        "pickup_commune": page.commune_id,
        "pickup_street": "Xóm 3, thôn Giang Cao",
        "pickup_phone": "0912 345 678",
        "carriers": ["ghtk"],
    }
    response = client.post(URL, data)
    assert response.status_code == 302
    saved = ProducerShipping.objects.get(producer_id=page.pk)
    assert (saved.carrier_codes, saved.pickup_phone) == (["ghtk"], "0912345678")
    bad = client.post(URL, {**data, "pickup_phone": "123"})
    assert bad.status_code == 200 and "Số điện thoại không hợp lệ" in bad.content.decode()


def test_who_sees_which_settings(producer):
    page, client = producer
    other = ProducerPage.objects.live().exclude(pk=page.pk).first()
    # asking for another producer's settings shows one's own
    assert client.get(URL, {"producer": other.pk}).context["producer_title"] == page.title
    officer = client_for(make_user("can-bo", "Officer"))
    assert officer.get(URL).status_code == 404
    assert officer.get(URL, {"producer": other.pk}).context["producer_title"] == other.title
    assert Client().get(URL).status_code == 302  # to the login


def test_ghn_status_callbacks_authenticated_by_the_url_token(two_variants, settings):
    from shop.checkout import place_order

    settings.GHN_API_TOKEN, settings.GHN_SHOP_ID = "ghn-token", "885"
    settings.GHN_WEBHOOK_TOKEN = "ghn-callback-secret"
    a, _b = two_variants
    order = place_order(
        items={a.sku: 1},
        address=address(),
        shipping={a.page.producer_id: "delivery"},
        payment_method="cod",
    )
    part = order.shipments.get()
    OrderShipment.objects.filter(pk=part.pk).update(
        carrier="Giao Hàng Nhanh (GHN)", carrier_code="ghn", tracking_code="LBK6YX"
    )
    body = json.dumps(
        {
            "OrderCode": "LBK6YX",
            "ClientOrderCode": f"{order.reference}-{part.pk}",
            "Status": "delivering",
            "Type": "switch_status",
            "Time": "2026-12-02T09:15:00+07:00",
            "CODAmount": part.total,
        }
    )
    client = Client()
    url = "/shop/delivery/webhook/ghn/"
    wrong = client.post(url + "?token=sai", body, content_type="application/json")
    assert wrong.status_code == 401
    for _ in range(5):
        ok = client.post(url + "?token=ghn-callback-secret", body, content_type="application/json")
        assert ok.status_code == 200 and ok.json()["success"] is True
    part.refresh_from_db()
    assert part.status == OrderShipment.Status.SHIPPED and part.carrier_status == "in_transit"
    assert ShipmentEvent.objects.filter(shipment=part).count() == 1
