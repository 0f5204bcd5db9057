"""One rule for "public" (cms.visibility): a page behind a view restriction is absent from every
public surface — listings, the producer index, search, the API, open data, the map, the
sitemap, the shop and batch pages — and the footer lists the current site's pages only."""

import csv
import io
import json

import pytest
from django.test import Client, RequestFactory
from django.utils import translation
from wagtail.models import Page, PageViewRestriction, Site

from cms.models import StandardPage
from cms.search import service
from cms.templatetags.cms_tags import footer_pages
from cms.visibility import is_public, public
from products.models import (
    ProducerIndexPage,
    ProducerPage,
    ProductIndexPage,
    ProductPage,
    TraceabilityBatch,
)

pytestmark = pytest.mark.django_db


def _restrict(page, capture):
    with capture(execute=True):
        PageViewRestriction.objects.create(
            page=page, restriction_type=PageViewRestriction.PASSWORD, password="mat-khau-rieng"
        )


@pytest.fixture
def hidden_product(django_capture_on_commit_callbacks):
    batch = TraceabilityBatch.objects.select_related("product").order_by("pk").first()
    product = batch.product if batch else ProductPage.objects.live().order_by("pk").first()
    assert is_public(product)
    _restrict(product, django_capture_on_commit_callbacks)
    return ProductPage.objects.get(pk=product.pk), batch


def _get(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, url
    return response.content.decode()


def test_a_password_protected_product_is_on_no_public_surface(hidden_product):
    product, batch = hidden_product
    url, client = product.url, Client()
    assert not is_public(product)
    assert product.pk not in public(ProductPage).values_list("pk", flat=True)

    page = client.get(url)
    assert page.status_code == 200 and 'name="password"' in page.content.decode()
    assert product.variants.first().sku not in page.content.decode()

    catalogue = ProductIndexPage.objects.get().url
    assert f'href="{url}"' not in _get(client, catalogue, per_page=1000)
    assert f'href="{url}"' not in _get(client, product.producer.url)
    assert f'href="{url}"' not in _get(client, "/")

    found = json.loads(_get(client, "/api/search/", q=product.title))
    assert url not in [hit["url"] for hit in found["results"]]
    assert f'href="{url}"' not in _get(client, "/tim-kiem/", q=product.title)
    suggestions = json.loads(_get(client, "/api/search/suggest/", q=product.title[:6]))
    assert url not in json.dumps(suggestions)

    listed, offset = [], 0
    while True:
        api = json.loads(
            _get(client, "/api/v2/pages/", type="products.ProductPage", limit=20, offset=offset)
        )
        listed += [item["id"] for item in api["items"]]
        offset += 20
        if offset >= api["meta"]["total_count"]:
            break
    assert listed and product.pk not in listed
    assert client.get(f"/api/v2/pages/{product.pk}/").status_code == 404

    visible = public(ProductPage).order_by("pk").first().url  # the checks can see a page
    rows = list(csv.DictReader(io.StringIO(_get(client, "/open-data/products.csv"))))
    assert [r for r in rows if visible in r["url"]] and not [r for r in rows if url in r["url"]]
    sitemap = _get(client, "/sitemap.xml")
    assert visible in sitemap and url not in sitemap

    answer = client.post(
        "/shop/cart/add/",
        {"sku": product.variants.first().sku, "quantity": "1"},
        HTTP_ACCEPT="application/json",
    )
    assert answer.status_code == 400 and not answer.json()["ok"]
    if batch is not None:
        assert client.get(batch.get_absolute_url()).status_code == 404


def test_a_protected_producer_leaves_the_map_and_open_data(django_capture_on_commit_callbacks):
    producer = ProducerPage.objects.live().filter(latitude__isnull=False).order_by("pk").first()
    product = ProductPage.objects.live().filter(producer=producer).first()
    client = Client()
    assert producer.title in _get(client, "/open-data/producers.geojson")
    _restrict(producer, django_capture_on_commit_callbacks)
    geojson = json.loads(_get(client, "/open-data/producers.geojson"))
    assert producer.title not in [f["properties"]["name"] for f in geojson["features"]]
    assert producer.title not in _get(client, "/ban-do/")
    assert f'href="{producer.url}"' not in _get(client, ProducerIndexPage.objects.get().url)
    if product is not None:  # products live under their producer: hidden with it
        assert not is_public(product)
        assert product.url not in _get(client, "/open-data/products.csv")
        found = json.loads(_get(client, "/api/search/", q=product.title))
        assert product.url not in [hit["url"] for hit in found["results"]]


def test_lifting_the_restriction_shows_the_page_again(
    hidden_product, django_capture_on_commit_callbacks
):
    product, _batch = hidden_product
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.filter(page=product).delete()
    assert is_public(product)
    found = json.loads(_get(Client(), "/api/search/", q=product.title))
    assert product.url in [hit["url"] for hit in found["results"]]


def test_footer_lists_the_current_sites_pages_only():
    default = Site.objects.get(is_default_site=True)
    other_root = Page.get_first_root_node().add_child(
        instance=StandardPage(title="Trang gốc khác", slug="goc-khac", body="<p>Khác</p>")
    )
    other_root.add_child(
        instance=StandardPage(
            title="Chính sách của site khác",
            slug="chinh-sach-khac",
            body="<p>x</p>",
            show_in_menus=True,
        )
    )
    Site.objects.create(hostname="khac.example.vn", port=80, root_page=other_root)
    rf = RequestFactory()
    ours = [p.title for p in footer_pages({"request": rf.get("/", HTTP_HOST=default.hostname)})]
    theirs = [p.title for p in footer_pages({"request": rf.get("/", HTTP_HOST="khac.example.vn")})]
    assert "Chính sách của site khác" not in ours and ours
    assert theirs == ["Chính sách của site khác"]


def test_facet_labels_follow_the_language_of_each_search():
    from django.http import QueryDict

    query = QueryDict("q=gom")
    with translation.override("vi"):
        vi = service.search(query).facets
    with translation.override("en"):
        en = service.search(query).facets
    with translation.override("vi"):
        vi_again = service.search(query).facets
    vi_types = {e["value"]: e["label"] for e in vi["type"]}
    en_types = {e["value"]: e["label"] for e in en["type"]}
    assert vi_types["product"] == "Sản phẩm OCOP"
    assert en_types["product"] != vi_types["product"]
    assert {e["value"]: e["label"] for e in vi_again["type"]} == vi_types
