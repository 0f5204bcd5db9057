"""Order links expire (issue 20): a signed ?t= link older than SHOP_ORDER_LINK_DAYS shows the
tracking form with a clear message, and tracking by reference + phone gives a fresh link.
Every private page is sent Cache-Control: private, no-store."""

import time

import pytest
from django.core import signing
from django.test import Client

from .test_views import _place_guest_order, checkout_post, fill_cart

pytestmark = pytest.mark.django_db

DAY = 86400


def _token_from(order, days_ago, monkeypatch):
    now = time.time()
    monkeypatch.setattr(signing.time, "time", lambda: now - days_ago * DAY)
    token = order.signed_token()
    monkeypatch.setattr(signing.time, "time", lambda: now)
    return token


def test_links_work_until_the_configured_age(two_variants, monkeypatch, settings):
    order = _place_guest_order(Client(), two_variants)
    settings.SHOP_ORDER_LINK_DAYS = 90
    fresh = _token_from(order, 89, monkeypatch)
    old = _token_from(order, 91, monkeypatch)
    assert order.token_matches(fresh) and order.token_state(fresh) == "valid"
    assert not order.token_matches(old) and order.token_state(old) == "expired"
    assert order.token_state("forged") == "invalid"
    response = Client().get(f"/shop/orders/{order.reference}/?t={fresh}")
    assert response.status_code == 200 and order.reference in response.content.decode()
    settings.SHOP_ORDER_LINK_DAYS = 30
    assert order.token_state(fresh) == "expired"


def test_an_expired_link_shows_tracking_which_gives_a_fresh_link(two_variants, monkeypatch):
    order = _place_guest_order(Client(), two_variants)
    old = _token_from(order, 120, monkeypatch)
    client = Client()
    response = client.get(f"/shop/orders/{order.reference}/?t={old}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Liên kết đơn hàng này đã hết hạn" in html and "90 ngày" in html
    assert 'action="/shop/track/"' in html
    assert order.phone not in html and order.street not in html  # nothing of the order shown
    assert "no-store" in response["Cache-Control"]
    # Return and review forms behind the same old link say the same.
    part = order.shipments.first()
    line = part.lines.first()
    for url in (
        f"/shop/orders/{order.reference}/doi-tra/{part.pk}/?t={old}",
        f"/shop/orders/{order.reference}/danh-gia/{line.pk}/?t={old}",
    ):
        again = client.get(url)
        assert again.status_code == 200 and "đã hết hạn" in again.content.decode()
    # Another order's old link, or a forged one, stays a plain 404.
    assert client.get(f"/shop/orders/{order.reference}/?t=forged").status_code == 404
    tracked = client.post(
        "/shop/track/", {"reference": order.reference, "phone": order.phone}, follow=False
    )
    assert tracked.status_code == 302
    fresh_url = tracked["Location"]
    assert fresh_url != f"/shop/orders/{order.reference}/?t={old}"
    assert Client().get(fresh_url).status_code == 200


def _no_store(response):
    control = response.get("Cache-Control", "")
    assert "private" in control and "no-store" in control, (response.request["PATH_INFO"], control)


def test_private_pages_are_never_stored(two_variants):
    from django.contrib.auth import get_user_model

    client = Client()
    fill_cart(client, two_variants)
    _no_store(client.get("/shop/cart/"))
    _no_store(client.get("/shop/checkout/"))
    client.post("/shop/checkout/", checkout_post(two_variants))
    _no_store(client.get("/shop/checkout/review/"))
    _no_store(client.post("/shop/cart/update/", {"sku": two_variants[0].sku, "quantity": 2}))
    _no_store(client.get("/shop/track/"))
    _no_store(client.post("/shop/track/", {"reference": "DHAAAAAAAAAA", "phone": "0912345678"}))
    order = _place_guest_order(Client(), two_variants)
    _no_store(Client().get(order.signed_url()))
    part = order.shipments.first()
    line = part.lines.first()
    token = order.signed_token()
    for url in (
        f"/shop/orders/{order.reference}/doi-tra/{part.pk}/?t={token}",
        f"/shop/orders/{order.reference}/danh-gia/{line.pk}/?t={token}",
        f"/shop/orders/{order.reference}/status.json?t={token}",
    ):
        _no_store(Client().get(url))
    buyer = get_user_model().objects.create_user("lan@example.vn", password="x-Long-pass-1")
    signed_in = Client()
    signed_in.force_login(buyer)
    for url in (
        "/tai-khoan/",
        "/tai-khoan/dang-nhap/",
        "/tai-khoan/dang-ky/",
        "/tai-khoan/du-lieu/",
        "/tai-khoan/doi-mat-khau/",
        "/tai-khoan/quen-mat-khau/",
        "/shop/orders/",
    ):
        _no_store(signed_in.get(url))
    _no_store(Client().get("/tai-khoan/du-lieu/"))
