"""The public catalogue: pages render, filters work, bad input never breaks a page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.demo_data import load
from cms.templatetags.cms_tags import vnd
from products.catalogue import search_catalogue
from products.models import (
    Commune,
    OcopCategory,
    ProducerPage,
    ProductImage,
    ProductIndexPage,
    ProductPage,
    ProductVariant,
    StockItem,
    TraceabilityBatch,
)
from tests.qr_decode import decode_svg

pytestmark = pytest.mark.django_db


DATA = load()
CRAFT_COUNT = sum(1 for p in DATA["products"] if p["category"].startswith("IV."))


def listing_url():
    return ProductIndexPage.objects.get().url


def titles(response):
    return [p.title for p in response.context["products"]]


# --- price formatting -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "amount, shown",
    [(150000, "150.000\xa0₫"), (0, "0\xa0₫"), (1850000, "1.850.000\xa0₫"), (999, "999\xa0₫")],
)
def test_vnd_formatting(amount, shown):
    assert vnd(amount) == shown


def test_vnd_formatting_is_vietnamese_in_english_ui():
    from django.utils import translation

    with translation.override("en"):
        assert vnd(2500000) == "2.500.000\xa0₫"


# --- pages render ---------------------------------------------------------------------------


def test_home_page_shows_featured_products_producers_and_tours(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sản phẩm nổi bật" in html
    assert "Bộ bát đĩa gốm sứ hoa sen đỏ" in html  # a 5-star demo product
    assert "/du-lich/" in html
    assert "Chính sách đổi trả" in html  # legal footer


def test_listing_shows_all_demo_products(client):
    response = client.get(listing_url())
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 51  # 49 goods + 2 experiences (issue 18)


def test_product_page_shows_badge_variants_producer_and_webp(client):
    product = ProductPage.objects.get(slug="tra-sen-hien-xiem-uop-sen-bach-diep")
    response = client.get(product.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "OCOP 4★" in html
    assert "650.000\xa0₫" in html
    assert "Hộ kinh doanh Trà sen Hiền Xiêm" in html
    assert 'type="image/webp"' in html
    assert ".webp" in html


def test_product_page_stock_state(client, django_capture_on_commit_callbacks):
    from products.stock import set_on_hand

    product = ProductPage.objects.get(slug="tra-sen-hien-xiem-uop-sen-bach-diep")
    sku = product.variants.get().sku
    StockItem.objects.filter(sku=sku).update(reserved=0)
    with django_capture_on_commit_callbacks(execute=True):
        set_on_hand(sku, 0)
    assert "Hết hàng" in client.get(product.url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        set_on_hand(sku, 3)  # the stock service purges the cached page
    assert "Chỉ còn 3" in client.get(product.url).content.decode()


def test_producer_page_lists_its_products(client):
    producer = ProducerPage.objects.get(slug="gom-su-quang-vinh")
    response = client.get(producer.url)
    assert response.status_code == 200
    assert len(response.context["products"]) == 5  # 4 goods + the pottery class
    assert {p.producer_id for p in response.context["products"]} == {producer.pk}


def test_legal_and_tour_pages_render(client):
    for path in ["/thong-tin-nguoi-ban/", "/chinh-sach-doi-tra/", "/lien-he/", "/du-lich/"]:
        assert client.get(path).status_code == 200, path
    assert "Làng gốm Bát Tràng" in client.get("/du-lich/").content.decode()


def test_english_ui(client):
    client.cookies["django_language"] = "en"
    product = ProductPage.objects.get(slug="tra-sen-hien-xiem-uop-sen-bach-diep")
    html = client.get(product.url, headers={"accept-language": "en"}).content.decode()
    assert 'lang="en"' in html
    assert product.name_en in html
    assert "Price" in html


# --- filters --------------------------------------------------------------------------------


def test_filter_by_group_and_subgroup(client):
    crafts = client.get(listing_url(), {"group": "IV"})
    assert crafts.context["page_obj"].paginator.count == CRAFT_COUNT == 19
    assert all(p.category.group.code == "IV" for p in crafts.context["products"])
    tea = client.get(listing_url(), {"category": "I.5"})
    assert set(titles(tea)) == {
        "Trà Phúc",
        "Trà Lộc",
        "Trà Thọ",
        "Trà sen Hiền Xiêm ướp sen Bách Diệp",
    }


def test_on_a_phone_results_come_first_and_groups_are_one_tap(client):
    """The filters are a folded <details> (no script needed), open once a filter is chosen;
    the OCOP groups are chips above the results that keep the other filters."""
    import re

    html = client.get(listing_url()).content.decode()
    panel = re.search(r"<details class=\"filters-panel\"[^>]*>", html).group(0)
    assert " open" not in panel
    assert html.index("filters-panel") < html.index('class="results"')
    chips = re.search(r'<nav class="group-chips".*?</nav>', html, re.S).group(0)
    links = re.findall(r'<a href="\?([^"]*)"( aria-current="true")?>([^<]+)</a>', chips)
    assert [label for _q, _c, label in links][:2] == ["Tất cả", "Thực phẩm"]
    assert len(links) == 7 and links[0][1]  # "All" chosen
    crafts = next(q for q, _c, label in links if label == "Thủ công mỹ nghệ")
    filtered = client.get(f"{listing_url()}?stars=4&{crafts.replace('&amp;', '&')}")
    assert filtered.context["page_obj"].paginator.count > 0
    assert all(
        p.category.group.code == "IV" and p.ocop_stars == 4 for p in filtered.context["products"]
    )
    html = filtered.content.decode()
    panel = re.search(r"<details class=\"filters-panel\"[^>]*>", html).group(0)
    assert " open" in panel and "2 đang chọn" in html
    chosen = re.findall(r'aria-current="true">([^<]+)</a>', html)
    assert "Thủ công mỹ nghệ" in chosen


def test_filter_by_stars(client):
    five = client.get(listing_url(), {"stars": "5"})
    assert five.context["page_obj"].paginator.count == 9
    both = client.get(listing_url(), {"stars": ["3", "5"]})
    assert {p.ocop_stars for p in both.context["products"]} == {3, 5}


def test_filter_by_commune_new_legacy_and_unaccented(client):
    gia_lam = Commune.objects.get(code="00565")
    by_code = client.get(listing_url(), {"commune": "00565"}).context["page_obj"].paginator.count
    by_new_name = client.get(listing_url(), {"commune": "Gia Lâm"})
    by_legacy = client.get(listing_url(), {"commune": "Dương Xá"})
    by_folded = client.get(listing_url(), {"commune": "duong xa"})
    expected = ProductPage.objects.live().filter(origin_commune=gia_lam).count()
    assert expected > 0
    for response in (by_new_name, by_legacy, by_folded):
        assert response.context["page_obj"].paginator.count == expected == by_code


def test_filter_by_price_range(client):
    response = client.get(listing_url(), {"price_min": "100000", "price_max": "200000"})
    prices = [p.min_price for p in response.context["page_obj"].paginator.object_list]
    assert prices and all(100000 <= price <= 200000 for price in prices)


def test_filter_in_stock(client):
    out = ProductPage.objects.get(slug="hanh-phi")
    StockItem.objects.filter(sku=out.variants.get().sku).update(on_hand=0, reserved=0)
    listed = client.get(listing_url(), {"in_stock": "on"}).context["page_obj"].paginator.object_list
    assert out.pk not in {p.pk for p in listed}
    assert len(listed) > 30
    assert all(p.in_stock for p in listed)


@pytest.mark.parametrize(
    "sort, key, reverse",
    [("price", "min_price", False), ("-price", "min_price", True), ("stars", "ocop_stars", True)],
)
def test_sorting(client, sort, key, reverse):
    products = list(
        client.get(listing_url(), {"sort": sort}).context["page_obj"].paginator.object_list
    )
    values = [getattr(p, key) or 0 for p in products]
    assert values == sorted(values, reverse=reverse)


def test_pagination_keeps_filters(client, settings):
    settings.CATALOGUE_PAGE_SIZE = 5
    first = client.get(listing_url(), {"group": "IV"})
    assert first.context["page_obj"].paginator.num_pages == 4
    html = first.content.decode()
    assert "group=IV&amp;page=2" in html
    last = client.get(listing_url(), {"group": "IV", "page": "4"})
    assert len(last.context["products"]) == CRAFT_COUNT - 15


@pytest.mark.parametrize(
    "params",
    [
        {"price_min": "abc"},
        {"price_max": "-5"},
        {"category": "ZZ"},
        {"group": "<script>"},
        {"stars": "7"},
        {"sort": "drop table"},
        {"page": "9999"},
        {"page": "x"},
        {"price_min": "500000", "price_max": "1000"},
        {"commune": "x" * 500},
    ],
)
def test_bad_filter_values_give_a_normal_page(client, params):
    response = client.get(listing_url(), params)
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count >= 0


def test_bad_filter_is_reported_and_other_filters_still_apply(client):
    response = client.get(listing_url(), {"price_min": "abc", "group": "IV"})
    assert "price_min" in response.context["catalogue"].errors
    assert response.context["page_obj"].paginator.count == CRAFT_COUNT
    assert "không hợp lệ" in response.content.decode()


def test_drafts_are_not_listed():
    product = ProductPage.objects.get(slug="hanh-phi")
    product.unpublish()
    result = search_catalogue({})
    assert product.pk not in {p.pk for p in result.products}


# --- no N+1 ---------------------------------------------------------------------------------


def test_listing_query_count_does_not_grow_with_page_size(client, settings):
    settings.PAGE_CACHE_SECONDS = 0  # the render path itself, not the page cache
    url = listing_url()
    client.get(url)  # warm caches (site root, content types)

    def queries_for(page_size):
        settings.CATALOGUE_PAGE_SIZE = page_size
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, {"sort": "name"})
        assert len(response.context["products"]) == min(page_size, 49)
        return len(ctx.captured_queries)

    # Render each size twice: the first render may create image renditions.
    queries_for(10)
    queries_for(49)
    assert queries_for(10) == queries_for(49)


def test_listing_query_count_same_for_10_and_100_products(client, settings):
    settings.PAGE_CACHE_SECONDS = 0  # the render path itself, not the page cache
    producer = ProducerPage.objects.get(slug="gom-su-quang-vinh")
    category = OcopCategory.objects.get(code="I.3")
    image = ProductPage.objects.get(slug="hanh-phi").images.first().image
    for n in range(60):
        page = ProductPage(title=f"Bánh thử {n}", slug=f"banh-thu-{n}", category=category)
        page.variants = [ProductVariant(sku=f"banh-thu-{n}", label="Hộp", price=10000 + n)]
        page.images = [ProductImage(image=image)]
        producer.add_child(instance=page)
    url = listing_url()

    def queries_for(page_size):
        settings.CATALOGUE_PAGE_SIZE = page_size
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert len(response.context["products"]) == page_size
        return len(ctx.captured_queries)

    assert queries_for(10) == queries_for(100)


# --- OCOP certification ---------------------------------------------------------------------


def make_product(**fields):
    return ProductPage(title="Thử", category=OcopCategory.objects.get(code="I.3"), **fields)


def test_certificate_valid_for_36_months():
    product = make_product(ocop_stars=4, ocop_decision_date=datetime.date(2024, 2, 29))
    assert product.ocop_valid_until == datetime.date(2027, 2, 28)
    assert product.ocop_status_on(datetime.date(2027, 2, 27)) == "valid"
    assert product.ocop_status_on(datetime.date(2027, 2, 28)) == "expired"


def test_certificate_revoked_and_unrated():
    assert make_product(ocop_stars=5, ocop_revoked=True).ocop_status == "revoked"
    assert make_product(ocop_stars=None).ocop_status == "none"
    assert make_product(ocop_stars=3).ocop_valid_until is None
    assert make_product(ocop_stars=3).ocop_status == "valid"


def test_expired_certificate_is_shown(client):
    product = ProductPage.objects.get(slug="hanh-phi")
    product.ocop_decision_date = datetime.date(2019, 5, 1)
    product.ocop_year = 2019
    product.save_revision().publish()
    html = client.get(product.url).content.decode()
    assert "Hết hiệu lực" in html
    assert "01/05/2022" in html


def test_unrated_product_shows_no_badge(client):
    product = ProductPage.objects.get(title="Rượu nếp Đào Viên 35% Vol")
    assert product.ocop_stars is None
    assert "OCOP" not in client.get(product.url).content.decode().split("<main")[1].split(
        "producer-heading"
    )[0].replace("OCOP Hà Nội", "")


# --- traceability ---------------------------------------------------------------------------


def test_batch_page_shows_product_producer_dates_certifications(client):
    batch = TraceabilityBatch.objects.select_related("product").first()
    response = client.get(batch.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert batch.product.title in html
    assert batch.product.producer.title in html
    assert batch.produced_on.strftime("%d/%m/%Y") in html
    assert "VietGAP" in html


def test_batch_qr_encodes_the_page_url(client):
    batch = TraceabilityBatch.objects.first()
    response = client.get(batch.get_absolute_url())
    svg = response.context["qr"]
    assert decode_svg(svg) == [f"http://testserver{batch.get_absolute_url()}"]
    download = client.get(f"{batch.get_absolute_url()}qr.svg")
    assert download["Content-Type"] == "image/svg+xml"
    assert decode_svg(download.content.decode()) == [f"http://testserver{batch.get_absolute_url()}"]


def test_batch_of_unpublished_product_is_404(client):
    batch = TraceabilityBatch.objects.select_related("product").first()
    batch.product.unpublish()
    assert client.get(batch.get_absolute_url()).status_code == 404
    assert client.get("/truy-xuat/khong-co-lo-nay/").status_code == 404


# --- reference data -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, code",
    [
        ("Dương Xá, Gia Lâm", "00565"),
        ("duong xa, gia lam", "00565"),
        ("xã Gia Lâm", "00565"),
        ("Bát Tràng", "00577"),
        ("Đường Lâm, Sơn Tây", "09574"),
        ("Phú Nghĩa, huyện Chương Mỹ", "10030"),
    ],
)
def test_commune_resolves_current_and_legacy_names(text, code):
    assert Commune.objects.resolve(text).code == code


def test_ocop_category_tree():
    groups = OcopCategory.objects.filter(parent__isnull=True)
    assert [g.code for g in groups] == ["I", "II", "III", "IV", "V", "VI"]
    assert OcopCategory.objects.get(code="I.5").group.code == "I"
