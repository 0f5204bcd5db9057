"""Open data: tourism sites and producers as GeoJSON (RFC 7946), products, sites and virtual
tours as CSV. The catalogue entries (cms/opendata.py) are registered by `register_datasets()`
(tourism sites, tours) here and by products/opendata.py (producers, products, NTM results).

Plain functions over the published pages; the views only add HTTP caching. Coordinates are
``[longitude, latitude]`` (RFC 7946 §3.1.1), WGS 84, rounded to 6 decimals (~0.1 m).
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
from collections import defaultdict

from django.db.models import Max, Prefetch
from django.utils.translation import gettext_lazy as _

from cms import opendata as registry
from cms.opendata import LICENCE_NAME, LICENCE_URL  # noqa: F401 - the licence of these files
from cms.visibility import public
from products.models import ProducerPage, ProductPage

from .models import Scene, TourSitePage, VirtualTourPage
from .viewer import shown_scenes

ATTRIBUTION = registry.PUBLISHER_NAME

SITE_CSV_FIELDS = [
    "id",
    "slug",
    "name",
    "name_en",
    "kind",
    "kind_label",
    "commune_code",
    "commune",
    "latitude",
    "longitude",
    "address",
    "opening_hours",
    "opening_hours_en",
    "ticket_prices",
    "ticket_prices_en",
    "url",
    "last_published_at",
]
PRODUCT_CSV_FIELDS = [
    "id",
    "slug",
    "name",
    "name_en",
    "producer_id",
    "producer",
    "category_code",
    "category",
    "group_code",
    "ocop_stars",
    "ocop_status",
    "ocop_year",
    "min_price_vnd",
    "origin_commune_code",
    "origin_commune",
    "url",
    "last_published_at",
]
TOUR_CSV_FIELDS = [
    "id",
    "slug",
    "tour",
    "site_id",
    "site",
    "site_name_en",
    "scene_count",
    "url",
    "site_url",
    "last_published_at",
]


def _absolute(page, request) -> str:
    return page.get_full_url(request) or ""


def _iso(value) -> str:
    return value.isoformat() if value else ""


def _coord(value: float) -> float:
    return round(float(value), 6)


def live_sites():
    return public(TourSitePage).select_related("commune").order_by("title")


def live_producers():
    return public(ProducerPage).select_related("commune").order_by("title")


def live_products():
    return (
        public(ProductPage)
        .select_related("category__parent", "origin_commune", "producer")
        .order_by("title")
    )


def producer_groups() -> dict[int, set[str]]:
    """OCOP group codes (I–VI) of each producer's live products."""
    groups: dict[int, set[str]] = defaultdict(set)
    rows = public(ProductPage).values_list(
        "producer_id", "category__code", "category__parent__code"
    )
    for producer_id, code, parent_code in rows:
        if producer_id:
            groups[producer_id].add(parent_code or code)
    return groups


def site_groups(sites) -> dict[int, set[str]]:
    """OCOP groups a site relates to, through its related products and producers."""
    by_producer = producer_groups()
    groups: dict[int, set[str]] = defaultdict(set)
    through_products = TourSitePage.related_products.through.objects.filter(
        toursitepage__in=sites, productpage__in=public(ProductPage)
    ).values_list(
        "toursitepage_id", "productpage__category__code", "productpage__category__parent__code"
    )
    for site_id, code, parent_code in through_products:
        groups[site_id].add(parent_code or code)
    through_producers = TourSitePage.related_producers.through.objects.filter(
        toursitepage__in=sites, producerpage__in=public(ProducerPage)
    ).values_list("toursitepage_id", "producerpage_id")
    for site_id, producer_id in through_producers:
        groups[site_id] |= by_producer.get(producer_id, set())
    return groups


def site_feature(site: TourSitePage, request=None, groups=()) -> dict:
    return {
        "type": "Feature",
        "id": f"site-{site.pk}",
        "geometry": {
            "type": "Point",
            "coordinates": [_coord(site.longitude), _coord(site.latitude)],
        },
        "properties": {
            "type": "tourism_site",
            "name": site.title,
            "name_en": site.name_en,
            "kind": site.kind,
            "kind_label": str(site.get_kind_display()),
            "commune_code": site.commune.code if site.commune else None,
            "commune": str(site.commune) if site.commune else None,
            "commune_name": site.commune.name if site.commune else None,
            "summary": site.summary,
            "summary_en": site.summary_en,
            "ocop_groups": sorted(groups),
            "url": _absolute(site, request),
        },
    }


def producer_feature(producer: ProducerPage, request=None, groups=()) -> dict:
    return {
        "type": "Feature",
        "id": f"producer-{producer.pk}",
        "geometry": {
            "type": "Point",
            "coordinates": [_coord(producer.longitude), _coord(producer.latitude)],
        },
        "properties": {
            "type": "producer",
            "name": producer.title,
            "name_en": producer.name_en,
            "kind": producer.kind,
            "kind_label": str(producer.get_kind_display()),
            "commune_code": producer.commune.code if producer.commune else None,
            "commune": str(producer.commune) if producer.commune else None,
            "commune_name": producer.commune.name if producer.commune else None,
            "address": producer.address,
            "ocop_groups": sorted(groups),
            "url": _absolute(producer, request),
        },
    }


def feature_collection(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


def site_features(request=None, sites=None) -> list[dict]:
    sites = list(live_sites() if sites is None else sites)
    groups = site_groups(sites)
    return [site_feature(s, request, groups.get(s.pk, ())) for s in sites]


def producer_features(request=None, producers=None) -> list[dict]:
    producers = live_producers() if producers is None else producers
    groups = producer_groups()
    return [
        producer_feature(p, request, groups.get(p.pk, ()))
        for p in producers
        if p.latitude is not None and p.longitude is not None
    ]


def sites_geojson(request=None) -> str:
    return json.dumps(feature_collection(site_features(request)), ensure_ascii=False)


def producers_geojson(request=None) -> str:
    return json.dumps(feature_collection(producer_features(request)), ensure_ascii=False)


def _csv(fields: list[str], rows) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue()


def sites_csv(request=None) -> str:
    rows = (
        {
            "id": s.pk,
            "slug": s.slug,
            "name": s.title,
            "name_en": s.name_en,
            "kind": s.kind,
            "kind_label": str(s.get_kind_display()),
            "commune_code": s.commune.code if s.commune else "",
            "commune": str(s.commune) if s.commune else "",
            "latitude": _coord(s.latitude),
            "longitude": _coord(s.longitude),
            "address": s.address,
            "opening_hours": s.opening_hours,
            "opening_hours_en": s.opening_hours_en,
            "ticket_prices": s.ticket_prices,
            "ticket_prices_en": s.ticket_prices_en,
            "url": _absolute(s, request),
            "last_published_at": _iso(s.last_published_at),
        }
        for s in live_sites()
    )
    return _csv(SITE_CSV_FIELDS, rows)


def products_csv(request=None) -> str:
    rows = (
        {
            "id": p.pk,
            "slug": p.slug,
            "name": p.title,
            "name_en": p.name_en,
            "producer_id": p.producer_id or "",
            "producer": p.producer.title if p.producer else "",
            "category_code": p.category.code,
            "category": p.category.name,
            "group_code": p.category.group.code,
            "ocop_stars": p.ocop_stars or "",
            "ocop_status": p.ocop_status,
            "ocop_year": p.ocop_year or "",
            "min_price_vnd": p.min_price if p.min_price is not None else "",
            "origin_commune_code": p.origin_commune.code if p.origin_commune else "",
            "origin_commune": str(p.origin_commune) if p.origin_commune else "",
            "url": _absolute(p, request),
            "last_published_at": _iso(p.last_published_at),
        }
        for p in live_products()
    )
    return _csv(PRODUCT_CSV_FIELDS, rows)


def live_tours():
    return (
        public(VirtualTourPage)
        .prefetch_related(Prefetch("scenes", queryset=Scene.objects.only("key", "panorama_id")))
        .order_by("title")
    )


def tours_csv(request=None) -> str:
    """One row per public virtual tour: its site (the parent page), shown scene count, URL."""
    tours = list(live_tours())
    parents = {t.path[: -VirtualTourPage.steplen] for t in tours}
    sites = {s.path: s for s in public(TourSitePage).filter(path__in=parents)}
    rows = []
    for tour in tours:
        site = sites.get(tour.path[: -VirtualTourPage.steplen])
        rows.append(
            {
                "id": tour.pk,
                "slug": tour.slug,
                "tour": tour.title,
                "site_id": site.pk if site else "",
                "site": site.title if site else "",
                "site_name_en": site.name_en if site else "",
                "scene_count": len(shown_scenes(tour.scenes.all())),
                "url": _absolute(tour, request),
                "site_url": _absolute(site, request) if site else "",
                "last_published_at": _iso(tour.last_published_at),
            }
        )
    return _csv(TOUR_CSV_FIELDS, rows)


def last_modified(*models) -> datetime.datetime | None:
    """Newest publication time among the live pages of *models* (None if there are none).

    Unpublishing leaves no trace here, so the ETag (a hash of the body) is the primary
    validator; this is the coarse one.
    """
    stamps = []
    for model in models:
        stamp = public(model).aggregate(m=Max("last_published_at"))["m"]
        if stamp:
            stamps.append(stamp)
    return max(stamps) if stamps else None


def etag_for(body: str) -> str:
    return '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'


DATASETS = {
    "tourism-sites.geojson": {
        "title": "Điểm du lịch nông thôn (GeoJSON)",
        "content_type": "application/geo+json; charset=utf-8",
        "build": sites_geojson,
        "models": (TourSitePage, ProducerPage, ProductPage),
    },
    "producers.geojson": {
        "title": "Chủ thể OCOP (GeoJSON)",
        "content_type": "application/geo+json; charset=utf-8",
        "build": producers_geojson,
        "models": (ProducerPage, ProductPage),
    },
    "tourism-sites.csv": {
        "title": "Điểm du lịch nông thôn (CSV)",
        "content_type": "text/csv; charset=utf-8; header=present",
        "build": sites_csv,
        "models": (TourSitePage,),
    },
    "products.csv": {
        "title": "Sản phẩm OCOP (CSV)",
        "content_type": "text/csv; charset=utf-8; header=present",
        "build": products_csv,
        "models": (ProductPage, ProducerPage),
    },
    "tours.csv": {
        "title": "Tham quan ảo 360° (CSV)",
        "content_type": "text/csv; charset=utf-8; header=present",
        "build": tours_csv,
        "models": (VirtualTourPage, TourSitePage),
    },
}


def register_datasets() -> None:
    """The catalogue entries of tours' datasets (called from ToursConfig.ready)."""
    registry.register(
        registry.Dataset(
            id="tourism-sites",
            title=_("Điểm du lịch nông thôn Hà Nội"),
            description=_(
                "Làng nghề, làng cổ, điểm du lịch cộng đồng, trang trại, khu sinh thái và di "
                "tích: tên, loại hình, xã/phường, toạ độ, địa chỉ, giờ mở cửa, giá vé và "
                "nhóm sản phẩm OCOP liên quan."
            ),
            keywords=(_("du lịch nông thôn"), _("làng nghề"), _("di tích"), _("Hà Nội")),
            distributions=(
                registry.Distribution("tours:sites_geojson", "application/geo+json"),
                registry.Distribution("tours:sites_csv", "text/csv"),
            ),
            modified=lambda: last_modified(TourSitePage),
        )
    )
    registry.register(
        registry.Dataset(
            id="tours",
            title=_("Tham quan ảo 360° các điểm du lịch"),
            description=_(
                "Các chuyến tham quan ảo 360°: tên, điểm du lịch, số cảnh và đường dẫn xem."
            ),
            keywords=(_("tham quan ảo"), _("ảnh 360°"), _("du lịch nông thôn")),
            distributions=(registry.Distribution("tours:tours_csv", "text/csv"),),
            modified=lambda: last_modified(VirtualTourPage),
        )
    )


def register_embeds() -> None:
    """The embeddable pages listed on /open-data/ (each virtual tour's own embed is offered on
    its page; the map's also on each site page, centred on the site)."""
    registry.register_embed(
        registry.Embed(
            id="map",
            title=_("Bản đồ số nông nghiệp, nông thôn và du lịch Hà Nội"),
            description=_(
                "Bản đồ kết quả nông thôn mới theo xã, điểm du lịch, chủ thể OCOP và sản phẩm "
                "có truy xuất nguồn gốc, với chú giải, lớp bật/tắt và bảng dữ liệu. Thêm bộ lọc "
                "vào đường dẫn, ví dụ ?layer=ntm chỉ hiện kết quả nông thôn mới."
            ),
            url_name="tours:embed_map",
            height=560,
        )
    )
