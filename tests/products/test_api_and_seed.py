"""The open read API and the demo seed."""

import pytest
from django.core.management import call_command
from wagtail.images import get_image_model
from wagtail.models import Page, Revision

from cms.demo_data import load
from products.models import (
    Commune,
    OcopCategory,
    ProducerPage,
    ProductPage,
    ProductVariant,
    StockItem,
    TraceabilityBatch,
)
from tours.models import TourSitePage

pytestmark = pytest.mark.django_db
DATA = load()


def api(client, **params):
    response = client.get("/api/v2/pages/", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_api_lists_products_with_price_stars_category_commune_producer(client):
    body = api(
        client,
        type="products.ProductPage",
        fields="price,ocop_stars,category,origin_commune,producer,variants",
        limit=100,
    )
    assert body["meta"]["total_count"] == len(DATA["products"])
    by_title = {item["title"]: item for item in body["items"]}
    tea = by_title["Trà sen Hiền Xiêm ướp sen Bách Diệp"]
    assert tea["price"] == 650000
    assert tea["ocop_stars"] == 4
    assert tea["category"]["code"] == "I.5"
    assert tea["category"]["group"]["code"] == "I"
    assert tea["origin_commune"]["code"] == "00103"
    assert tea["producer"]["title"] == "Hộ kinh doanh Trà sen Hiền Xiêm"
    assert tea["variants"][0]["currency"] == "VND"


def test_api_lists_producers_and_tour_sites(client):
    producers = api(client, type="products.ProducerPage", fields="kind,commune", limit=100)
    assert producers["meta"]["total_count"] == len(DATA["producers"])
    sites = api(client, type="tours.TourSitePage", fields="latitude,longitude,kind", limit=100)
    assert sites["meta"]["total_count"] == len(DATA["tourism_sites"])
    duong_lam = next(s for s in sites["items"] if s["title"] == "Làng cổ Đường Lâm")
    assert (duong_lam["latitude"], duong_lam["longitude"]) == (21.1533, 105.4712)


def test_api_hides_drafts(client):
    product = ProductPage.objects.get(slug="hanh-phi")
    product.unpublish()
    body = api(client, type="products.ProductPage", limit=100)
    assert product.pk not in {item["id"] for item in body["items"]}
    assert client.get(f"/api/v2/pages/{product.pk}/").status_code == 404


def test_api_filter_by_field_and_bad_parameters(client):
    five = api(client, type="products.ProductPage", ocop_stars=5, limit=100)
    assert five["meta"]["total_count"] == sum(1 for p in DATA["products"] if p["ocop_stars"] == 5)
    assert client.get("/api/v2/pages/", {"type": "nope.Nothing"}).status_code == 400
    assert client.get("/api/v2/pages/", {"limit": "abc"}).status_code == 400


def test_seed_loaded_everything():
    assert ProducerPage.objects.live().count() == len(DATA["producers"])
    assert ProductPage.objects.live().count() == len(DATA["products"])
    assert TourSitePage.objects.live().count() == len(DATA["tourism_sites"])
    # The whole country's register, the curated Hà Nội communes among it.
    assert Commune.objects.count() >= 3000
    curated = [c["code"] for c in DATA["communes"]]
    assert Commune.objects.filter(code__in=curated, province__code="01").count() == len(curated)
    assert OcopCategory.objects.filter(parent__isnull=True).count() == 6
    assert StockItem.objects.count() == ProductVariant.objects.count()
    assert all(p.images.exists() for p in ProductPage.objects.all())
    stocked = StockItem.objects.filter(on_hand__gt=0).count()
    assert StockItem.objects.count() - 10 <= stocked < StockItem.objects.count()  # a few sold out
    unrated = ProductPage.objects.get(title="Rượu nếp Đào Viên 35% Vol")
    assert unrated.ocop_stars is None


def snapshot():
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "images": get_image_model().objects.count(),
        "variants": ProductVariant.objects.count(),
        "stock": sorted(StockItem.objects.values_list("sku", "on_hand", "reserved")),
        "batches": TraceabilityBatch.objects.count(),
        "communes": Commune.objects.count(),
        "latest": list(Page.objects.order_by("pk").values_list("latest_revision_id", flat=True)),
    }


def test_seed_is_idempotent():
    before = snapshot()
    call_command("seed_demo", "--password", "another", verbosity=0)
    assert snapshot() == before


def test_seed_does_not_reset_stock_changed_since():
    item = StockItem.objects.first()
    StockItem.objects.filter(pk=item.pk).update(on_hand=777)
    call_command("seed_demo", verbosity=0)
    item.refresh_from_db()
    assert item.on_hand == 777


def test_seed_extra_products_are_idempotent():
    call_command("seed_demo", "--extra-products", "5", verbosity=0)
    assert ProductVariant.objects.filter(sku__startswith="demo-").count() == 5
    call_command("seed_demo", "--extra-products", "7", verbosity=0)
    assert ProductVariant.objects.filter(sku__startswith="demo-").count() == 7
    extra = ProductPage.objects.filter(variants__sku__startswith="demo-")
    assert extra.live().count() == 7
    assert extra.filter(producer__isnull=True).count() == 0


def test_seed_rejects_negative_extra_products():
    with pytest.raises(SystemExit):
        call_command("seed_demo", "--extra-products", "-1", verbosity=0)
