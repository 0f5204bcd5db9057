"""Input hardening and response headers (issue 20, cms/hardening.py)."""

import re

import pytest
from django.test import Client, override_settings

from cms.hardening import local_next
from tests.shop.conftest import two_variants  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/tim-kiem/?q=ch%00e",
        "/api/search/?q=%00",
        "/san-pham/?q=%ff%fe",
        "/api/v2/pages/find/?html_path=%00",
        "/api/v2/pages/?locale=vi%00",
        "/shop/api/communes/?q=" + "x" * 2001,
        "/tim-kiem/?page=99999999999999999999",
        "/san-pham/?page=100001",
        "/%00/",
    ],
)
def test_malformed_input_is_a_short_vietnamese_400(url):
    response = Client().get(url)
    assert response.status_code == 400
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    if response["Content-Type"].startswith("application/json"):
        assert response.json()["message"]
    else:
        assert "Yêu cầu không hợp lệ" in body


def test_ordinary_vietnamese_input_is_untouched():
    assert Client().get("/tim-kiem/?q=ch%C3%A8+t%C3%A2n+c%C6%B0%C6%A1ng").status_code == 200
    assert Client().get("/tim-kiem/?page=2").status_code in (200, 400)  # the view's own rule
    assert Client().get("/api/v2/pages/?offset=20&limit=100").status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "offset=99999999999999999999",
        "offset=10001",
        "offset=-1",
        "offset=abc",
        "limit=101",
        "limit=1e3",
        "search=che&search_operator=xor",
        "search=%22",
        "search=+",
    ],
)
def test_wagtail_api_parameters(query):
    response = Client().get(f"/api/v2/pages/?{query}")
    assert response.status_code in (200, 400), response.content[:200]
    assert response["Content-Type"].startswith("application/json")
    if query.startswith("search=%22") or query == "search=+":
        assert response.status_code == 200  # cleaned, not a server error
    else:
        assert response.status_code == 400 and response.json()["message"]


def test_posted_forms_with_nul_or_bad_utf8_are_refused():
    client = Client()
    for body in ("reference=DH%00&phone=1", "reference=%ff&phone=1"):
        response = client.post(
            "/shop/track/", body, content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code == 400


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/shop/cart/", "/shop/cart/"),
        ("/san-pham/?q=che", "/san-pham/?q=che"),
        ("cod", "/d/"),
        ("", "/d/"),
        (None, "/d/"),
        ("//evil.example/", "/d/"),
        ("/\\evil.example", "/d/"),
        ("https://evil.example/", "/d/"),
        ("javascript:alert(1)", "/d/"),
        ("/a\x00b", "/d/"),
    ],
)
def test_local_next(target, expected):
    assert local_next(target, "/d/") == expected


def test_cart_and_account_next_only_lead_to_local_paths(two_variants):  # noqa: F811
    client = Client()
    sku = two_variants[0].sku
    for bad in ("cod", "//evil.example/", "https://evil.example/"):
        response = client.post("/shop/cart/update/", {"sku": sku, "quantity": 1, "next": bad})
        assert response.status_code == 302 and response["Location"] == "/shop/cart/"
        response = client.post("/shop/cart/add/", {"sku": sku, "quantity": 1, "next": bad})
        assert response.status_code == 302 and response["Location"] == "/shop/cart/"
        response = client.get(f"/i18n/chon/?language=en&next={bad}")
        assert response["Location"] == "/en/"  # the home page, in the chosen language
    response = client.post("/shop/cart/update/", {"sku": sku, "quantity": 1, "next": "/san-pham/"})
    assert response["Location"] == "/san-pham/"
    signup = client.post(
        "/tai-khoan/dang-ky/?next=cod",
        {
            "email": "an@example.vn",
            "name": "An",
            "password1": "Lua-nep-cai-hoa-vang-2025",
            "password2": "Lua-nep-cai-hoa-vang-2025",
            "next": "cod",
        },
    )
    assert signup.status_code == 302 and signup["Location"] == "/tai-khoan/"


PUBLIC_PAGES = ["/", "/san-pham/", "/tim-kiem/?q=che", "/ban-do/", "/shop/cart/", "/shop/track/"]


def _public_pages():
    from products.models import ProducerPage, ProductPage
    from tours.models import TourSitePage, VirtualTourPage

    pages = list(PUBLIC_PAGES)
    pages.append(ProductPage.objects.live().first().url)
    pages.append(ProducerPage.objects.live().first().url)
    site = TourSitePage.objects.live().first()
    tour = VirtualTourPage.objects.live().first()
    pages += [p.url for p in (site, tour) if p is not None]
    return pages


def test_public_pages_send_the_strict_policy():
    for url in _public_pages():
        response = Client().get(url)
        assert response.status_code == 200, url
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp
        assert "style-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        # Map tiles come through the site's relay (tours/tilerelay.py): images from 'self'.
        assert "tile.openstreetmap.org" not in csp and "img-src 'self' data: blob:" in csp
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert response["Permissions-Policy"] == (
            "camera=(), microphone=(), geolocation=(self), payment=()"
        )


def test_public_pages_have_no_inline_script_or_style():
    """What the CSP forbids is not on the pages: every <script> has a src or is JSON data,
    no style= attribute, no on…= handler, no javascript: link."""
    for url in _public_pages():
        html = Client().get(url).content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            data = 'type="application/ld+json"' in tag or 'type="application/json"' in tag
            assert "src=" in tag or data, (url, tag)
        assert not re.search(r"<[^>]+\sstyle=", html), url
        assert not re.search(r"<[^>]+\son[a-z]+=", html), url
        assert "javascript:" not in html, url


def test_the_admin_is_left_out_of_the_strict_policy(admin_client):
    response = admin_client.get("/admin/")
    assert "Content-Security-Policy" not in response
    assert response["X-Frame-Options"] == "DENY"


@override_settings(
    SECURE_HSTS_SECONDS=31536000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SECURE_SSL_REDIRECT=True,
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
)
def test_production_like_headers():
    plain = Client().get("/san-pham/")
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    secure = Client().get("/san-pham/", HTTP_X_FORWARDED_PROTO="https")
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Content-Security-Policy" in secure


def test_throttle_and_lockout_pages_are_not_cached_by_the_page_cache(settings):
    settings.THROTTLE_RATES = {"search_api": "1/m"}
    client = Client(REMOTE_ADDR="10.8.0.1")
    assert client.get("/api/search/?q=che").status_code == 200
    response = client.get("/api/search/?q=che")
    assert response.status_code == 429 and "no-store" in response["Cache-Control"]
    assert Client(REMOTE_ADDR="10.8.0.2").get("/api/search/?q=che").status_code == 200
