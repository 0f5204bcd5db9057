"""The anonymous page cache (cms/cache.py): what is stored, what is never stored, and exact
purging on publish, unpublish, stock and review changes."""

import pytest
from django.test import Client
from django.urls import reverse

from cms import cache
from products.models import ProducerPage, ProductIndexPage, ProductPage
from products.stock import set_on_hand
from shop.cart import COUNT_COOKIE
from tests.shop.conftest import in_stock_skus
from tests.shop.test_admin import make_user

pytestmark = pytest.mark.django_db


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response, response.content.decode()


def pages_showing(variant):
    product = variant.page
    return {
        "product": product.url,
        "listing": ProductIndexPage.objects.live().get().url,
        "producer": product.producer.url,
    }


def test_anonymous_pages_are_stored_and_served_without_per_visitor_data():
    [variant] = in_stock_skus(1)
    client = Client()
    for url in [*pages_showing(variant).values(), "/", "/tim-kiem/?q=gom", "/ban-do/"]:
        first, html = get(client, url)
        assert first["X-Page-Cache"] == "miss", url
        assert "csrfmiddlewaretoken" not in html and "csrftoken" not in first.cookies, url
        second, again = get(client, url)
        assert second["X-Page-Cache"] == "hit" and again == html, url
        assert "Cookie" in second["Vary"]
        # A browser that has this copy gets a 304.
        assert client.get(url, HTTP_IF_NONE_MATCH=second["ETag"]).status_code == 304


def test_a_buyer_with_a_cart_gets_the_shared_page_and_the_count_from_a_cookie():
    [variant] = in_stock_skus(1)
    url = variant.page.url
    get(Client(), url)  # stored by someone else
    buyer = Client()
    added = buyer.post(reverse("shop:cart_add"), {"sku": variant.sku, "quantity": "2"})
    assert added.status_code == 302 and buyer.cookies[COUNT_COOKIE].value == "2"
    # The message of the add shows on the next page, which is therefore rendered, not shared.
    shown, html = get(buyer, url)
    assert shown.get("X-Page-Cache") != "hit" and "Đã thêm vào giỏ hàng" in html
    page, html = get(buyer, url)
    assert page["X-Page-Cache"] == "hit"
    assert "Đã thêm vào giỏ hàng" not in html and "data-cart-count" in html
    assert '<span aria-hidden="true" data-n></span>' in html  # the number is not in the HTML


def test_logged_in_users_never_get_or_make_a_shared_page(two_variants=None):
    [variant] = in_stock_skus(1)
    url = variant.page.url
    editor = make_user("bien-tap-cache", "Officer")
    client = Client()
    client.force_login(editor)
    response, _ = get(client, url)
    assert response.get("X-Page-Cache") is None
    assert client.cookies[cache.AUTH_COOKIE].value == "1"
    response, _ = get(client, url)
    assert response.get("X-Page-Cache") is None  # not served from the cache either
    # … and what they saw was not stored for others.
    assert get(Client(), url)[0]["X-Page-Cache"] == "miss"
    client.post("/admin/logout/")
    assert client.cookies[cache.AUTH_COOKIE].value == ""


def test_publishing_a_change_reaches_every_page_that_shows_it(commit):
    [variant] = in_stock_skus(1)
    urls = {**pages_showing(variant), "home": "/"}
    product = ProductPage.objects.get(pk=variant.page.pk)
    product.featured = True
    commit(product.save_revision().publish)
    client = Client()
    shown = {}
    for name, url in urls.items():
        shown[name] = product.title in get(client, url)[1]
        assert get(client, url)[0]["X-Page-Cache"] == "hit"
    assert shown["product"] and shown["listing"] and shown["producer"]
    product = ProductPage.objects.get(pk=product.pk)
    product.title = "Bánh cốm Mễ Trì đặc biệt"
    commit(product.save_revision().publish)
    for name, url in urls.items():
        response, html = get(client, url)
        assert response["X-Page-Cache"] == "miss", name
        assert ("Bánh cốm Mễ Trì đặc biệt" in html) == shown[name], name
    # A tour page does not show products: it stays cached.
    from tours.models import TourSitePage

    site = TourSitePage.objects.live().first()
    get(client, site.url)
    commit(product.save_revision().publish)
    assert get(client, site.url)[0]["X-Page-Cache"] == "hit"


def test_unpublishing_removes_the_page_at_once(commit):
    [variant] = in_stock_skus(1)
    product = ProductPage.objects.get(pk=variant.page.pk)
    url = product.url
    client = Client()
    get(client, url)
    assert get(client, url)[0]["X-Page-Cache"] == "hit"
    commit(product.unpublish)
    assert client.get(url).status_code == 404


def test_selling_out_flips_product_and_listing_at_once(commit):
    [variant] = in_stock_skus(1)
    pages = pages_showing(variant)
    client = Client()
    for url in pages.values():
        get(client, url)
    assert "Còn hàng" in get(client, pages["product"])[1]
    commit(set_on_hand, variant.sku, 0)
    product, html = get(client, pages["product"])
    assert product["X-Page-Cache"] == "miss" and "Hết hàng" in html
    listing, html = get(client, pages["listing"] + "?in_stock=1")
    assert variant.page.title not in html
    # A change that does not flip the state spares the listings.
    commit(set_on_hand, variant.sku, 5)
    get(client, pages["listing"])
    commit(set_on_hand, variant.sku, 4)
    assert get(client, pages["listing"])[0]["X-Page-Cache"] == "hit"
    assert get(client, pages["product"])[0]["X-Page-Cache"] == "miss"  # "Chỉ còn 4"


def test_producer_change_purges_its_products_pages(commit):
    [variant] = in_stock_skus(1)
    client = Client()
    get(client, variant.page.url)
    producer = ProducerPage.objects.get(pk=variant.page.producer_id)
    producer.phone = "0243 999 8888"
    commit(producer.save_revision().publish)
    response, html = get(client, variant.page.url)
    assert response["X-Page-Cache"] == "miss" and "0243 999 8888" in html


def test_languages_are_stored_apart_and_the_switch_needs_no_token():
    [variant] = in_stock_skus(1)
    url = variant.page.url
    client = Client()
    vi = get(client, url)[1]
    switched = client.get(reverse("switch_language"), {"language": "en", "next": url})
    # The same page in English: under /en/ (cms.language.in_language).
    assert switched.status_code == 302 and switched["Location"] == "/en" + url
    en = get(client, url)[1]
    assert en != vi and 'lang="en"' in en
    bad = client.get(
        reverse("switch_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert bad["Location"] == "/en/"


def test_add_to_cart_works_without_javascript():
    [variant] = in_stock_skus(1)
    client = Client(enforce_csrf_checks=True)
    html = get(client, variant.page.url)[1]
    assert 'method="get" action="/shop/cart/add/"' in html
    confirm = client.get(
        "/shop/cart/add/", {"sku": variant.sku, "quantity": "3", "next": variant.page.url}
    )
    assert confirm.status_code == 200 and "no-store" in confirm["Cache-Control"]
    page = confirm.content.decode()
    assert variant.page.title in page and 'value="3"' in page
    token = client.cookies["csrftoken"].value
    done = client.post(
        "/shop/cart/add/",
        {
            "sku": variant.sku,
            "quantity": "3",
            "next": variant.page.url,
            "csrfmiddlewaretoken": token,
        },
    )
    assert done.status_code == 302 and done["Location"] == variant.page.url
    assert client.cookies[COUNT_COOKIE].value == "3"
    # A script gets its token from the small endpoint.
    assert client.get("/shop/csrf/").json()["token"]
    # An unknown product or a foreign `next` is answered, never a 500 or an open redirect.
    missing = client.get("/shop/cart/add/", {"sku": "khong-co", "next": "//evil.example/"})
    assert missing.status_code == 302 and missing["Location"] == reverse("shop:cart")


def test_disabled_cache_stores_nothing(settings):
    settings.PAGE_CACHE_SECONDS = 0
    [variant] = in_stock_skus(1)
    client = Client()
    get(client, variant.page.url)
    assert get(client, variant.page.url)[0].get("X-Page-Cache") is None
