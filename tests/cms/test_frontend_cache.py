"""A reverse proxy / CDN in front (issue 21; cms/cache.py, docs/deploy.md): anonymous-safe
pages say `public, s-maxage`, everything else tagged says `private`; publishing, unpublishing,
moving and a product's stock state purge the proxy's copies with real HTTP PURGE requests
(Wagtail's frontend cache) — received here by a local fake purge server."""

import pytest
from django.test import Client, override_settings

from products.models import ProductIndexPage
from products.stock import set_on_hand
from tests.local_servers import FakePurgeServer
from tests.shop.conftest import in_stock_skus

pytestmark = pytest.mark.django_db


@pytest.fixture
def proxy():
    server = FakePurgeServer().start()
    config = {
        "proxy": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": server.url,
        }
    }
    with override_settings(WAGTAILFRONTENDCACHE=config, FRONTEND_CACHE_SECONDS=900):
        yield server
    server.stop()


def _get(client, url):
    answer = client.get(url, HTTP_HOST="ocop.example.vn")
    assert answer.status_code == 200, url
    return answer


def test_only_anonymous_safe_pages_may_be_kept_by_the_proxy(proxy, django_user_model):
    [variant] = in_stock_skus(1)
    anonymous = _get(Client(), variant.page.url)
    assert anonymous["Cache-Control"] == "public, max-age=0, s-maxage=900, must-revalidate"
    # The stored copy says the same when it is served again.
    again = _get(Client(), variant.page.url)
    assert again["X-Page-Cache"] == "hit" and again["Cache-Control"] == anonymous["Cache-Control"]

    officer = django_user_model.objects.get(username="officer")
    logged_in = Client()
    logged_in.force_login(officer)
    logged_in.cookies["ocop_auth"] = "1"  # what logging in sets (cms.cache.AuthMarkerMiddleware)
    mine = _get(logged_in, variant.page.url)
    assert "s-maxage" not in mine["Cache-Control"] and "private" in mine["Cache-Control"]
    # The cart and checkout are never tagged: no shared-cache header at all.
    cart = Client().get("/shop/cart/", HTTP_HOST="ocop.example.vn")
    assert "s-maxage" not in cart.get("Cache-Control", "")


def test_without_a_proxy_configured_pages_carry_no_s_maxage():
    [variant] = in_stock_skus(1)
    answer = _get(Client(), variant.page.url)
    assert answer["Cache-Control"] == "max-age=0, must-revalidate"


def test_stock_running_out_purges_the_product_and_the_listing(proxy, commit):
    [variant] = in_stock_skus(1)
    commit(set_on_hand, variant.sku, 20)  # the in-stock state is now known to the page cache
    product, listing = variant.page.url, ProductIndexPage.objects.live().get().url
    english = "/en" + product
    for url in (product, listing, english, "/", "/ban-do/"):
        _get(Client(), url)
    proxy.requests.clear()

    # Still in stock: the pages showing this product's stock (and its card) change, the map
    # does not.
    commit(set_on_hand, variant.sku, 5)
    assert {product, english} <= proxy.paths()
    assert "/ban-do/" not in proxy.paths()
    assert {r["host"] for r in proxy.requests} == {"ocop.example.vn"}
    assert all(r["method"] == "PURGE" for r in proxy.requests)

    proxy.requests.clear()
    for url in (product, listing, english, "/"):
        _get(Client(), url)  # stored again: the proxy may hold them again
    commit(set_on_hand, variant.sku, 0)  # sold out: every page that says "in stock" too
    assert {product, english, listing, "/"} <= proxy.paths()
    # Each URL is purged once per change, and forgotten until it is stored again.
    assert len(proxy.requests) == len(proxy.paths())
    proxy.requests.clear()
    commit(set_on_hand, variant.sku, 3)
    assert product not in proxy.paths()


def test_publishing_and_unpublishing_purge_the_page(proxy, commit):
    [variant] = in_stock_skus(1)
    page = variant.page
    _get(Client(), page.url)
    page.title_en = "Renamed for the proxy test"
    commit(page.save_revision().publish)
    assert page.url in proxy.paths()

    proxy.requests.clear()
    _get(Client(), page.url)
    commit(page.unpublish)
    assert page.url in proxy.paths()


def test_moving_a_page_purges_its_old_address(proxy, commit):
    from products.models import ProducerPage

    [variant] = in_stock_skus(1)
    page = variant.page
    old = page.url
    _get(Client(), old)
    target = ProducerPage.objects.live().exclude(pk=page.get_parent().pk).first()
    commit(page.move, target, pos="last-child")
    assert old in proxy.paths()
