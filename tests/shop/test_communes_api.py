"""The public type-ahead endpoint GET /shop/api/communes/ and the product page's delivery
estimate (GET /shop/api/delivery-estimate/ and its no-JavaScript form)."""

import pytest
from django.conf import settings
from django.test import Client

from products.models import ProductPage
from shop.delivery.table import table_quote

pytestmark = pytest.mark.django_db


def get(**params):
    return Client().get("/shop/api/communes/", params)


@pytest.mark.parametrize(
    "query,province,name,province_name",
    [
        ("hoan kiem", "", "Hoàn Kiếm", "Thành phố Hà Nội"),
        ("Phường Hải Châu", "", "Hải Châu", "Thành phố Đà Nẵng"),
        ("dong da", "01", "Đống Đa", "Thành phố Hà Nội"),
        ("Kiêu Kỵ, Gia Lâm", "", "Gia Lâm", "Thành phố Hà Nội"),
        ("ben nghe", "79", "Sài Gòn", "Thành phố Hồ Chí Minh"),
    ],
)
def test_finds_current_unaccented_and_old_names(query, province, name, province_name):
    response = get(q=query, province=province)
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == len(data["results"]) >= 1
    first = data["results"][0]
    assert (first["name"], first["province_name"]) == (name, province_name)
    assert set(first) >= {"code", "name", "kind", "province_code", "province_name", "legacy"}
    assert len(first["code"]) == 5 and first["kind"] in ("xã", "phường", "đặc khu")
    assert response["Cache-Control"] == "public, max-age=3600"


def test_an_old_district_lists_its_wards_with_their_old_names():
    data = get(q="dong da", province="01").json()
    names = {r["name"] for r in data["results"]}
    assert {"Đống Đa", "Kim Liên", "Láng", "Ô Chợ Dừa"} <= names
    kim_lien = next(r for r in data["results"] if r["name"] == "Kim Liên")
    assert any(old.endswith(", Đống Đa") for old in kim_lien["legacy"])


@pytest.mark.parametrize(
    "params,message",
    [
        ({}, "Thiếu từ khóa"),
        ({"q": "   "}, "Thiếu từ khóa"),
        ({"q": "x" * 101}, "tối đa 100 ký tự"),
        ({"q": "ha\x00noi"}, "ký tự không hợp lệ"),  # refused for the whole site (cms.hardening)
        ({"q": "hai chau", "province": "1"}, "Mã tỉnh/thành phố không hợp lệ"),
        ({"q": "hai chau", "province": "99"}, "Mã tỉnh/thành phố không hợp lệ"),
        ({"q": "hai chau", "province": "ab"}, "Mã tỉnh/thành phố không hợp lệ"),
    ],
)
def test_bad_parameters_answer_400_with_a_message(params, message):
    response = get(**params)
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_nothing_found_is_an_empty_list():
    data = get(q="zzzz qqqq").json()
    assert data == {"results": [], "count": 0}


def _product_with_stock():
    from products.stock import set_on_hand

    page = ProductPage.objects.live().filter(producer__commune__isnull=False).first()
    variant = page.variants.first()
    set_on_hand(variant.sku, 10)
    return page, variant


def test_the_delivery_estimate_follows_the_province():
    page, variant = _product_with_stock()
    weight = (variant.weight_grams or settings.SHOP_DEFAULT_WEIGHT_GRAMS) + (
        settings.SHOP_PACKAGING_GRAMS
    )
    origin = page.producer.commune.province.code
    near = Client().get("/shop/api/delivery-estimate/", {"sku": variant.sku}).json()
    far = (
        Client().get("/shop/api/delivery-estimate/", {"sku": variant.sku, "province": "96"}).json()
    )  # Cà Mau
    assert near["fee"] == table_quote(origin, "01", weight).fee
    assert far["fee"] == table_quote(origin, "96", weight).fee > near["fee"]
    assert (far["province_name"], far["days_min"], far["days_max"]) == ("Cà Mau", 3, 6)
    bad = Client().get("/shop/api/delivery-estimate/", {"sku": "khong-co"})
    assert bad.status_code == 400 and "không còn bán" in bad.json()["error"]


def test_the_product_page_shows_the_estimate_and_works_without_javascript():
    page, variant = _product_with_stock()
    html = Client().get(page.url).content.decode()
    assert "Giao đến" in html and "Phí giao ước tính" in html and "đến Hà Nội" in html
    far = Client().get(page.url, {"giao_den": "79"}).content.decode()
    assert "đến Hồ Chí Minh" in far
    assert '<option value="79" selected>' in far
