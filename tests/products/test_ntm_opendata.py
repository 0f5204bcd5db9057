"""NTM results as open data: /open-data/ntm-communes.csv and .geojson (issue 17, part 3)."""

import csv
import io
import json

import pytest

from products.demo import NTM_DEMO
from products.ntm import NtmIndicator, NtmResult, NtmStatus
from products.reference import Commune

pytestmark = pytest.mark.django_db

CSV_PATH = "/open-data/ntm-communes.csv"
GEOJSON_PATH = "/open-data/ntm-communes.geojson"


def _rows(client):
    response = client.get(CSV_PATH)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def _features(client):
    response = client.get(GEOJSON_PATH)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    return data["features"]


def test_seed_has_the_demo_rows_and_only_duong_xa_is_not_illustrative():
    assert NtmResult.objects.count() == len(NTM_DEMO) == 8
    checked = NtmResult.objects.filter(illustrative=False)
    assert [r.legacy_commune for r in checked] == ["Dương Xá, Gia Lâm"]
    duong_xa = checked.get()
    assert duong_xa.commune == Commune.objects.resolve("Dương Xá, Gia Lâm")
    assert duong_xa.status == NtmStatus.MODEL and duong_xa.year == 2022
    assert "236/KH-UBND" in duong_xa.source
    assert not duong_xa.decision_number  # not found in any source: left blank


def test_files_give_the_latest_year_of_each_commune(client):
    communes = NtmResult.objects.values("commune").distinct().count()
    rows = _rows(client)
    features = _features(client)
    assert len(rows) == len(features) == communes == 7  # Hồng Vân has 2021 and 2024
    hong_van = Commune.objects.resolve("Hồng Vân, Thường Tín")
    row = next(r for r in rows if r["commune_code"] == hong_van.code)
    assert row["year"] == "2024" and row["status"] == "nang-cao"
    assert row["status_label_vi"] == "NTM nâng cao"
    assert row["status_label_en"] and row["status_label_en"] != row["status_label_vi"]
    assert len({r["commune_code"] for r in rows}) == len(rows)


def test_geojson_features_match_the_database(client):
    for feature in _features(client):
        props = feature["properties"]
        result = NtmResult.objects.filter(commune__code=props["commune_code"]).order_by("-year")[0]
        assert feature["id"] == f"ntm-{result.commune.code}"
        assert feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert (lon, lat) == (round(result.commune.longitude, 6), round(result.commune.latitude, 6))
        assert 105.2 < lon < 106.1 and 20.5 < lat < 21.4
        assert props["year"] == result.year and props["status"] == result.status
        assert props["source"] == result.source
        assert props["illustrative"] is result.illustrative
        assert bool(props["note_vi"]) is result.illustrative is bool(props["note_en"])
        expected = {i.code: {"value": i.value, "met": i.met} for i in result.indicators.all()}
        assert props["indicators"] == expected


def test_every_illustrative_row_is_labelled_in_the_csv(client):
    rows = _rows(client)
    assert {r["illustrative"] for r in rows} == {"0", "1"}
    for row in rows:
        if row["illustrative"] == "1":
            assert "minh hoạ" in row["note"] and "llustrative" in row["note"]
        else:
            assert row["note"] == ""
    ung_thien = next(r for r in rows if r["legacy_commune"] == "Quảng Phú Cầu, Ứng Hòa")
    assert (ung_thien["ct_9.2_met"], ung_thien["ct_9.5_met"]) == ("0", "1")
    assert ung_thien["ct_15.2_value"] == ""


def test_a_commune_without_coordinates_has_null_geometry(client):
    result = NtmResult.objects.get(legacy_commune="Bát Tràng, Gia Lâm")
    Commune.objects.filter(pk=result.commune_id).update(latitude=None, longitude=None)
    NtmIndicator.objects.create(result=result, code="9.2", value="x", met=False)  # new version
    feature = next(f for f in _features(client) if f["id"] == f"ntm-{result.commune.code}")
    assert feature["geometry"] is None
    row = next(r for r in _rows(client) if r["commune_code"] == result.commune.code)
    assert row["latitude"] == row["longitude"] == ""


def test_an_admin_change_rebuilds_the_file_and_changes_the_etag(client):
    first = client.get(CSV_PATH)
    assert first["Last-Modified"].endswith("GMT")
    assert client.get(CSV_PATH, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    result = NtmResult.objects.get(legacy_commune="Phù Đổng, Gia Lâm")
    result.status = NtmStatus.ADVANCED
    result.save()
    result.save_revision()
    again = client.get(CSV_PATH, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200 and again["ETag"] != first["ETag"]
    row = next(r for r in csv.DictReader(io.StringIO(again.content.decode())) if
               r["legacy_commune"] == "Phù Đổng, Gia Lâm")  # fmt: skip
    assert row["status"] == "nang-cao"


def test_seeding_again_adds_no_ntm_row():
    from products.demo import load_ntm_results

    before = NtmResult.objects.count(), NtmIndicator.objects.count()
    assert load_ntm_results() == 0
    assert (NtmResult.objects.count(), NtmIndicator.objects.count()) == before
