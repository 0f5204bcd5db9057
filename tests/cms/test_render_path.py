"""The render path of public pages (issue 22, part 2): what a cache miss, a logged-in visitor or
a filtered listing costs — queries per page, constant in page size and catalogue size; cached
cards, renditions in one query, filters parsed once; the producer page paginated; open data
and the sitemap built once per data version."""

import csv
import io
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cms.templatetags.cms_tags import vnd
from products.models import (
    OcopCategory,
    ProducerPage,
    ProductImage,
    ProductIndexPage,
    ProductPage,
    ProductVariant,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
BUDGET = 10  # queries per page, the render path (not the page cache)


@pytest.fixture
def render_path(settings):
    settings.PAGE_CACHE_SECONDS = 0  # measure the render path itself, not the page cache
    return settings


def queries(client, url, params=None) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200, url
    return len(ctx.captured_queries), response


def steady(client, url, params=None) -> int:
    """Queries of a page once this process has seen it (route, chrome and cards cached)."""
    client.get(url, params or {})
    return queries(client, url, params)[0]


def add_products(n: int, prefix: str = "them", producer_slug: str = "gom-su-quang-vinh"):
    producer = ProducerPage.objects.get(slug=producer_slug)
    category = OcopCategory.objects.get(code="I.3")
    image = ProductPage.objects.get(slug="hanh-phi").images.first().image
    for i in range(n):
        page = ProductPage(title=f"Bánh {prefix} {i}", slug=f"banh-{prefix}-{i}", category=category)
        page.variants = [ProductVariant(sku=f"banh-{prefix}-{i}", label="Hộp", price=10000 + i)]
        page.images = [ProductImage(image=image)]
        producer.add_child(instance=page)
    return producer


# --- money ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "amount, shown",
    [
        (0, "0\xa0₫"),
        (1000, "1.000\xa0₫"),
        (150000, "150.000\xa0₫"),
        (10**12, "1.000.000.000.000\xa0₫"),
        (-150000, "-150.000\xa0₫"),
        ("25000", "25.000\xa0₫"),
        (None, ""),
    ],
)
def test_vnd_exact_text(amount, shown):
    assert vnd(amount) == shown


def test_vnd_matches_babel_everywhere():
    from babel.numbers import format_currency

    for n in (0, 7, 999, 1000, 12345, 999999, 10**9 + 7, -1, -1000, -(10**12)):
        assert vnd(n) == format_currency(n, "VND", locale="vi_VN"), n


# --- queries per page -----------------------------------------------------------------------


def page_urls() -> dict[str, str]:
    from tours.models import TourSitePage, VirtualTourPage

    return {
        "home": "/",
        "listing": ProductIndexPage.objects.get().url,
        "product": ProductPage.objects.live().order_by("pk").first().url,
        "producer": ProducerPage.objects.get(slug="gom-su-quang-vinh").url,
        "site": TourSitePage.objects.live().order_by("pk").first().url,
        "tour": VirtualTourPage.objects.live().order_by("pk").first().url,
    }


def test_every_page_within_the_budget_and_constant_in_catalogue_size(client, render_path):
    small = {name: steady(client, url) for name, url in page_urls().items()}
    assert all(n <= BUDGET for n in small.values()), small
    add_products(40)
    cache.clear()  # cards, chrome: as after a deploy
    for url in page_urls().values():
        client.get(url)
    large = {name: steady(client, url) for name, url in page_urls().items()}
    assert large == small


def test_after_a_site_purge_and_new_cards_the_budget_holds(client, render_path, monkeypatch):
    """The first render after a "site" purge (header and footer resolved again) with no card
    cached (a new card template): the section links take one query, the footer two (operator
    settings, legal pages), the card renditions one."""
    from cms.cache import purge
    from products import cards

    for name, url in page_urls().items():
        client.get(url)
        purge("site")
        monkeypatch.setattr(cards, "_VERSION", cards._VERSION + name)
        n, _response = queries(client, url)
        assert n <= BUDGET + 4, name


def test_listing_budget_at_10_and_100_per_page_and_two_catalogue_sizes(client, render_path):
    url = ProductIndexPage.objects.get().url
    add_products(60)

    def at(size):
        render_path.CATALOGUE_PAGE_SIZE = size
        n = steady(client, url, {"sort": "name"})
        cache.clear()
        cold, response = queries(client, url, {"sort": "name"})
        assert len(response.context["products"]) == size
        return n, cold

    first = at(10), at(100)
    add_products(60, prefix="nua")
    second = at(10), at(100)
    assert first[0] == first[1] == second[0] == second[1]
    assert first[0][0] <= BUDGET


def test_filtered_listing_within_the_budget(client, render_path):
    url = ProductIndexPage.objects.get().url
    params = {"group": "I", "stars": ["4", "5"], "in_stock": "on", "sort": "price"}
    assert steady(client, url, params) <= BUDGET


def test_producer_page_budget_does_not_grow_with_its_products(client, render_path):
    producer = ProducerPage.objects.get(slug="gom-su-quang-vinh")
    before = steady(client, producer.url)
    add_products(30)
    assert steady(client, producer.url) == before <= BUDGET


def test_product_page_budget_does_not_grow_with_its_gallery_and_variants(client, render_path):
    product = ProductPage.objects.live().order_by("pk").first()
    before = steady(client, product.url)
    extra = ProductPage.objects.get(slug="hanh-phi").images.first().image
    product.images.add(ProductImage(image=extra), ProductImage(image=extra))
    for i in range(3):
        product.variants.add(ProductVariant(sku=f"them-{i}", label=f"Hộp {i}", price=5000 + i))
    product.save_revision().publish()
    assert steady(client, product.url) == before <= BUDGET


def test_logged_in_visitor_gets_the_same_budget(client, render_path, django_user_model):
    """A logged-in visitor is never served from the page cache: the render path is theirs."""
    user = django_user_model.objects.create_user("nguoi-mua-thu", password="x-12345678")
    client.force_login(user)
    url = ProductIndexPage.objects.get().url
    n = steady(client, url)
    assert n <= BUDGET + 2  # the session and the user


# --- cards and renditions -------------------------------------------------------------------


def test_card_renditions_come_in_one_query(client, render_path):
    url = ProductIndexPage.objects.get().url
    render_path.CATALOGUE_PAGE_SIZE = 49
    client.get(url)
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    renditions = [q["sql"] for q in ctx.captured_queries if "wagtailimages_rendition" in q["sql"]]
    assert len(renditions) == 1
    assert "format-webp|fill-320x240" in renditions[0] and "max-480x480" not in renditions[0]
    with CaptureQueriesContext(connection) as ctx:  # the cards come from the cache now
        client.get(url)
    assert not [q for q in ctx.captured_queries if "wagtailimages_rendition" in q["sql"]]


def test_cached_cards_follow_what_they_show(client, render_path):
    url = ProductIndexPage.objects.get().url
    product = ProductPage.objects.get(slug="hanh-phi")
    assert product.title in client.get(url, {"q": product.title}).content.decode()
    variant = product.variants.first()
    variant.price = 123000
    product.variants = [variant]
    product.save_revision().publish()
    html = client.get(url, {"q": product.title}).content.decode()
    assert vnd(123000) in html


def test_picture_specs_named_in_code_are_the_templates(client):
    from products.cards import PICTURE_SPECS
    from tours.models import TourSitePage

    card = (ROOT / "products/templates/products/includes/product_card.html").read_text()
    assert "{% picture image " + " ".join(PICTURE_SPECS) + " " in card
    page = (ROOT / "products/templates/products/product_page.html").read_text()
    assert "{% picture item.image " + " ".join(ProductPage.GALLERY_SPECS) + " " in page
    assert "{% image item.image " + ProductPage.ZOOM_SPEC.replace("|", " ") + " as zoom" in page
    site = (ROOT / "tours/templates/tours/tour_site_page.html").read_text()
    assert "{% image item.image " + TourSitePage.GALLERY_SPEC.replace("|", " ") + " " in site


def test_filter_specs_are_parsed_once():
    from cms.templatetags.cms_images import parsed_filter, parsed_filters

    assert parsed_filter("fill-320x240|format-webp") is parsed_filter("fill-320x240|format-webp")
    specs = [f.spec for f in parsed_filters(("format-{webp,jpeg}", "fill-{1x1,2x2}"))]
    assert specs == [
        "format-webp|fill-1x1",
        "format-webp|fill-2x2",
        "format-jpeg|fill-1x1",
        "format-jpeg|fill-2x2",
    ]


def test_header_links_come_from_one_query_then_the_cache(client, render_path):
    client.get("/")
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        client.get("/lien-he/")
    index_queries = [
        q["sql"]
        for q in ctx.captured_queries
        if "productindexpage" in q["sql"] or "tourindexpage" in q["sql"]
    ]
    assert index_queries == []  # one query on wagtailcore_page by content type, no subtables
    html = client.get("/lien-he/").content.decode()
    assert f'href="{ProductIndexPage.objects.get().url}"' in html


def test_moving_the_catalogue_updates_the_header(client, django_capture_on_commit_callbacks):
    listing = ProductIndexPage.objects.get()
    client.get("/")
    with django_capture_on_commit_callbacks(execute=True):
        listing.slug = "cua-hang"
        listing.save_revision().publish()
    html = Client().get("/lien-he/").content.decode()
    assert 'href="/cua-hang/"' in html


# --- producer page pagination ---------------------------------------------------------------


def test_producer_page_is_paginated(client):
    producer = add_products(30)
    total = ProductPage.objects.live().filter(producer=producer).count()
    first = client.get(producer.url)
    assert len(first.context["products"]) == ProducerPage.PRODUCTS_PER_PAGE
    html = first.content.decode()
    assert '<nav class="pagination" aria-label="Phân trang">' in html
    assert 'rel="next" href="?page=2#products-heading"' in html
    last_page = (total + 23) // 24
    last = client.get(producer.url, {"page": last_page})
    assert len(last.context["products"]) == total - 24 * (last_page - 1)
    assert 'rel="prev"' in last.content.decode()
    for bad in ("x", "0", "-1", "9999", "1e9", "%00"):
        assert client.get(producer.url, {"page": bad}).status_code in (200, 400), bad


def test_small_producer_page_has_no_pagination(client):
    producer = ProducerPage.objects.get(slug="ruou-nep-dao-vien")
    html = client.get(producer.url).content.decode()
    assert 'class="pagination"' not in html


# --- open data and sitemap built once per data version ----------------------------------------


def test_open_data_is_built_once_until_a_publish(client, monkeypatch):
    from tours import opendata

    calls = []
    original = opendata.DATASETS["products.csv"]["build"]

    def counting(request=None):
        calls.append(1)
        return original(request)

    monkeypatch.setitem(opendata.DATASETS["products.csv"], "build", counting)
    first = client.get("/open-data/products.csv")
    second = client.get("/open-data/products.csv")
    not_modified = client.get("/open-data/products.csv", HTTP_IF_NONE_MATCH=first["ETag"])
    assert len(calls) == 1
    assert first.content == second.content and not_modified.status_code == 304
    assert first["ETag"] == second["ETag"] == not_modified["ETag"]
    product = ProductPage.objects.get(slug="hanh-phi")
    product.title = "Hành phi thơm (mới)"
    product.save_revision().publish()
    third = client.get("/open-data/products.csv", HTTP_IF_NONE_MATCH=first["ETag"])
    assert len(calls) == 2 and third.status_code == 200 and third["ETag"] != first["ETag"]
    rows = list(csv.DictReader(io.StringIO(third.content.decode())))
    assert "Hành phi thơm (mới)" in [r["name"] for r in rows]


def test_unpublishing_rebuilds_open_data(client):
    product = ProductPage.objects.get(slug="hanh-phi")
    assert product.title in client.get("/open-data/products.csv").content.decode()
    product.unpublish()
    assert product.title not in client.get("/open-data/products.csv").content.decode()


def test_sitemap_is_built_once_until_a_publish(client, monkeypatch):
    from wagtail.contrib.sitemaps import views as sitemap_views

    calls = []
    original = sitemap_views.sitemap

    def counting(request, *args, **kwargs):
        calls.append(1)
        return original(request, *args, **kwargs)

    monkeypatch.setattr(sitemap_views, "sitemap", counting)
    first = client.get("/sitemap.xml")
    second = client.get("/sitemap.xml")
    assert len(calls) == 1 and first.content == second.content
    assert first["Content-Type"].startswith("application/xml")
    assert client.get("/sitemap.xml", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    product = ProductPage.objects.get(slug="hanh-phi")
    product.save_revision().publish()
    client.get("/sitemap.xml")
    assert len(calls) == 2
    assert re.search(r"<loc>[^<]*/hanh-phi/</loc>", first.content.decode())


# --- synthetic catalogue (bench) ------------------------------------------------------------


def test_synthetic_products_have_realistic_publication_dates():
    """The bench's extra products sort among the others by date (the listing's "newest")."""
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    call_command("seed_demo", "--extra-products", "4", verbosity=0)
    extra = list(ProductPage.objects.filter(variants__sku__startswith="demo-"))
    assert len(extra) == 4
    now = timezone.now()
    for page in extra:
        assert page.first_published_at and page.last_published_at == page.first_published_at
        assert now - datetime.timedelta(days=732) < page.first_published_at < now
    assert len({p.first_published_at for p in extra}) == 4


def test_without_a_shared_cache_the_chrome_is_resolved_per_request(client, render_path):
    """Production on the per-process cache (CACHE_SHARED = False): another worker's purge
    would not reach this one, so nothing is kept under tag versions."""
    render_path.CACHE_SHARED = False
    client.get("/lien-he/")
    with CaptureQueriesContext(connection) as ctx:
        html = client.get("/lien-he/").content.decode()
    assert [q for q in ctx.captured_queries if "cms_operatorsettings" in q["sql"]]
    assert f'href="{ProductIndexPage.objects.get().url}"' in html


def test_listing_total_is_kept_until_a_products_purge(
    client, render_path, django_capture_on_commit_callbacks
):
    """The filtered total (one COUNT over the catalogue) comes from the cache until a publish,
    a stock flip or a restriction purges "products" or "site"."""
    url = ProductIndexPage.objects.get().url
    before = client.get(url, {"group": "I"}).context["page_obj"].paginator.count
    with CaptureQueriesContext(connection) as ctx:
        client.get(url, {"group": "I", "sort": "price"}, HTTP_COOKIE="ocop_auth=1")
    assert not [q for q in ctx.captured_queries if "COUNT(*)" in q["sql"]]
    with django_capture_on_commit_callbacks(execute=True):
        add_products(2, prefix="dem")  # group I.3: counted under "I"
        ProductPage.objects.get(slug="banh-dem-0").save_revision().publish()  # purges
    after = client.get(url, {"group": "I"}).context["page_obj"].paginator.count
    assert after == before + 2


# --- the request's site and the restricted sections, kept under the "site" version -------------


def test_site_and_restrictions_come_from_the_cache_until_a_site_purge(
    client, render_path, django_capture_on_commit_callbacks
):
    """The site lookup and the restriction queries are skipped once a request has kept them;
    a view restriction saved (which purges "site") is seen by the very next request."""
    from wagtail.models import PageViewRestriction

    product = ProductPage.objects.live().order_by("pk").first()
    listing = ProductIndexPage.objects.get().url
    client.get(product.url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(product.url).status_code == 200
    tables = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "wagtailcore_site" not in tables and "wagtailcore_pageviewrestriction" not in tables
    assert product.url in client.get(listing, {"sort": "name"}).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(
            page=product, restriction_type=PageViewRestriction.PASSWORD, password="mat-khau-rieng"
        )
    answer = client.get(product.url)
    assert 'name="password"' in answer.content.decode()  # Wagtail's password form
    assert product.url not in client.get(listing, {"sort": "name"}).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.filter(page=product).delete()
    assert product.title in client.get(product.url).content.decode()


def test_a_site_saved_is_seen_by_the_next_request(
    client, render_path, django_capture_on_commit_callbacks
):
    from wagtail.models import Site

    client.get("/")
    site = Site.objects.get(is_default_site=True)
    with django_capture_on_commit_callbacks(execute=True):
        site.site_name = "Chợ OCOP Hà Nội (mới)"
        site.save()
    assert client.get("/").wsgi_request._wagtail_site.site_name == "Chợ OCOP Hà Nội (mới)"


# --- card keys from rows ----------------------------------------------------------------------


def test_card_keys_from_rows_are_the_instances_keys():
    """A card is found under the same key whether the page built it from the listing's rows
    or from the product (the search page's hits): one cache entry per card content."""
    from django.utils import translation

    from products import cards
    from products.catalogue import product_cards

    queryset = product_cards(ProductPage.objects.live().order_by("pk"))
    rows = cards.card_rows(queryset)
    instances = list(queryset)
    assert [r["pk"] for r in rows] == [p.pk for p in instances] and len(rows) > 40
    assert any(r["image"] for r in rows) and any(r["origin_commune_id"] for r in rows)
    for language in ("vi", "en"):
        with translation.override(language):
            from_rows = [cards._row_key(r, language, 2) for r in rows]
            assert from_rows == [cards.card_key(p, language, 2) for p in instances]
    assert len(set(from_rows)) == len(rows)


def test_cached_cards_load_no_product_and_missing_ones_are_rendered(client, render_path):
    """With every card cached, the listing reads rows only (no product, producer or picture
    object: none of their other columns is selected); missing cards are rendered the same."""
    url = ProductIndexPage.objects.get().url
    first = client.get(url).content.decode()
    with CaptureQueriesContext(connection) as ctx:
        again = client.get(url).content.decode()
    assert again == first
    selected = " ".join(q["sql"] for q in ctx.captured_queries)
    assert '"products_productpage"."summary"' not in selected
    assert '"wagtailimages_image"."title"' not in selected

    product = ProductPage.objects.live().order_by("-first_published_at", "-pk").first()
    cache.clear()  # as after a deploy: no card cached
    with CaptureQueriesContext(connection) as ctx:
        rebuilt = client.get(url).content.decode()
    assert rebuilt == first and product.title in rebuilt
    assert '"products_productpage"."summary"' in " ".join(q["sql"] for q in ctx.captured_queries)


def test_delivery_estimate_follows_the_province_asked_for_from_the_cache(client, render_path):
    """The province list and the estimate come in one cache read; another province (or a bad
    code, which means the default one) is still estimated for that province."""
    import re as regex

    product = ProductPage.objects.get(slug="tra-sen-hien-xiem-uop-sen-bach-diep")

    def shown(params=None):
        html = client.get(product.url, params or {}).content.decode()
        selected = regex.search(r'<option value="(\d+)" selected>([^<]+)<', html)
        status = regex.search(r"data-estimate-text>([^<]+)<", html)
        return selected.groups(), status.group(1)

    for _ in range(2):  # rendered, then from the cache
        (code, name), text = shown()
        assert code == "01" and name in text
        (code, name), text = shown({"giao_den": "79"})
        assert code == "79" and name in text and "Hà Nội" not in text
        (code, _name), _text = shown({"giao_den": "khong-co"})
        assert code == "01"


# --- the home page's selections, kept under their tags ------------------------------------------


def test_home_selections_are_kept_until_their_tags_are_purged(
    client, render_path, django_capture_on_commit_callbacks
):
    """Which products and tourism sites the home page shows is kept under "products" and
    "tours": the catalogue is not sorted again on every render, and a publish that changes the
    selection shows at once."""
    from tours.models import TourSitePage

    client.get("/")
    with CaptureQueriesContext(connection) as ctx:
        before = client.get("/").content.decode()
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    assert '"products_productpage"."featured"' not in sql  # no "featured, by stars" walk
    assert 'ORDER BY "wagtailcore_page"."title"' not in sql  # no "sites by title" walk

    product = ProductPage.objects.live().filter(featured=False).order_by("pk").first()
    assert product.title not in before
    with django_capture_on_commit_callbacks(execute=True):
        product.featured, product.ocop_stars = True, 5
        product.title = "An Phú – ô mai mơ gừng"  # first among the 5-star featured
        product.save_revision().publish()
    site = TourSitePage.objects.live().order_by("title").first()
    with django_capture_on_commit_callbacks(execute=True):
        site.title = f"{site.title} – mở cửa trở lại"
        site.save_revision().publish()
    html = client.get("/").content.decode()
    assert "An Phú – ô mai mơ gừng" in html
    assert f"{site.title}</a>" in html
