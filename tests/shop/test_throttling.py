"""Throttles (issue 20, cms/throttle.py): order tracking per reference and per client address,
the guest data form, password reset per e-mail and per address, webhooks' failed
authentications, search API bursts. Over the limit: 429, Retry-After, a Vietnamese page (JSON
for APIs), never cached."""

import json

import pytest
from django.core import mail
from django.test import Client

from shop.models import Order

from .test_views import _place_guest_order

pytestmark = pytest.mark.django_db

RATES = {
    "track_reference": "3/15m",
    "track_ip": "5/h",
    "guest_data_reference": "3/15m",
    "guest_data_ip": "5/h",
    "password_reset_email": "2/h",
    "password_reset_ip": "4/h",
    "webhook_auth_failure": "3/h",
    "search_api": "5/m",
    "search_suggest": "5/m",
}


@pytest.fixture(autouse=True)
def rates(settings):
    settings.THROTTLE_RATES = RATES


def _from(ip):
    return Client(REMOTE_ADDR=ip)


def _assert_throttled(response, json_body=False):
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "no-store" in response["Cache-Control"]
    if json_body:
        assert response["Content-Type"].startswith("application/json")
        assert "quá nhiều" in response.json()["error"].lower()
    else:
        assert "Quá nhiều yêu cầu" in response.content.decode()


def test_tracking_is_throttled_per_reference_even_from_many_addresses(two_variants):
    order = _place_guest_order(Client(), two_variants)
    for n in range(3):  # three wrong phones, each from its own address
        response = _from(f"10.0.0.{n}").post(
            "/shop/track/", {"reference": order.reference, "phone": f"098765432{n}"}
        )
        assert response.status_code == 200 and "Không tìm thấy" in response.content.decode()
    # The fourth address, even with the right phone: the reference is throttled for now.
    right = {"reference": order.reference, "phone": "0912345678"}
    _assert_throttled(_from("10.0.0.9").post("/shop/track/", right))
    # Other orders are not affected.
    other = _place_guest_order(Client(), two_variants)
    response = _from("10.0.0.9").post(
        "/shop/track/", {"reference": other.reference, "phone": "0912345678"}
    )
    assert response.status_code == 302 and response["Location"] == other.signed_url()


def test_tracking_is_throttled_per_client_across_references(two_variants):
    order = _place_guest_order(Client(), two_variants)
    client = _from("10.1.1.1")
    for n in range(5):
        reference = "DH" + "ABCDEFGHJK"[n:] + "M" * n
        response = client.post("/shop/track/", {"reference": reference, "phone": "0912345678"})
        assert response.status_code == 200
    right = {"reference": order.reference, "phone": "0912345678"}
    _assert_throttled(client.post("/shop/track/", right))
    # Another address still tracks.
    assert _from("10.1.1.2").post("/shop/track/", right).status_code == 302


def test_guest_data_requests_are_throttled_per_reference(two_variants):
    order = _place_guest_order(Client(), two_variants)
    for n in range(3):
        response = _from(f"10.2.0.{n}").post(
            "/tai-khoan/du-lieu/",
            {"reference": order.reference, "phone": f"098765432{n}", "action": "export"},
        )
        assert response.status_code == 200
    response = _from("10.2.0.9").post(
        "/tai-khoan/du-lieu/",
        {"reference": order.reference, "phone": "0912345678", "action": "export"},
    )
    _assert_throttled(response)
    assert Order.objects.filter(pk=order.pk, recipient__gt="").exists()


def test_password_reset_is_throttled_per_email_and_per_address():
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("mai@example.vn", email="mai@example.vn", password="x")
    for n in range(2):
        response = _from(f"10.3.0.{n}").post(
            "/tai-khoan/quen-mat-khau/", {"email": "MAI@example.vn"}
        )
        assert response.status_code == 302
    assert len(mail.outbox) == 2
    _assert_throttled(
        _from("10.3.0.7").post("/tai-khoan/quen-mat-khau/", {"email": "mai@example.vn"})
    )
    assert len(mail.outbox) == 2
    # One address asking for many e-mails is stopped too.
    client = _from("10.3.1.1")
    for n in range(4):
        response = client.post("/tai-khoan/quen-mat-khau/", {"email": f"ai{n}@example.vn"})
        assert response.status_code == 302
    _assert_throttled(client.post("/tai-khoan/quen-mat-khau/", {"email": "ai9@example.vn"}))


def test_bank_webhook_failed_authentications_are_throttled(settings):
    settings.BANK_WEBHOOK_API_KEY = "k" * 24
    client = _from("10.4.0.1")
    url = "/shop/payments/bank-transfer/webhook/"
    for _ in range(3):
        response = client.post(
            url, "{}", content_type="application/json", HTTP_AUTHORIZATION="Apikey wrong"
        )
        assert response.status_code == 401
    # Even the right key is refused from this address until the window ends.
    response = client.post(
        url, "{}", content_type="application/json", HTTP_AUTHORIZATION="Apikey " + "k" * 24
    )
    _assert_throttled(response, json_body=True)
    # The bank's own address is unaffected: good calls never count.
    bank = _from("10.4.0.2")
    for _ in range(5):
        response = bank.post(
            url, "{}", content_type="application/json", HTTP_AUTHORIZATION="Apikey " + "k" * 24
        )
        assert response.status_code == 400  # authorised; the empty notice is malformed


def test_carrier_webhook_failed_authentications_are_throttled(settings):
    settings.GHN_API_TOKEN, settings.GHN_SHOP_ID = "token", "1"
    settings.GHN_WEBHOOK_TOKEN = "hook-secret-123"
    client = _from("10.5.0.1")
    body = json.dumps({"OrderCode": "X", "Status": "delivered"})
    for _ in range(3):
        response = client.post(
            "/shop/delivery/webhook/ghn/?token=guess", body, content_type="application/json"
        )
        assert response.status_code == 401
    response = client.post(
        "/shop/delivery/webhook/ghn/?token=hook-secret-123", body, content_type="application/json"
    )
    _assert_throttled(response, json_body=True)


@pytest.mark.parametrize("path", ["/api/search/?q=che", "/api/search/suggest/?q=ch"])
def test_search_api_bursts_get_429_with_retry_after(path):
    client = _from("10.6.0.1")
    for _ in range(5):
        assert client.get(path).status_code == 200
    _assert_throttled(client.get(path), json_body=True)
    assert _from("10.6.0.2").get(path).status_code == 200


def test_client_address_behind_trusted_proxies(settings):
    """With TRUSTED_PROXY_COUNT=1 the proxy's X-Forwarded-For names the client: two clients
    behind one proxy are throttled apart, and a forged left-most entry changes nothing."""
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.7.0.1"
    first = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="1.2.3.4")
    for _ in range(5):
        assert first.get("/api/search/?q=che").status_code == 200
    assert first.get("/api/search/?q=che").status_code == 429
    forged = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="9.9.9.9, 1.2.3.4")
    assert forged.get("/api/search/?q=che").status_code == 429
    second = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="5.6.7.8")
    assert second.get("/api/search/?q=che").status_code == 200
