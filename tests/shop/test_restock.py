"""'Báo khi có hàng' (shop/restock.py): double opt-in — the form only sends a signed confirmation
link; a restock through products.stock e-mails each confirmed address once, with an
unsubscribe link (and RFC 8058 headers); unconfirmed addresses get nothing; asking again is
idempotent; the unsubscribe link removes every alert of the address; throttled; the account's
alerts are in its data export and erased with it."""

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from products import stock
from shop import privacy, restock
from shop.models import RestockAlert

from .conftest import in_stock_skus

pytestmark = pytest.mark.django_db
URL = reverse("shop:restock")
LINK = re.compile(r"https?://\S+")


@pytest.fixture
def sold_out(django_capture_on_commit_callbacks):
    variant = in_stock_skus(1)[0]
    with django_capture_on_commit_callbacks(execute=True):
        stock.set_on_hand(variant.sku, 0)
    return variant


def subscribe(client, sku, email, **extra):
    data = {"sku": sku, "email": email, "consent": "1", **extra}
    return client.post(URL, data, HTTP_ACCEPT="application/json")


def links(message) -> list[str]:
    return LINK.findall(message.body)


def path_of(url: str) -> str:
    return urlsplit(url).path


def restock_to(sku, n, capture):
    with capture(execute=True):
        stock.set_on_hand(sku, n)


def test_double_opt_in_then_one_email_on_restock_then_unsubscribe(
    client, sold_out, django_capture_on_commit_callbacks
):
    response = subscribe(client, sold_out.sku, " An@Example.VN ")
    assert response.status_code == 200 and response.json()["ok"]
    assert len(mail.outbox) == 1
    confirmation = mail.outbox[0]
    assert confirmation.to == ["an@example.vn"]
    assert sold_out.page.title in confirmation.subject
    confirm_url = next(u for u in links(confirmation) if "/xac-nhan/" in u)
    alert = RestockAlert.objects.get()
    assert alert.confirmed_at is None and alert.consented_at is not None

    # Someone else subscribes but never confirms.
    subscribe(client, sold_out.sku, "binh@example.vn")
    assert len(mail.outbox) == 2

    # Opening the link shows a button (scanners confirm nothing); its POST confirms.
    page = client.get(path_of(confirm_url))
    assert page.status_code == 200 and b'<form method="post"' in page.content
    assert RestockAlert.objects.get(email="an@example.vn").confirmed_at is None
    assert client.post(path_of(confirm_url)).status_code == 200
    assert RestockAlert.objects.get(email="an@example.vn").confirmed_at is not None

    # Asking again once confirmed: the same row, no new mail.
    assert subscribe(client, sold_out.sku, "an@example.vn").status_code == 200
    assert RestockAlert.objects.filter(email="an@example.vn").count() == 1
    assert len(mail.outbox) == 2

    # A stock change that leaves it sold out sends nothing.
    restock_to(sold_out.sku, 0, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2

    restock_to(sold_out.sku, 5, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 3
    notice = mail.outbox[2]
    assert notice.to == ["an@example.vn"]  # the unconfirmed address got nothing
    assert sold_out.page.title in notice.subject
    unsubscribe_url = next(u for u in links(notice) if "/huy/" in u)
    assert notice.extra_headers["List-Unsubscribe"] == f"<{unsubscribe_url}>"
    assert notice.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert any(path_of(u) == sold_out.page.url for u in links(notice))
    # Served once: the alert is gone, a second restock sends nothing more.
    assert not RestockAlert.objects.filter(email="an@example.vn").exists()
    restock_to(sold_out.sku, 0, django_capture_on_commit_callbacks)
    restock_to(sold_out.sku, 7, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 3

    # The unsubscribe link removes the address's other alerts too.
    restock_to(sold_out.sku, 0, django_capture_on_commit_callbacks)
    alert, _sent = restock.subscribe(sold_out.sku, "an@example.vn")
    restock.confirm(restock.confirm_token(alert))
    assert client.get(path_of(unsubscribe_url)).status_code == 200
    assert RestockAlert.objects.filter(email="an@example.vn").exists()  # GET only asks
    # A mail client's one-click POST carries no CSRF token.
    assert client.post(path_of(unsubscribe_url)).status_code == 200
    assert not RestockAlert.objects.filter(email="an@example.vn").exists()
    sent = len(mail.outbox)
    restock_to(sold_out.sku, 3, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == sent


def test_unconfirmed_alerts_get_nothing_and_resubscribing_is_idempotent(
    client, sold_out, django_capture_on_commit_callbacks, settings
):
    for _ in range(3):
        assert subscribe(client, sold_out.sku, "mai@example.vn").status_code == 200
    assert RestockAlert.objects.count() == 1
    assert len(mail.outbox) == 1  # resent at most once a minute
    restock_to(sold_out.sku, 4, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    assert RestockAlert.objects.count() == 1  # still waiting for its confirmation


def test_bad_links_and_refusals(client, sold_out):
    assert client.post(reverse("shop:restock_confirm", args=["nope"])).status_code == 400
    assert client.get(reverse("shop:restock_unsubscribe", args=["nope"])).status_code == 400
    # The consent box is required, and an e-mail address.
    response = client.post(
        URL, {"sku": sold_out.sku, "email": "x@example.vn"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400 and not RestockAlert.objects.exists()
    assert subscribe(client, sold_out.sku, "not-an-address").status_code == 400
    # A variant in stock is bought, not waited for.
    other = in_stock_skus(2)[1]
    assert subscribe(client, other.sku, "x@example.vn").status_code == 409
    assert subscribe(client, "no-such-sku", "x@example.vn").status_code == 404
    assert not mail.outbox


def test_without_a_script_the_get_form_leads_to_a_page_that_posts(client, sold_out):
    response = client.get(URL, {"sku": sold_out.sku, "email": "an@example.vn", "consent": "1"})
    html = response.content.decode()
    assert response.status_code == 200 and 'method="post"' in html
    assert 'value="an@example.vn"' in html and "csrfmiddlewaretoken" in html
    assert not RestockAlert.objects.exists()
    response = client.post(URL, {"sku": sold_out.sku, "email": "an@example.vn", "consent": "1"})
    assert response.status_code == 200 and RestockAlert.objects.count() == 1


def test_the_product_page_offers_it_for_sold_out_variants(client, sold_out):
    html = client.get(sold_out.page.url).content.decode()
    assert 'action="/shop/bao-khi-co-hang/"' in html
    assert f'name="sku" value="{sold_out.sku}"' in html and 'name="consent"' in html


@override_settings(THROTTLE_RATES={"restock_ip": "3/h", "restock_email": "2/h"})
def test_the_form_is_throttled(client, sold_out):
    from django.core.cache import cache

    cache.clear()
    assert subscribe(client, sold_out.sku, "a@example.vn").status_code == 200
    assert subscribe(client, sold_out.sku, "a@example.vn").status_code == 200
    over = subscribe(client, sold_out.sku, "a@example.vn")
    assert over.status_code == 429 and "Retry-After" in over
    cache.clear()


def test_account_export_and_erasure_include_alerts(client, sold_out):
    user = get_user_model().objects.create_user("lan", "lan@example.vn", "Mat-khau-dai-2025")
    client.force_login(user)
    subscribe(client, sold_out.sku, "lan.khac@example.vn")  # another address, while signed in
    restock.subscribe(sold_out.sku, "LAN@example.vn")  # the account's address, signed out
    restock.subscribe(sold_out.sku, "someone@example.vn")
    data = privacy.export_user_data(user, record=False)
    assert sorted(a["email"] for a in data["restock_alerts"]) == [
        "lan.khac@example.vn",
        "lan@example.vn",
    ]
    privacy.erase_user(user)
    assert list(RestockAlert.objects.values_list("email", flat=True)) == ["someone@example.vn"]
