"""The JSON API contract: every filter, every facet, and bad parameters (400, never 500)."""

import re

import pytest

from products.models import ProductPage
from tours.models import TourSitePage

pytestmark = pytest.mark.django_db

API = "/api/search/"
SUGGEST = "/api/search/suggest/"


def get(client, **params):
    response = client.get(API, params)
    assert response.status_code == 200, response.content
    return response.json()


def facet(data, name):
    return {str(e["value"]): e["count"] for e in data["facets"][name]}


def test_contract_shape(client):
    data = get(client, q="gom bat trang")
    assert set(data) >= {"query", "count", "results", "facets"}
    assert data["query"] == "gom bat trang"
    assert data["count"] == len(data["results"]) > 0
    first = data["results"][0]
    assert set(first) >= {"type", "id", "title", "url", "snippet", "score"}
    assert first["type"] in {"product", "site"}
    assert set(data["facets"]) == {"type", "category", "stars", "commune", "price", "in_stock"}


def test_empty_query_browses_everything(client):
    data = get(client)
    live = ProductPage.objects.live().count() + TourSitePage.objects.live().count()
    assert data["count"] == live
    assert facet(data, "type") == {
        "product": ProductPage.objects.live().count(),
        "site": TourSitePage.objects.live().count(),
    }
    assert len(data["results"]) == 20


def test_folding_finds_accented_titles_and_highlights_original(client):
    data = get(client, q="duc dong")
    titles = [r["title"] for r in data["results"]]
    assert {"Đôi đèn Tứ Linh đúc đồng", "Lọ Song Ngư đúc đồng"} <= set(titles)
    assert "<mark>đúc</mark> <mark>đồng</mark>" in data["results"][0]["snippet"]


def test_exact_tone_ranks_first(client):
    turmeric = get(client, q="nghệ")["results"][0]["title"]
    assert "nghệ" in turmeric.lower()
    craft = get(client, q="nghề")["results"][0]
    assert craft["type"] == "site"  # "Làng nghề" villages, not turmeric


def test_category_facet_labels_follow_the_ui_language(client):
    from django.conf import settings
    from django.utils import translation

    vietnamese = {e["value"]: e["label"] for e in get(client)["facets"]["category"]}
    assert vietnamese["I"] == "Thực phẩm"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    try:
        english = {e["value"]: e["label"] for e in get(client)["facets"]["category"]}
        page = client.get("/tim-kiem/").content.decode()
    finally:
        translation.deactivate()
    assert english["I"] == "Food" and english["II"] == "Beverages"
    assert english.keys() == vietnamese.keys()
    assert re.search(r'Food <span class="facet-count">\(\d+\)</span>', page)


def test_type_filter_and_disjunctive_type_facet(client):
    everything = get(client, q="lang")
    sites = get(client, q="lang", type="site")
    assert sites["count"] == facet(everything, "type")["site"]
    assert all(r["type"] == "site" for r in sites["results"])
    # The type facet ignores the type filter: both counts stay visible.
    assert facet(sites, "type") == facet(everything, "type")


def test_category_filter_by_group_and_subgroup(client):
    group = get(client, category="IV")
    expected = ProductPage.objects.live().filter(category__parent__code="IV").count()
    assert group["count"] == expected > 0
    sub = get(client, category="I.5")
    assert sub["count"] == ProductPage.objects.live().filter(category__code="I.5").count()
    assert {r["title"] for r in sub["results"]} >= {"Trà Phúc", "Trà Lộc", "Trà Thọ"}
    # Category counts ignore the category filter but honour the others.
    assert facet(group, "category") == facet(get(client), "category")
    five = get(client, stars=5)
    assert facet(five, "category")["IV"] == get(client, stars=5, category="IV")["count"]


def test_stars_filter_multiple_values(client):
    data = get(client, stars="4,5")
    expected = ProductPage.objects.live().filter(ocop_stars__in=[4, 5]).count()
    assert data["count"] == expected
    assert facet(data, "stars")["3"] == ProductPage.objects.live().filter(ocop_stars=3).count()
    assert get(client, stars=["4", "5"])["count"] == expected


@pytest.mark.parametrize(
    "commune", ["Bát Tràng", "bat trang", "xã Bát Tràng", "00577", "Bát Tràng, Gia Lâm"]
)
def test_commune_filter_current_legacy_and_code(client, commune):
    data = get(client, commune=commune)
    titles = {r["title"] for r in data["results"]}
    assert "Làng gốm Bát Tràng" in titles
    assert "Bộ bát đĩa gốm sứ hoa sen đỏ" in titles
    assert all("Tràng" in r["title"] or r["type"] == "product" for r in data["results"])


def test_commune_filter_by_legacy_commune_name(client):
    """Kiêu Kỵ was merged into the new commune Gia Lâm on 1/7/2025."""
    data = get(client, commune="Kiêu Kỵ")
    titles = {r["title"] for r in data["results"]}
    assert "Làng dát vàng Kiêu Kỵ" in titles and "Tinh bột nghệ vàng" in titles
    assert {e["label"] for e in data["facets"]["commune"] if e["selected"]} == {"Gia Lâm"}


def test_price_filters_and_facet(client):
    data = get(client, price_min=100000, price_max=500000)
    qs = ProductPage.objects.live().filter(min_price__gte=100000, min_price__lte=500000)
    assert data["count"] == qs.count()
    assert all(r["type"] == "product" for r in data["results"])
    buckets = facet(get(client), "price")
    assert sum(buckets.values()) == ProductPage.objects.live().exclude(min_price=None).count()
    assert buckets["0-100000"] == ProductPage.objects.live().filter(min_price__lt=100000).count()
    # Price counts ignore the price filter.
    assert facet(data, "price") == buckets


def test_in_stock_filter(client, django_capture_on_commit_callbacks):
    from products.stock import in_stock_condition, set_on_hand

    with django_capture_on_commit_callbacks(execute=True):
        for page in ProductPage.objects.live().filter(category__code="I.5"):
            set_on_hand(page.variants.first().sku, 7)
    stocked = ProductPage.objects.live().filter(in_stock_condition()).count()
    assert stocked >= 3
    data = get(client, in_stock=1)
    assert data["count"] == stocked
    assert facet(get(client), "in_stock") == {"1": stocked}
    assert get(client, in_stock="0")["count"] == get(client)["count"]


def test_near_orders_sites_by_distance(client):
    data = get(client, near="21.0285,105.8542", radius_km="20", type="site")
    distances = [r["distance_km"] for r in data["results"]]
    assert distances == sorted(distances) and distances
    assert all(d <= 20 for d in distances)
    far = get(client, near="21.0285,105.8542", radius_km="80", type="site")
    assert far["count"] > data["count"]
    # Bát Tràng (about 10 km from Hoàn Kiếm) is in; Chùa Hương (about 50 km) is not.
    titles = {r["title"] for r in data["results"]}
    assert "Làng gốm Bát Tràng" in titles and "Chùa Hương" not in titles


def test_pagination(client):
    first = get(client, page=1)
    second = get(client, page=2)
    assert first["count"] == second["count"]
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}
    beyond = get(client, page=50)
    assert beyond["results"] == [] and beyond["count"] == first["count"]


@pytest.mark.parametrize(
    "params",
    [
        {"type": "shop"},
        {"stars": "6"},
        {"stars": "many"},
        {"price_min": "abc"},
        {"price_min": "-5"},
        {"price_min": "500", "price_max": "100"},
        {"in_stock": "maybe"},
        {"near": "21.0"},
        {"near": "abc,def"},
        {"near": "95,105"},
        {"near": "nan,105"},
        {"radius_km": "5"},
        {"near": "21,105", "radius_km": "0"},
        {"near": "21,105", "radius_km": "10000"},
        {"page": "0"},
        {"page": "x"},
        {"page": "100000"},
        {"category": "IV;DROP"},
        {"q": "x" * 201},
    ],
)
def test_bad_parameters_are_400_with_message(client, params):
    response = client.get(API, params)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] and body["param"] in set(params) | {"price_max"}


def test_no_match_is_empty_not_error(client):
    data = get(client, q="zzzzqqqq")
    assert data["count"] == 0 and data["results"] == []


def test_sql_and_fts_syntax_is_inert(client):
    for q in ['"', "gom* OR", "NEAR(", "a AND OR NOT", "'; DROP TABLE x; --", "{title_f}: x"]:
        assert client.get(API, {"q": q}).status_code == 200


def test_suggest(client):
    response = client.get(SUGGEST, {"q": "gom ba"})
    assert response.status_code == 200
    suggestions = response.json()["suggestions"]
    assert suggestions and len(suggestions) <= 8
    assert set(suggestions[0]) == {"type", "title", "url"}
    assert any("Bát Tràng" in s["title"] for s in suggestions)
    assert client.get(SUGGEST, {"q": ""}).json() == {"suggestions": []}
    assert client.get(SUGGEST, {"q": "x" * 101}).status_code == 400


def test_suggest_prefix_and_typo_fallback(client):
    titles = [s["title"] for s in client.get(SUGGEST, {"q": "chua huo"}).json()["suggestions"]]
    assert "Chùa Hương" in titles
    typo = client.get(SUGGEST, {"q": "lang co duongg"}).json()["suggestions"]
    assert typo and typo[0]["title"] == "Làng cổ Đường Lâm"


def test_synonyms(client):
    """ "hop tac xa" ↔ "htx": the producer is "HTX … bò Ba Vì"."""
    titles = [r["title"] for r in get(client, q="hop tac xa bo ba vi")["results"][:3]]
    assert "Sữa chua Ba Vì" in titles or "Sữa tươi thanh trùng Ba Vì" in titles
