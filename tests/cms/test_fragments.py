"""Page parts kept once rendered (cms/fragments.py): the head, header and content of pages the
page cache cannot answer — logged-in visitors, the first request after a purge — are the same
HTML as a fresh render, stale exactly when the page cache's copy is, and never hold anything
per visitor."""

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.fallback import FallbackStorage
from django.db import connection
from django.template import Context, RequestContext, Template
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cms import cache, fragments
from products.models import ProductIndexPage, ProductPage
from products.stock import set_on_hand
from tests.shop.conftest import in_stock_skus
from tests.shop.test_admin import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer():
    client = Client()
    client.force_login(make_user("nguoi-mua-phan-trang", "Buyer"))
    return client


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response, response.content.decode()


def kept(response) -> int:
    return getattr(response.wsgi_request, "fragment_hits", 0)


def urls_for(variant) -> dict:
    product = variant.page
    return {
        "home": "/",
        "listing": ProductIndexPage.objects.live().get().url,
        "filtered": ProductIndexPage.objects.live().get().url + "?stars=4&stars=5&sort=price",
        "product": product.url,
        "producer": product.producer.url,
    }


def test_a_logged_in_visitor_gets_the_same_html_from_kept_parts(buyer, settings):
    [variant] = in_stock_skus(1)
    for name, url in urls_for(variant).items():
        first, html = get(buyer, url)
        assert kept(first) == 0 and first.get("X-Page-Cache") is None, name
        second, again = get(buyer, url)
        assert kept(second) == 3, name  # head, header and content
        assert second.get("X-Page-Cache") is None, name  # never the shared page
        assert again == html, name
    # With the parts off, the page is rendered whole: the same HTML again.
    settings.FRAGMENT_CACHE_SECONDS = 0
    for name, url in urls_for(variant).items():
        response, fresh = get(buyer, url)
        assert kept(response) == 0, name
        assert fresh == get(buyer, url)[1], name


def test_a_product_page_from_kept_parts_reads_almost_nothing(buyer):
    [variant] = in_stock_skus(1)
    url = variant.page.url
    get(buyer, url)
    with CaptureQueriesContext(connection) as queries:
        response, html = get(buyer, url)
    assert kept(response) == 3
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    # The page row (and the session and user of the logged-in visitor), no gallery, variant,
    # stock, producer or review query.
    for table in ("products_productimage", "products_variant", "products_stockitem", "shop_review"):
        assert table not in tables, table
    assert len(queries) <= 4, [q["sql"][:80] for q in queries.captured_queries]


def test_a_stock_change_reaches_logged_in_visitors_at_once(buyer, commit):
    [variant] = in_stock_skus(1)
    pages = urls_for(variant)
    for url in pages.values():
        get(buyer, url)
    assert "Còn hàng" in get(buyer, pages["product"])[1]
    commit(set_on_hand, variant.sku, 3)
    response, html = get(buyer, pages["product"])
    assert kept(response) == 0 and "Chỉ còn 3" in html  # every part carries the page's tag
    commit(set_on_hand, variant.sku, 0)
    _, html = get(buyer, pages["product"])
    assert "Hết hàng" in html and "Chỉ còn 3" not in html
    _, listing = get(buyer, pages["listing"] + "?in_stock=on")
    assert variant.page.title not in listing


def test_a_publish_reaches_logged_in_visitors_on_every_page(buyer, commit):
    [variant] = in_stock_skus(1)
    product = ProductPage.objects.get(pk=variant.page.pk)
    product.featured = True
    commit(product.save_revision().publish)
    pages = urls_for(variant)
    shown = {name: product.title in get(buyer, url)[1] for name, url in pages.items()}
    assert shown["product"] and shown["listing"] and shown["producer"]
    product.title = "Bánh cốm Mễ Trì thượng hạng"
    commit(product.save_revision().publish)
    for name, url in pages.items():
        html = get(buyer, url)[1]
        assert ("Bánh cốm Mễ Trì thượng hạng" in html) == shown[name], name


def test_parts_kept_for_a_logged_in_visitor_keep_their_tags_for_the_shared_page(buyer, commit):
    """Parts rendered for a logged-in visitor, then used for an anonymous page-cache miss: the
    shared page is stored under the parts' tags, so a stock flip still purges it."""
    [variant] = in_stock_skus(1)
    listing = ProductIndexPage.objects.live().get().url
    get(buyer, listing)
    anonymous = Client()
    response, html = get(anonymous, listing)
    assert response["X-Page-Cache"] == "miss" and kept(response) == 3
    assert get(anonymous, listing)[0]["X-Page-Cache"] == "hit"
    commit(set_on_hand, variant.sku, 0)
    response, html = get(anonymous, listing + "?in_stock=on")
    assert variant.page.title not in html
    response, _ = get(anonymous, listing)
    assert response["X-Page-Cache"] == "miss"  # the "products" tag of the kept content


def test_messages_are_shown_even_when_the_parts_are_kept(buyer):
    [variant] = in_stock_skus(1)
    url = variant.page.url
    get(buyer, url)
    added = buyer.post(reverse("shop:cart_add"), {"sku": variant.sku, "quantity": "1"})
    assert added.status_code == 302
    response, html = get(buyer, url)
    assert kept(response) == 3 and "Đã thêm vào giỏ hàng" in html
    assert "Đã thêm vào giỏ hàng" not in get(buyer, url)[1]


def test_english_and_vietnamese_parts_are_kept_apart(buyer):
    [variant] = in_stock_skus(1)
    listing = ProductIndexPage.objects.live().get().url
    get(buyer, listing)
    vi = get(buyer, listing)[1]
    get(buyer, "/en" + listing)
    response, en = get(buyer, "/en" + listing)
    assert kept(response) == 3
    assert '<html lang="en">' in en and '<html lang="vi">' in vi
    assert "Giỏ hàng" in vi and "Cart" in en and "Giỏ hàng" not in en


def _render(request, body):
    template = Template("{% load cms_tags %}{% fragment 'content' %}" + body + "{% endfragment %}")
    return template.render(RequestContext(request))


def _tagged_request(path="/thu-phan-trang/"):
    request = RequestFactory().get(path)
    request.LANGUAGE_CODE = "vi"
    cache.tag(request, "page:1", "site")
    return request


def test_a_part_that_used_a_csrf_token_or_the_messages_is_not_kept():
    assert fragments.available()
    with_token = "{% csrf_token %}"
    first = _tagged_request()
    assert "csrfmiddlewaretoken" in _render(first, with_token)
    again = _tagged_request()
    _render(again, with_token)
    assert getattr(again, "fragment_hits", 0) == 0  # rendered again: it holds a token

    def with_messages():
        request = _tagged_request("/thu-thong-bao/")
        request.session = {}
        request._messages = FallbackStorage(request)
        request._messages.add(constants.INFO, "Xin chào")
        return request

    body = "{% for m in messages %}{{ m }}{% endfor %}"
    request = with_messages()
    template = Template("{% load cms_tags %}{% fragment 'content' %}" + body + "{% endfragment %}")
    html = template.render(Context({"request": request, "messages": request._messages}))
    assert "Xin chào" in html
    request = with_messages()
    template.render(Context({"request": request, "messages": request._messages}))
    assert getattr(request, "fragment_hits", 0) == 0

    # Plain content is kept, and stale once its tag is purged.
    _render(_tagged_request("/thu-giu/"), "Nội dung {{ 1|add:1 }}")
    request = _tagged_request("/thu-giu/")
    assert _render(request, "khác") == "Nội dung 2" and request.fragment_hits == 1
    cache.purge("page:1")
    request = _tagged_request("/thu-giu/")
    assert _render(request, "khác") == "khác" and getattr(request, "fragment_hits", 0) == 0


def test_untagged_requests_and_previews_are_never_kept():
    request = RequestFactory().get("/gio-hang/")
    request.LANGUAGE_CODE = "vi"
    _render(request, "một")
    again = RequestFactory().get("/gio-hang/")
    again.LANGUAGE_CODE = "vi"
    assert _render(again, "hai") == "hai"
    preview = _tagged_request("/xem-truoc/")
    preview.is_preview = True
    _render(preview, "một")
    preview = _tagged_request("/xem-truoc/")
    preview.is_preview = True
    assert _render(preview, "hai") == "hai"
