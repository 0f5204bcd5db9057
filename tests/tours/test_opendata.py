"""Open data (GeoJSON, CSV, caching), JSON-LD on site/product pages, and the map page."""

import csv
import io
import json

import pytest

from products.models import ProducerPage, ProductPage
from tours.models import TourSitePage

pytestmark = pytest.mark.django_db

HANOI_LAT, HANOI_LON = (20.5, 21.5), (105.2, 106.1)


def _json_ld(html: str) -> list[dict]:
    blocks = html.split('<script type="application/ld+json">')[1:]
    return [json.loads(b.split("</script>")[0]) for b in blocks]


def test_tourism_sites_geojson_is_rfc7946_with_lon_lat_order(client):
    response = client.get("/open-data/tourism-sites.geojson")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    features = data["features"]
    assert len(features) == 26 == TourSitePage.objects.live().count()
    by_name = {f["properties"]["name"]: f for f in features}
    for site in TourSitePage.objects.live():
        feature = by_name[site.title]
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert (lon, lat) == (round(site.longitude, 6), round(site.latitude, 6))
        assert HANOI_LON[0] < lon < HANOI_LON[1] and HANOI_LAT[0] < lat < HANOI_LAT[1]
        assert feature["properties"]["url"].startswith("http")
        assert "crs" not in data  # RFC 7946 drops named CRS (WGS 84 only)


def test_producers_geojson_only_has_producers_with_coordinates(client):
    data = json.loads(client.get("/open-data/producers.geojson").content)
    with_coords = ProducerPage.objects.live().exclude(latitude=None).exclude(longitude=None)
    assert len(data["features"]) == with_coords.count() > 0
    first = with_coords.order_by("title").first()
    feature = data["features"][0]
    assert feature["properties"]["name"] == first.title
    assert feature["geometry"]["coordinates"] == [
        round(first.longitude, 6),
        round(first.latitude, 6),
    ]
    assert feature["properties"]["ocop_groups"]


def test_products_csv_round_trip(client):
    response = client.get("/open-data/products.csv")
    assert response["Content-Type"].startswith("text/csv")
    raw = response.content
    assert not raw.startswith(b"\xef\xbb\xbf")  # UTF-8 without BOM
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))
    assert len(rows) == ProductPage.objects.live().count() == 51
    assert list(rows[0]) == [
        "id", "slug", "name", "name_en", "producer_id", "producer", "category_code", "category",
        "group_code", "ocop_stars", "ocop_status", "ocop_year", "min_price_vnd",
        "origin_commune_code", "origin_commune", "url", "last_published_at",
    ]  # fmt: skip
    for row in rows:
        product = ProductPage.objects.get(pk=int(row["id"]))
        assert row["name"] == product.title
        assert int(row["min_price_vnd"]) == product.min_price
        assert row["category_code"] == product.category.code
        assert row["producer"] == (product.producer.title if product.producer else "")


def test_tourism_sites_csv_round_trip(client):
    rows = list(
        csv.DictReader(io.StringIO(client.get("/open-data/tourism-sites.csv").content.decode()))
    )
    assert len(rows) == 26
    names = {r["name"] for r in rows}
    assert "Làng gốm Bát Tràng" in names and "Làng cổ Đường Lâm" in names
    bat_trang = next(r for r in rows if r["name"] == "Làng gốm Bát Tràng")
    site = TourSitePage.objects.get(title="Làng gốm Bát Tràng")
    assert float(bat_trang["latitude"]) == pytest.approx(site.latitude)
    assert float(bat_trang["longitude"]) == pytest.approx(site.longitude)
    assert bat_trang["kind"] == "craft_village"


@pytest.mark.parametrize(
    "path",
    [
        "/open-data/tourism-sites.geojson",
        "/open-data/producers.geojson",
        "/open-data/products.csv",
        "/open-data/tourism-sites.csv",
        "/open-data/tours.csv",
    ],
)
def test_open_data_caching_headers_and_conditional_get(client, path):
    first = client.get(path)
    assert first.status_code == 200
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('"') and modified.endswith("GMT")
    assert "max-age=300" in first["Cache-Control"] and "public" in first["Cache-Control"]
    again = client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag
    since = client.get(path, HTTP_IF_MODIFIED_SINCE=modified)
    assert since.status_code == 304
    stale = client.get(path, HTTP_IF_NONE_MATCH='"something-else"')
    assert stale.status_code == 200


def test_publishing_a_change_changes_the_etag(client):
    path = "/open-data/tourism-sites.geojson"
    before = client.get(path)
    site = TourSitePage.objects.get(title="Làng nón Chuông")
    site.summary = "Nón lá làng Chuông — bản cập nhật."
    site.save_revision().publish()
    after = client.get(path, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert "bản cập nhật" in after.content.decode()


def test_open_data_page_describes_datasets_and_licence(client):
    html = client.get("/open-data/").content.decode()
    assert "CC BY 4.0" in html and "creativecommons.org/licenses/by/4.0" in html
    for name in ("tourism-sites.geojson", "producers.geojson", "products.csv", "tourism-sites.csv"):
        assert f'href="/open-data/{name}"' in html


def test_site_page_has_tourist_attraction_json_ld_and_small_map(client):
    site = TourSitePage.objects.get(title="Làng gốm Bát Tràng")
    html = client.get(site.url).content.decode()
    data = next(d for d in _json_ld(html) if d["@type"] == "TouristAttraction")
    assert data["name"] == site.title
    assert data["geo"] == {
        "@type": "GeoCoordinates",
        "latitude": site.latitude,
        "longitude": site.longitude,
    }
    assert 'class="mini-map"' in html and "/static/vendor/leaflet-1.9.4/leaflet.js" in html
    assert "tham-quan-360" in html  # link to its virtual tour


def test_product_page_has_product_json_ld_with_vnd_offers(client):
    product = ProductPage.objects.live().get(title="Trà Lộc")
    html = client.get(product.url).content.decode()
    data = next(d for d in _json_ld(html) if d["@type"] == "Product")
    assert data["name"] == "Trà Lộc"
    offers = data["offers"]
    assert {o["priceCurrency"] for o in offers} == {"VND"}
    assert sorted(int(o["price"]) for o in offers) == sorted(
        v.price for v in product.variants.all()
    )
    assert {o["sku"] for o in offers} == {v.sku for v in product.variants.all()}


def test_producer_page_shows_small_map(client):
    producer = ProducerPage.objects.live().exclude(latitude=None).first()
    html = client.get(producer.url).content.decode()
    assert 'class="mini-map"' in html
    assert f'data-lat="{producer.latitude:.6f}"' in html


def _map_data(html: str) -> dict:
    marker = '<script id="map-data" type="application/json">'
    return json.loads(html.split(marker)[1].split("</script>")[0])


def test_map_page_lists_all_sites_and_producers_and_filters(client):
    html = client.get("/ban-do/").content.decode()
    data = _map_data(html)
    types = [f["properties"]["type"] for f in data["features"]]
    assert types.count("tourism_site") == 26
    assert types.count("producer") == ProducerPage.objects.live().exclude(latitude=None).count()
    assert data["tileUrl"] and "OpenStreetMap" in data["attribution"]
    assert html.count('<tr data-feature-id="site-') == 26

    only_villages = _map_data(client.get("/ban-do/", {"kind": "craft_village"}).content.decode())
    assert only_villages["layers"] == ["sites"]  # a link from before layers: sites only
    kinds = {
        f["properties"]["kind"]
        for f in only_villages["features"]
        if f["properties"]["layer"] == "sites"
    }
    assert kinds == {"craft_village"}

    tea = _map_data(client.get("/ban-do/", {"kind": "producer", "group": "I"}).content.decode())
    assert tea["layers"] == ["producers"]
    producers = [f for f in tea["features"] if f["properties"]["layer"] == "producers"]
    assert producers
    for f in producers:
        assert f["properties"]["type"] == "producer" and "I" in f["properties"]["ocop_groups"]

    ignored = _map_data(client.get("/ban-do/", {"kind": "bogus", "group": "ZZ"}).content.decode())
    assert len(ignored["features"]) == len(data["features"])
