"""The digital map's layers (tours/mapdata.py): NTM status per commune with its legend, tourism
sites by kind, OCOP producers by group and stars, traceable products; the table view lists
exactly the features the map draws, under the same GET filters, with or without JavaScript;
the map page is purged from the page cache when NTM results or public batches change."""

import json
import re

import pytest
from django.test import Client

from cms.visibility import public
from products.models import ProducerPage, ProductPage, TraceabilityBatch
from products.ntm import NtmResult, NtmStatus
from products.opendata import latest_ntm_results
from products.trace import public_batches
from tours import mapdata
from tours.models import TourSitePage

pytestmark = pytest.mark.django_db


def _map_data(html: str) -> dict:
    marker = '<script id="map-data" type="application/json">'
    return json.loads(html.split(marker)[1].split("</script>")[0])


def _drawn(data: dict) -> set[str]:
    """The ids of the features the map draws: those of its active layers."""
    return {f["id"] for f in data["features"] if f["properties"]["layer"] in data["layers"]}


def _table_rows(html: str) -> set[str]:
    """The feature ids listed in the table sections that are not hidden."""
    rows = set()
    sections = re.findall(r'<section class="map-table-layer"[^>]*>.*?</section>', html, re.S)
    for section in sections:
        if re.match(r"<section[^>]*\shidden", section):
            continue
        rows |= set(re.findall(r'<tr data-feature-id="([^"]+)"', section))
    return rows


def _page(client, query=None):
    response = client.get("/ban-do/", query or {})
    assert response.status_code == 200
    return response.content.decode()


def test_all_four_layers_by_default_and_the_table_lists_what_the_map_draws(client):
    html = _page(client)
    data = _map_data(html)
    assert data["layers"] == ["ntm", "sites", "producers", "products"]
    by_layer = {}
    for f in data["features"]:
        by_layer.setdefault(f["properties"]["layer"], []).append(f)
    # NTM: the newest result of every commune that has a point.
    expected_ntm = {
        f"ntm-{r.commune.code}" for r in latest_ntm_results() if r.commune.latitude is not None
    }
    assert {f["id"] for f in by_layer["ntm"]} == expected_ntm and len(expected_ntm) >= 5
    assert len(by_layer["sites"]) == TourSitePage.objects.live().count() == 26
    assert len(by_layer["producers"]) == ProducerPage.objects.live().exclude(latitude=None).count()
    # Traceable products: exactly the public products with a public batch (products.trace)
    # that have a point: their producer's, else their origin commune's.
    traceable = (
        public(ProductPage)
        .filter(pk__in=public_batches().values("product_id"))
        .select_related("producer__commune", "origin_commune")
    )
    placed = {
        f"product-{p.pk}"
        for p in traceable
        if (p.producer and p.producer.latitude is not None)
        or (p.origin_commune or (p.producer and p.producer.commune))
    }
    assert {f["id"] for f in by_layer["products"]} == placed
    assert len(placed) >= 10
    # The table lists the same features, each once.
    assert _table_rows(html) == _drawn(data)
    assert html.count("<tr data-feature-id=") == len(data["features"])


def test_ntm_points_are_coloured_by_status_with_a_legend(client):
    html = _page(client, {"layer": "ntm"})
    data = _map_data(html)
    assert data["layers"] == ["ntm"]
    legend = dict(re.findall(r'map-marker-ntm ntm-([a-z-]+)" aria-hidden="true"><span>(\d)', html))
    assert legend == {"chua-dat": "0", "dat-chuan": "1", "nang-cao": "2", "kieu-mau": "3"}
    for status in NtmStatus:
        assert f"{legend[status.value]}</span></span> {status.label}</li>" in html
    # The same colours in the data map.js draws with and in the stylesheet.
    css = open("tours/static/tours/tours.css", encoding="utf-8").read()
    for status, _level, colour in mapdata.NTM_STATUSES:
        assert data["legend"][status.value] == colour
        assert re.search(
            rf"\.ntm-{status.value} span, \.ntm-badge\.ntm-{status.value}, "
            rf"\.cluster-ntm i\.ntm-{status.value} \{{ background: {colour}; }}",
            css,
        )
    latest = {r.commune.code: r for r in latest_ntm_results()}
    for f in (f for f in data["features"] if f["properties"]["layer"] == "ntm"):
        result = latest[f["properties"]["commune_code"]]
        assert f["properties"]["status"] == result.status
        assert f["properties"]["level"] == mapdata.NTM_LEVEL[result.status]
        assert f["properties"]["illustrative"] == result.illustrative
        lon, lat = f["geometry"]["coordinates"]
        assert (lat, lon) == (round(result.commune.latitude, 6), round(result.commune.longitude, 6))
    # Dương Xá (xã Gia Lâm) is the verified NTM kiểu mẫu row, not illustrative.
    gia_lam = next(f for f in data["features"] if f["id"] == "ntm-00565")
    assert (
        gia_lam["properties"]["status"] == "kieu-mau" and not gia_lam["properties"]["illustrative"]
    )
    assert 'class="ntm-badge ntm-kieu-mau"' in html
    assert _table_rows(html) == _drawn(data)


def test_status_filter_and_a_newer_result_replaces_the_older_one(client):
    data = _map_data(_page(client, {"layer": "ntm", "status": "nang-cao"}))
    ids = _drawn(data)
    assert ids and all(
        f["properties"]["status"] == "nang-cao" for f in data["features"] if f["id"] in ids
    )
    # Hồng Vân: 2021 đạt chuẩn, 2024 nâng cao — the map shows 2024 only.
    hong_van = [
        f
        for f in data["features"]
        if f["properties"]["layer"] == "ntm" and f["properties"]["commune_code"] == "10210"
    ]
    assert [f["properties"]["year"] for f in hong_van] == [2024]


def test_sites_by_kind_and_producers_and_products_by_group_and_stars(client):
    villages = _map_data(_page(client, {"layer": "sites", "kind": "craft_village"}))
    drawn = [f for f in villages["features"] if f["id"] in _drawn(villages)]
    assert drawn and {f["properties"]["kind"] for f in drawn} == {"craft_village"}
    assert len(drawn) == TourSitePage.objects.live().filter(kind="craft_village").count()

    html = _page(client, {"layer": ["producers", "products"], "group": "I", "stars": "4"})
    data = _map_data(html)
    drawn = [f for f in data["features"] if f["id"] in _drawn(data)]
    assert {f["properties"]["layer"] for f in drawn} == {"producers", "products"}
    # Producers: one of their live products is in group I with 4 stars.
    expected = {
        f"producer-{pk}"
        for pk in public(ProductPage)
        .filter(ocop_stars=4)
        .filter(category__parent__code="I")
        .exclude(producer__latitude=None)
        .values_list("producer_id", flat=True)
    }
    assert {f["id"] for f in drawn if f["properties"]["layer"] == "producers"} == expected
    for f in drawn:
        if f["properties"]["layer"] == "products":
            product = ProductPage.objects.get(pk=int(f["id"].split("-")[1]))
            assert product.ocop_stars == 4 and product.category.group.code == "I"
            assert f["properties"]["trace_url"].startswith("http")
    assert _table_rows(html) == _drawn(data)


def test_layers_chosen_in_the_form_and_old_links_still_work(client):
    html = _page(client, {"layer": ["sites", "products"]})
    data = _map_data(html)
    assert data["layers"] == ["sites", "products"]
    # Every layer's features are sent (toggles work without a reload), inactive ones hidden.
    assert {f["properties"]["layer"] for f in data["features"]} == set(mapdata.LAYERS)
    assert re.search(r'<section class="map-table-layer" data-layer-table="ntm"[^>]*hidden', html)
    assert 'name="layer" value="sites" data-layer-toggle checked' in html
    assert 'name="layer" value="ntm" data-layer-toggle>' in html
    assert _table_rows(html) == _drawn(data)
    # Before layers, producers were kind=producer.
    old = _map_data(_page(client, {"kind": "producer", "group": "I"}))
    assert old["layers"] == ["producers"]
    # Unknown values are ignored: a stale link shows the whole map.
    ignored = _map_data(_page(client, {"layer": "bogus", "kind": "bogus", "group": "ZZ"}))
    assert ignored["layers"] == list(mapdata.LAYERS)


def test_table_view_works_without_the_map_and_keeps_the_filters(client):
    query = {"layer": ["ntm", "sites"], "kind": "heritage_village", "view": "table"}
    html = _page(client, query)
    assert 'id="map-data"' not in html and "leaflet.js" not in html and 'id="tour-map"' not in html
    assert '<input type="hidden" name="view" value="table">' in html
    map_html = _page(client, {k: v for k, v in query.items() if k != "view"})
    assert _table_rows(html) == _table_rows(map_html) == _drawn(_map_data(map_html))
    assert 'href="?layer=ntm&amp;layer=sites&amp;kind=heritage_village"' in html  # back to the map


def test_the_filters_are_a_plain_get_form_with_named_controls(client):
    html = _page(client)
    form = html.split('<form class="filters map-filters"')[1].split("</form>")[0]
    assert 'method="get"' in form and 'type="submit"' in form
    for name in ("layer", "kind", "stars", "status", "group"):
        assert f'name="{name}"' in form
    assert '<label for="id_group">' in form
    # Every checkbox sits inside its label (an accessible name).
    assert form.count('type="checkbox"') == len(
        re.findall(r"<label[^>]*><input type=\"checkbox\"", form)
    )


def test_offline_background_data_labels_the_programme_communes(client):
    data = _map_data(_page(client))
    names = {row[0] for row in data["communes"]}
    assert "Bát Tràng" in names and "Gia Lâm" in names
    important = {row[0] for row in data["communes"] if row[3]}
    assert "Bát Tràng" in important  # a commune with features is labelled at every zoom
    outline = json.load(open("tours/static/tours/hanoi-outline.geojson", encoding="utf-8"))
    ring = outline["features"][0]["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1] and len(ring) > 20
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    assert 105.2 < min(lons) < max(lons) < 106.1 and 20.5 < min(lats) < max(lats) < 21.5


def test_map_page_is_purged_when_ntm_results_or_public_batches_change(commit):
    client = Client()
    assert client.get("/ban-do/")["X-Page-Cache"] == "miss"
    assert client.get("/ban-do/")["X-Page-Cache"] == "hit"
    assert client.get("/embed/map/")["X-Page-Cache"] == "miss"

    result = NtmResult.objects.get(commune__code="00541")  # Phù Đổng, đạt chuẩn
    result.status = NtmStatus.ADVANCED
    commit(result.save)
    response = client.get("/ban-do/")
    assert response["X-Page-Cache"] == "miss"
    feature = next(
        f for f in _map_data(response.content.decode())["features"] if f["id"] == "ntm-00541"
    )
    assert feature["properties"]["status"] == "nang-cao"
    assert client.get("/embed/map/")["X-Page-Cache"] == "miss"

    assert client.get("/ban-do/")["X-Page-Cache"] == "hit"
    batch = TraceabilityBatch.objects.filter(live=True).first()
    commit(batch.unpublish)
    response = client.get("/ban-do/")
    assert response["X-Page-Cache"] == "miss"
    ids = {f["id"] for f in _map_data(response.content.decode())["features"]}
    still_traceable = public_batches().filter(product=batch.product).exists()
    assert (f"product-{batch.product_id}" in ids) == still_traceable


def test_the_ntm_table_gives_the_decision_as_people_write_it(client):
    result = next(r for r in latest_ntm_results() if r.decision_date and not r.decision_number)
    result.decision_number = "123/QĐ-UBND"
    result.save()
    html = _page(client, {"layer": "ntm", "view": "table"})
    row = re.search(rf'<tr data-feature-id="ntm-{result.commune.code}">.*?</tr>', html, re.S)[0]
    day = result.decision_date.strftime("%d/%m/%Y")
    assert f"123/QĐ-UBND<br><small>{day}</small></td>" in row
    assert result.decision_date.isoformat() not in row
    other = next(
        r for r in latest_ntm_results() if r.decision_date and r.pk != result.pk and
        not r.decision_number
    )  # fmt: skip
    row = re.search(rf'<tr data-feature-id="ntm-{other.commune.code}">.*?</tr>', html, re.S)[0]
    assert row.endswith(f"<td>{other.decision_date.strftime('%d/%m/%Y')}</td></tr>")
