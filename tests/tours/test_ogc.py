"""OGC API – Features, Part 1 Core, under /open-data/ogc/ (issue 17, part 4)."""

import datetime
import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from products.models import ProducerPage
from products.ntm import NtmResult
from products.reference import Commune
from tours.models import TourSitePage

pytestmark = pytest.mark.django_db

BASE = "/open-data/ogc"
COLLECTIONS = ("tourism-sites", "producers", "ntm-communes")
HANOI_LON, HANOI_LAT = (105.2, 106.1), (20.5, 21.4)
CORE = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"
GEOJSON_CLASS = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson"
OAS30 = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30"


def _get(client, path, status=200, **params):
    response = client.get(path, params)
    assert response.status_code == status, (path, params, response.content[:300])
    return response, json.loads(response.content)


def _items(client, collection, status=200, **params):
    return _get(client, f"{BASE}/collections/{collection}/items", status, **params)


def _local(href: str) -> tuple[str, dict]:
    parts = urlsplit(href)
    assert parts.scheme == "http" and parts.netloc == "testserver"
    return parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}


def _expected_count(collection: str) -> int:
    if collection == "tourism-sites":
        return TourSitePage.objects.live().count()
    if collection == "producers":
        return ProducerPage.objects.live().exclude(latitude=None).exclude(longitude=None).count()
    return NtmResult.objects.values("commune").distinct().count()


def _assert_error(body, code="InvalidParameterValue"):
    assert body["code"] == code and body["description"]


# ----- landing, conformance, collections ------------------------------------------------------


def test_landing_page_links(client):
    response, body = _get(client, f"{BASE}/")
    assert response["Content-Type"].startswith("application/json")
    rels = {link["rel"]: link for link in body["links"]}
    assert {"self", "service-desc", "service-doc", "conformance", "data"} <= set(rels)
    assert rels["service-desc"]["type"] == "application/vnd.oai.openapi+json;version=3.0"
    assert _local(rels["service-desc"]["href"])[0] == f"{BASE}/api"
    assert _local(rels["conformance"]["href"])[0] == f"{BASE}/conformance"
    assert _local(rels["data"]["href"])[0] == f"{BASE}/collections"
    assert client.get(_local(rels["service-doc"]["href"])[0]).status_code == 200


def test_conformance_classes_are_core_geojson_and_openapi(client):
    _response, body = _get(client, f"{BASE}/conformance")
    assert sorted(body["conformsTo"]) == sorted([CORE, GEOJSON_CLASS, OAS30])


def test_openapi_document_is_valid_and_describes_every_endpoint(client):
    import jsonschema

    response, doc = _get(client, f"{BASE}/api")
    assert response["Content-Type"] == "application/vnd.oai.openapi+json;version=3.0"
    schema = json.loads((Path(__file__).parent / "data" / "openapi-3.0-schema.json").read_text())
    jsonschema.Draft4Validator(schema).validate(doc)  # raises on an invalid OpenAPI 3.0 document
    refs = re.findall(r'"\$ref": "#/([^"]+)"', json.dumps(doc))
    assert refs
    for ref in refs:  # every reference resolves inside the document
        node = doc
        for key in ref.split("/"):
            node = node[key]
    assert doc["openapi"].startswith("3.0")
    [server] = doc["servers"]
    server_path = _local(server["url"])[0]
    assert server_path == BASE
    enum = doc["paths"]["/collections/{collectionId}"]["get"]["parameters"][0]["schema"]["enum"]
    assert sorted(enum) == sorted(COLLECTIONS)
    items = doc["paths"]["/collections/{collectionId}/items"]["get"]
    assert {p["name"] for p in items["parameters"]} == {
        "collectionId",
        "f",
        "bbox",
        "limit",
        "offset",
        "datetime",
    }
    # every documented path answers, for every collection, with the documented media type
    for template, operation in doc["paths"].items():
        paths = [template.replace("{collectionId}", c) for c in COLLECTIONS]
        for path in dict.fromkeys(paths):
            if "{featureId}" in path:
                _r, page = _get(client, BASE + path.split("/items/")[0] + "/items", limit=1)
                path = path.replace("{featureId}", str(page["features"][0]["id"]))
            answer = client.get(BASE + (path if path != "/" else "/"))
            assert answer.status_code == 200, path
            [media] = operation["get"]["responses"]["200"]["content"]
            assert answer["Content-Type"] == media, path
    # the declared error answers are real: an unknown parameter is a 400 with an OGC body
    _r, body = _get(client, f"{BASE}/api", 400, nonsense="1")
    _assert_error(body)


def test_collections_list(client):
    _response, body = _get(client, f"{BASE}/collections")
    assert [c["id"] for c in body["collections"]] == list(COLLECTIONS)
    for info in body["collections"]:
        assert info["title"] and info["itemType"] == "feature"
        rels = {link["rel"]: link for link in info["links"]}
        assert rels["items"]["type"] == "application/geo+json"
        assert _local(rels["items"]["href"])[0] == f"{BASE}/collections/{info['id']}/items"
        min_lon, min_lat, max_lon, max_lat = info["extent"]["spatial"]["bbox"][0]
        assert HANOI_LON[0] < min_lon <= max_lon < HANOI_LON[1]
        assert HANOI_LAT[0] < min_lat <= max_lat < HANOI_LAT[1]
        _response, single = _get(client, f"{BASE}/collections/{info['id']}")
        assert single["id"] == info["id"]


# ----- items: GeoJSON validity, paging ---------------------------------------------------------


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_items_are_valid_rfc7946_geojson_in_hanoi(client, collection):
    response, body = _items(client, collection, limit=1000)
    assert response["Content-Type"].startswith("application/geo+json")
    assert body["type"] == "FeatureCollection"
    assert body["numberMatched"] == body["numberReturned"] == _expected_count(collection) > 0
    assert body["timeStamp"].endswith("Z")
    datetime.datetime.fromisoformat(body["timeStamp"].replace("Z", "+00:00"))
    ids = [f["id"] for f in body["features"]]
    assert len(set(ids)) == len(ids)
    for feature in body["features"]:
        assert feature["type"] == "Feature" and feature["id"]
        assert isinstance(feature["properties"], dict)
        geometry = feature["geometry"]
        assert geometry["type"] == "Point"
        lon, lat = geometry["coordinates"]
        assert HANOI_LON[0] < lon < HANOI_LON[1] and HANOI_LAT[0] < lat < HANOI_LAT[1]


def test_site_coordinates_are_lon_lat(client):
    site = TourSitePage.objects.live().get(title="Làng gốm Bát Tràng")
    _response, feature = _get(client, f"{BASE}/collections/tourism-sites/items/site-{site.pk}")
    assert feature["geometry"]["coordinates"] == [
        round(site.longitude, 6),
        round(site.latitude, 6),
    ]
    assert feature["properties"]["name"] == site.title


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_following_next_links_returns_the_whole_collection_once(client, collection):
    _response, whole = _items(client, collection, limit=1000)
    everything = [f["id"] for f in whole["features"]]
    seen, pages = [], 0
    response, body = _items(client, collection, limit=3)
    assert not any(link["rel"] == "prev" for link in body["links"])
    while True:
        pages += 1
        assert body["numberMatched"] == len(everything)
        assert body["numberReturned"] == len(body["features"]) <= 3
        seen += [f["id"] for f in body["features"]]
        rels = {link["rel"]: link["href"] for link in body["links"]}
        assert _local(rels["self"])[1]["limit"] == "3"
        if pages > 1:
            assert "prev" in rels
        if "next" not in rels:
            break
        path, query = _local(rels["next"])
        response, body = _get(client, path, **query)
    assert seen == everything and len(set(seen)) == len(seen)
    assert pages == -(-len(everything) // 3)


def test_offset_past_the_end_is_an_empty_page(client):
    _response, body = _items(client, "tourism-sites", offset=5000)
    assert body["features"] == [] and body["numberReturned"] == 0
    assert body["numberMatched"] == _expected_count("tourism-sites")
    assert not any(link["rel"] == "next" for link in body["links"])


def test_limit_over_the_maximum_is_clamped(client):
    _response, body = _items(client, "tourism-sites", limit=5000)
    self_link = next(link for link in body["links"] if link["rel"] == "self")
    assert _local(self_link["href"])[1]["limit"] == "1000"
    assert body["numberReturned"] == _expected_count("tourism-sites")


# ----- bbox -----------------------------------------------------------------------------------


def test_bbox_never_returns_features_outside(client):
    sites = list(TourSitePage.objects.live())
    bat_trang = next(s for s in sites if s.title == "Làng gốm Bát Tràng")
    box = (
        bat_trang.longitude - 0.05,
        bat_trang.latitude - 0.05,
        bat_trang.longitude + 0.05,
        bat_trang.latitude + 0.05,
    )
    inside = {
        f"site-{s.pk}"
        for s in sites
        if box[0] <= s.longitude <= box[2] and box[1] <= s.latitude <= box[3]
    }
    assert f"site-{bat_trang.pk}" in inside and len(inside) < len(sites)
    _response, body = _items(client, "tourism-sites", bbox=",".join(map(str, box)), limit=1000)
    returned = {f["id"] for f in body["features"]}
    assert returned == inside and body["numberMatched"] == len(inside)
    for feature in body["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert box[0] <= lon <= box[2] and box[1] <= lat <= box[3]


def test_bbox_outside_hanoi_is_empty_and_null_geometry_never_matches(client):
    _response, body = _items(client, "producers", bbox="100,10,101,11")
    assert body["features"] == [] and body["numberMatched"] == 0
    result = NtmResult.objects.get(legacy_commune="Bát Tràng, Gia Lâm")
    Commune.objects.filter(pk=result.commune_id).update(latitude=None, longitude=None)
    _response, all_ntm = _items(client, "ntm-communes", limit=1000)
    target = f"ntm-{result.commune.code}"
    assert next(f for f in all_ntm["features"] if f["id"] == target)["geometry"] is None
    _response, boxed = _items(client, "ntm-communes", bbox="-180,-90,180,90", limit=1000)
    assert target not in {f["id"] for f in boxed["features"]}
    assert boxed["numberMatched"] == all_ntm["numberMatched"] - 1


# ----- datetime -------------------------------------------------------------------------------


def test_datetime_filters_ntm_by_decision_date(client):
    latest = {}
    for r in NtmResult.objects.select_related("commune").order_by("-year"):
        latest.setdefault(f"ntm-{r.commune.code}", r.decision_date)
    expect_2024 = {k for k, d in latest.items() if d and d.year == 2024}
    _response, body = _items(
        client, "ntm-communes", datetime="2024-01-01T00:00:00Z/2024-12-31T23:59:59Z"
    )
    assert {f["id"] for f in body["features"]} == expect_2024 and expect_2024
    _response, before = _items(client, "ntm-communes", datetime="../2023-12-31T23:59:59+07:00")
    expect_before = {k for k, d in latest.items() if d and d < datetime.date(2024, 1, 1)}
    assert {f["id"] for f in before["features"]} == expect_before
    day = next(d for d in latest.values() if d)
    _response, instant = _items(client, "ntm-communes", datetime=day.isoformat())
    assert {f["id"] for f in instant["features"]} == {k for k, d in latest.items() if d == day}


def test_datetime_filters_sites_by_last_publication(client):
    site = TourSitePage.objects.live().get(title="Làng nón Chuông")
    site.save_revision().publish()
    site.refresh_from_db()
    since = (site.last_published_at - datetime.timedelta(seconds=1)).astimezone(datetime.UTC)
    stamp = since.replace(microsecond=0).isoformat().replace("+00:00", "Z")
    _response, body = _items(client, "tourism-sites", datetime=f"{stamp}/..", limit=1000)
    newer = TourSitePage.objects.live().filter(last_published_at__gte=since.replace(microsecond=0))
    assert {f["id"] for f in body["features"]} == {f"site-{s.pk}" for s in newer}
    assert f"site-{site.pk}" in {f["id"] for f in body["features"]}


# ----- 400 and 404 ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"bbox": "1,2,3"},
        {"bbox": "1,2,3,4,5,6"},
        {"bbox": "a,b,c,d"},
        {"bbox": "105,21,106"},
        {"bbox": "-181,20,106,21"},
        {"bbox": "105,20,181,21"},
        {"bbox": "105,-91,106,21"},
        {"bbox": "105,20,106,91"},
        {"bbox": "106,20,105,21"},
        {"bbox": "105,21,106,20"},
        {"bbox": "nan,20,106,21"},
        {"bbox": "inf,20,106,21"},
        {"limit": "abc"},
        {"limit": "1.5"},
        {"limit": "-1"},
        {"limit": "0"},
        {"limit": ""},
        {"offset": "-5"},
        {"offset": "x"},
        {"datetime": "yesterday"},
        {"datetime": "2024-13-01T00:00:00Z"},
        {"datetime": "2024-01-01T00:00:00"},  # RFC 3339 needs an offset
        {"datetime": "2024-02-30"},
        {"datetime": "2024-01-01T00:00:00Z/2023-01-01T00:00:00Z"},
        {"datetime": "../.."},
        {"datetime": "a/b/c"},
        {"f": "html"},
        {"sortby": "name"},
        {"bbox-crs": "http://www.opengis.net/def/crs/EPSG/0/4326"},
    ],
)
def test_bad_parameters_are_400_with_an_ogc_exception(client, params):
    response, body = _items(client, "tourism-sites", 400, **params)
    assert response["Content-Type"].startswith("application/json")
    _assert_error(body)
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_repeated_parameter_is_400(client):
    response = client.get(f"{BASE}/collections/producers/items?limit=2&limit=3")
    assert response.status_code == 400
    _assert_error(json.loads(response.content))


@pytest.mark.parametrize(
    "path",
    [
        f"{BASE}/",
        f"{BASE}/conformance",
        f"{BASE}/api",
        f"{BASE}/collections",
        f"{BASE}/collections/producers",
    ],
)
def test_unknown_parameter_on_other_endpoints_is_400(client, path):
    _response, body = _get(client, path, 400, foo="1")
    _assert_error(body)


@pytest.mark.parametrize(
    "path",
    [
        f"{BASE}/collections/roads",
        f"{BASE}/collections/roads/items",
        f"{BASE}/collections/roads/items/site-1",
        f"{BASE}/collections/tourism-sites/items/site-999999",
        f"{BASE}/collections/producers/items/site-1",
        f"{BASE}/collections/ntm-communes/items/ntm-99999",
    ],
)
def test_unknown_collection_or_feature_is_404(client, path):
    response, body = _get(client, path, 404)
    _assert_error(body, "NotFound")


def test_every_feature_of_each_collection_can_be_fetched_by_id(client):
    for collection in COLLECTIONS:
        _response, body = _items(client, collection, limit=1000)
        for feature in body["features"][:5]:
            _r, single = _get(client, f"{BASE}/collections/{collection}/items/{feature['id']}")
            assert {k: single[k] for k in ("type", "id", "geometry", "properties")} == feature
            assert any(link["rel"] == "collection" for link in single["links"])


def test_error_descriptions_follow_the_ui_language(client, settings):
    _response, body = _items(client, "tourism-sites", 400, bbox="1,2,3")
    assert body["description"].startswith("bbox phải gồm 4 số")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    _response, body = _items(client, "tourism-sites", 400, bbox="1,2,3")
    assert body["description"].startswith("bbox must be 4 numbers")


def test_over_long_values_are_refused_by_the_input_hardening(client):
    response = client.get(f"{BASE}/collections/producers/items", {"bbox": "1" * 3000})
    assert response.status_code == 400
