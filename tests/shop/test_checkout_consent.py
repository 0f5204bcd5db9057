"""Checkout consents (issue 15): the purchase terms and, separately, the processing of personal
data — linked to the published pages, never pre-ticked, both recorded on the order with the time
the buyer submitted the checkout form."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from shop.checkout import place_order
from shop.models import Order

from .conftest import address
from .test_views import checkout_post, fill_cart

pytestmark = pytest.mark.django_db

CONSENT_ERROR = "Bạn cần đồng ý cho sàn và người bán xử lý dữ liệu cá nhân"


def _checkbox(html: str, name: str) -> str:
    found = re.search(rf'<input type="checkbox" name="{name}"[^>]*>', html)
    assert found, f"no {name} checkbox"
    return found.group(0)


def _label(html: str, name: str) -> str:
    found = re.search(rf'<label for="id_{name}">(.*?)</label>', html, re.S)
    assert found, f"no label for {name}"
    return found.group(1)


def test_the_consent_boxes_are_not_pre_ticked(two_variants):
    client = Client()
    fill_cart(client, two_variants)
    html = client.get("/shop/checkout/").content.decode()
    assert "checked" not in _checkbox(html, "data_consent")
    assert "checked" not in _checkbox(html, "accept_terms")


def test_coming_back_from_the_review_keeps_the_address_but_asks_the_consents_again(
    two_variants,
):
    client = Client()
    fill_cart(client, two_variants)
    assert client.post("/shop/checkout/", checkout_post(two_variants)).status_code == 302
    html = client.get("/shop/checkout/").content.decode()
    assert 'value="Trần Thị Bình"' in html  # what was typed is still there
    assert "checked" not in _checkbox(html, "data_consent")
    assert "checked" not in _checkbox(html, "accept_terms")


def test_the_labels_link_to_the_published_pages(two_variants):
    client = Client()
    fill_cart(client, two_variants)
    html = client.get("/shop/checkout/").content.decode()
    terms = _label(html, "accept_terms")
    assert '<a href="/dieu-khoan-mua-hang/">điều khoản mua hàng</a>' in terms
    assert '<a href="/chinh-sach-doi-tra/">chính sách đổi trả</a>' in terms
    consent = _label(html, "data_consent")
    assert "xử lý dữ liệu cá nhân của tôi (họ tên, điện thoại, địa chỉ, email)" in consent
    assert '<a href="/chinh-sach-bao-mat/">Chính sách bảo vệ dữ liệu cá nhân</a>' in consent
    for url in ("/dieu-khoan-mua-hang/", "/chinh-sach-doi-tra/", "/chinh-sach-bao-mat/"):
        assert client.get(url).status_code == 200


def test_the_labels_in_english(two_variants):
    client = Client()
    client.cookies["django_language"] = "en"
    fill_cart(client, two_variants)
    html = client.get("/shop/checkout/").content.decode()
    assert 'href="/dieu-khoan-mua-hang/"' in _label(html, "accept_terms")
    consent = _label(html, "data_consent")
    assert 'href="/chinh-sach-bao-mat/"' in consent and "personal data" in consent


def test_without_data_consent_the_form_comes_back_with_the_error_and_everything_typed(
    two_variants,
):
    client = Client()
    fill_cart(client, two_variants)
    data = checkout_post(two_variants, note="Gọi trước khi giao", email="binh@example.vn")
    data.pop("data_consent")
    response = client.post("/shop/checkout/", data)
    assert response.status_code == 200
    html = response.content.decode()
    error = re.search(r'<p class="error" id="id_data_consent-error">([^<]+)</p>', html)
    assert error and CONSENT_ERROR in error.group(1)
    # The error sits in the consent's own field, right after its label.
    block = html[html.index('name="data_consent"') :]
    assert block.index(CONSENT_ERROR) < block.index("</div>")
    for typed in ("Trần Thị Bình", "binh@example.vn", "Số 5 ngõ 10, đường Cổ Loa"):
        assert f'value="{typed}"' in html, typed
    assert "Gọi trước khi giao" in html
    assert "checked" in _checkbox(html, "accept_terms")  # the buyer's own tick stays
    assert "checked" not in _checkbox(html, "data_consent")
    assert client.get("/shop/checkout/review/").status_code == 302  # nothing stored
    assert not Order.objects.exists()


def test_without_either_consent_both_errors_show(two_variants):
    client = Client()
    fill_cart(client, two_variants)
    data = checkout_post(two_variants)
    data.pop("data_consent")
    data.pop("accept_terms")
    html = client.post("/shop/checkout/", data).content.decode()
    assert CONSENT_ERROR in html and "Bạn cần đồng ý điều khoản và chính sách đổi trả." in html


def test_the_placed_order_records_both_consents_at_the_checkout_submit(two_variants):
    client = Client()
    fill_cart(client, two_variants)
    before = timezone.now()
    assert client.post("/shop/checkout/", checkout_post(two_variants)).status_code == 302
    submitted = timezone.now()
    assert client.get("/shop/checkout/review/").status_code == 200
    client.post("/shop/checkout/review/")
    order = Order.objects.get()
    assert order.terms_accepted_at is not None and order.data_consent_at is not None
    assert before <= order.terms_accepted_at <= submitted  # the form's submit, not the review
    assert order.data_consent_at == order.terms_accepted_at
    assert order.terms_accepted_at <= order.created_at


def test_an_old_checkout_in_the_session_without_the_data_consent_is_asked_again(two_variants):
    """A checkout typed before the consent box existed: the review sends the buyer back."""
    client = Client()
    fill_cart(client, two_variants)
    client.post("/shop/checkout/", checkout_post(two_variants))
    session = client.session
    data = dict(session["shop_checkout"])
    data.pop("data_consent")
    data.pop("consented_at")
    session["shop_checkout"] = data
    session.save()
    response = client.post("/shop/checkout/review/")
    assert response.status_code == 302 and response["Location"] == "/shop/checkout/"
    assert not Order.objects.exists()


def test_every_order_has_both_consent_times(two_variants):
    """place_order called without a time (scripts, tests) records the moment of placing."""
    a, b = two_variants
    before = timezone.now()
    order = place_order(
        items={a.sku: 1, b.sku: 1},
        address=address(),
        shipping={a.page.producer_id: "delivery", b.page.producer_id: "delivery"},
        payment_method="cod",
    )
    assert order.terms_accepted_at and order.data_consent_at
    assert order.terms_accepted_at >= before
