"""Open data of the catalogue app: NTM results per commune (CSV and GeoJSON, built here), and
the catalogue entries (cms/opendata.py) of products' datasets — producers, products (files
built by tours/opendata.py, which also puts producers on the map), NTM results.

NTM results are snippets with revisions but no draft state: every row is the officers' current
word. The files give the latest year per commune; the commune's point is its register
coordinates, or `geometry: null` (RFC 7946 §3.2) when it has none. Rows not checked against a
real decision carry `illustrative` and a note saying so, in every file and feature.
"""

from __future__ import annotations

import csv
import io
import json

from django.db.models import Count, Max
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from cms import opendata as registry
from cms.visibility import public

from .models import ProducerPage, ProductPage
from .ntm import INDICATORS, NtmIndicator, NtmResult, NtmStatus

ILLUSTRATIVE_NOTE = _("Số liệu minh hoạ, chưa đối chiếu với quyết định công nhận.")

NTM_CSV_FIELDS = [
    "id",
    "commune_code",
    "commune",
    "province",
    "legacy_commune",
    "latitude",
    "longitude",
    "year",
    "status",
    "status_label_vi",
    "status_label_en",
    "model_field",
    "decision_number",
    "decision_date",
    *[f"ct_{code}_{part}" for code in INDICATORS for part in ("value", "met")],
    "source",
    "illustrative",
    "note",
]


def _coord(value) -> float:
    return round(float(value), 6)


def _both(text) -> tuple[str, str]:
    with translation.override("vi"):
        vi = str(text)
    with translation.override("en"):
        en = str(text)
    return vi, en


def latest_ntm_results() -> list[NtmResult]:
    """The newest year's result of each commune, ordered by commune name."""
    rows = (
        NtmResult.objects.select_related("commune__province")
        .prefetch_related("indicators")
        .order_by("commune_id", "-year")
    )
    latest: dict[int, NtmResult] = {}
    for row in rows:
        latest.setdefault(row.commune_id, row)
    return sorted(latest.values(), key=lambda r: (r.commune.name, r.commune.code))


def ntm_feature_id(result: NtmResult) -> str:
    return f"ntm-{result.commune.code}"


def ntm_feature(result: NtmResult) -> dict:
    commune = result.commune
    has_point = commune.latitude is not None and commune.longitude is not None
    status_vi, status_en = _both(NtmStatus(result.status).label)
    note_vi, note_en = _both(ILLUSTRATIVE_NOTE) if result.illustrative else ("", "")
    return {
        "type": "Feature",
        "id": ntm_feature_id(result),
        "geometry": (
            {"type": "Point", "coordinates": [_coord(commune.longitude), _coord(commune.latitude)]}
            if has_point
            else None
        ),
        "properties": {
            "type": "ntm_result",
            "commune_code": commune.code,
            "commune": str(commune),
            "province": commune.province.name,
            "legacy_commune": result.legacy_commune,
            "year": result.year,
            "status": result.status,
            "status_label_vi": status_vi,
            "status_label_en": status_en,
            "model_field": result.model_field,
            "decision_number": result.decision_number,
            "decision_date": result.decision_date.isoformat() if result.decision_date else None,
            "indicators": {
                ind.code: {"value": ind.value, "met": ind.met} for ind in result.indicators.all()
            },
            "source": result.source,
            "illustrative": result.illustrative,
            "note_vi": note_vi,
            "note_en": note_en,
        },
    }


def ntm_features() -> list[dict]:
    return [ntm_feature(r) for r in latest_ntm_results()]


def ntm_geojson(request=None) -> str:
    return json.dumps({"type": "FeatureCollection", "features": ntm_features()}, ensure_ascii=False)


def ntm_csv(request=None) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=NTM_CSV_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for result in latest_ntm_results():
        feature = ntm_feature(result)
        props = feature["properties"]
        point = feature["geometry"]["coordinates"] if feature["geometry"] else ("", "")
        row = {
            "id": feature["id"],
            **{k: props[k] for k in ("commune_code", "commune", "province", "legacy_commune")},
            "longitude": point[0],
            "latitude": point[1],
            **{
                k: props[k] or ""
                for k in (
                    "year",
                    "status",
                    "status_label_vi",
                    "status_label_en",
                    "model_field",
                    "decision_number",
                    "decision_date",
                    "source",
                )
            },
            "illustrative": 1 if result.illustrative else 0,
            "note": " / ".join(n for n in (props["note_vi"], props["note_en"]) if n),
        }
        for code, indicator in props["indicators"].items():
            row[f"ct_{code}_value"] = indicator["value"]
            row[f"ct_{code}_met"] = 1 if indicator["met"] else 0
        writer.writerow(row)
    return out.getvalue()


def ntm_version() -> str:
    """A fingerprint of the NTM rows (not pages, so cms.datacache.pages_version misses them):
    every admin save makes a revision, every import recreates the indicators."""
    results = NtmResult.objects.aggregate(n=Count("pk"), m=Max("pk"), r=Max("latest_revision_id"))
    indicators = NtmIndicator.objects.aggregate(n=Count("pk"), m=Max("pk"))
    return "ntm" + "-".join(str(v or 0) for v in (*results.values(), *indicators.values()))


def ntm_modified():
    """When the NTM rows last changed: their newest revision."""
    return NtmResult.objects.aggregate(m=Max("latest_revision__created_at"))["m"]


def _newest_published(model):
    return public(model).aggregate(m=Max("last_published_at"))["m"]


def register_datasets() -> None:
    """The catalogue entries of products' datasets (called from ProductsConfig.ready)."""
    registry.register(
        registry.Dataset(
            id="ntm-communes",
            title=_("Kết quả xây dựng nông thôn mới theo xã"),
            description=_(
                "Kết quả nông thôn mới mới nhất của từng xã/phường Hà Nội: mức đạt (chưa đạt, "
                "đạt chuẩn, nâng cao, kiểu mẫu), quyết định công nhận, năm, các chỉ tiêu 8.4, "
                "15.2, 9.2, 9.5 (giá trị, đạt hay chưa) và nguồn. Toạ độ là điểm của xã trong "
                "danh mục hành chính; xã chưa có toạ độ có geometry null."
            ),
            keywords=(_("nông thôn mới"), _("NTM"), _("chuyển đổi số"), _("Hà Nội")),
            distributions=(
                registry.Distribution("products:ntm_csv", "text/csv"),
                registry.Distribution("products:ntm_geojson", "application/geo+json"),
            ),
            modified=ntm_modified,
            version=ntm_version,
            note=_(
                "Các dòng có illustrative = true là số liệu minh hoạ, chưa đối chiếu với "
                "quyết định công nhận."
            ),
        )
    )
    registry.register(
        registry.Dataset(
            id="producers",
            title=_("Chủ thể OCOP Hà Nội"),
            description=_(
                "Hợp tác xã, doanh nghiệp và hộ sản xuất có sản phẩm OCOP: tên, loại hình, "
                "xã/phường, địa chỉ, toạ độ và nhóm sản phẩm OCOP."
            ),
            keywords=(_("OCOP"), _("chủ thể OCOP"), _("hợp tác xã"), _("Hà Nội")),
            distributions=(
                registry.Distribution("tours:producers_geojson", "application/geo+json"),
            ),
            modified=lambda: _newest_published(ProducerPage),
        )
    )
    registry.register(
        registry.Dataset(
            id="products",
            title=_("Sản phẩm OCOP Hà Nội"),
            description=_(
                "Sản phẩm OCOP đang bán: tên, chủ thể, nhóm và phân nhóm, hạng sao, tình trạng "
                "chứng nhận, năm công nhận, giá thấp nhất (VND), xã/phường xuất xứ."
            ),
            keywords=(_("OCOP"), _("sản phẩm OCOP"), _("đặc sản"), _("Hà Nội")),
            distributions=(registry.Distribution("tours:products_csv", "text/csv"),),
            modified=lambda: _newest_published(ProductPage),
        )
    )
