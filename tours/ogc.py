"""OGC API – Features, Part 1: Core (read-only) under /open-data/ogc/ (issue 17, part 4).

Three collections, their features built by the open-data modules (`tours.opendata` for tourism
sites and producers, `products.opendata` for NTM results), so the files, the map and this API
give the same features: `tourism-sites`, `producers`, `ntm-communes`. Conformance: Core,
GeoJSON and OpenAPI 3.0: `/api` serves the OpenAPI document of this API (the landing page's
`service-desc`; `service-doc` is the human page /open-data/).

Parameters of `/items`: `bbox` (minLon,minLat,maxLon,maxLat in CRS84), `limit` (1–1000,
default 10; larger values are clamped to 1000 as the standard allows), `offset`, `datetime` (an
RFC 3339 instant or interval against the last publication of sites and producers, the decision
date of NTM results), `f` (json/geojson). Anything else, or a malformed value, is a 400 with
an OGC exception body `{"code": "InvalidParameterValue", "description": …}`; an unknown
collection or feature is a 404 (`{"code": "NotFound", …}`).

Collections are small (tens to a few thousand features): they are built in full and filtered
here, which keeps one rule for what a feature is. Coordinates follow RFC 7946 ([lon, lat],
WGS 84); a feature without a geometry (an NTM commune without coordinates) never matches a bbox.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from products import opendata as product_opendata

from . import opendata

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
]
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
JSON = "application/json"
GEOJSON = "application/geo+json"
DEFAULT_LIMIT = 10
MAX_LIMIT = 1000
ITEMS_PARAMS = {"f", "bbox", "limit", "offset", "datetime"}
FORMATS = {"json", "geojson"}


class OgcError(Exception):
    """An OGC exception: HTTP status, code and a (Vietnamese) description."""

    def __init__(self, status: int, code: str, description: str):
        super().__init__(description)
        self.status, self.code, self.description = status, code, description

    def body(self) -> dict:
        return {"code": self.code, "description": self.description}


def invalid(description: str) -> OgcError:
    return OgcError(400, "InvalidParameterValue", description)


def not_found(description: str) -> OgcError:
    return OgcError(404, "NotFound", description)


# ----- collections ----------------------------------------------------------------------------


def _stamped_sites(request):
    sites = list(opendata.live_sites())
    features = opendata.site_features(request, sites)
    return list(zip(features, (s.last_published_at for s in sites), strict=True))


def _stamped_producers(request):
    producers = [
        p for p in opendata.live_producers() if p.latitude is not None and p.longitude is not None
    ]
    features = opendata.producer_features(request, producers)
    return list(zip(features, (p.last_published_at for p in producers), strict=True))


def _day_start(day: datetime.date | None):
    if day is None:
        return None
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


def _stamped_ntm(request):
    return [
        (product_opendata.ntm_feature(r), _day_start(r.decision_date))
        for r in product_opendata.latest_ntm_results()
    ]


@dataclass(frozen=True)
class Collection:
    id: str
    title: str
    description: str
    stamped: Callable  # request → [(feature, datetime or None)]
    time_field: str  # what `datetime` is compared with


COLLECTIONS = {
    c.id: c
    for c in (
        Collection(
            "tourism-sites",
            _("Điểm du lịch nông thôn Hà Nội"),
            _("Làng nghề, làng cổ, du lịch cộng đồng, trang trại, khu sinh thái và di tích."),
            _stamped_sites,
            "last_published_at",
        ),
        Collection(
            "producers",
            _("Chủ thể OCOP Hà Nội"),
            _("Hợp tác xã, doanh nghiệp và hộ sản xuất có sản phẩm OCOP (có toạ độ)."),
            _stamped_producers,
            "last_published_at",
        ),
        Collection(
            "ntm-communes",
            _("Kết quả xây dựng nông thôn mới theo xã"),
            _(
                "Kết quả nông thôn mới mới nhất của từng xã; các dòng illustrative = true là "
                "số liệu minh hoạ."
            ),
            _stamped_ntm,
            "decision_date",
        ),
    )
}


def get_collection(collection_id: str) -> Collection:
    collection = COLLECTIONS.get(collection_id)
    if collection is None:
        raise not_found(gettext("Không có bộ sưu tập “%s”.") % collection_id)
    return collection


# ----- parameters -----------------------------------------------------------------------------

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_DIGITS = re.compile(r"\d+")
_DATE = r"\d{4}-\d{2}-\d{2}"
_DATETIME = re.compile(_DATE + r"[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")
_DATE_ONLY = re.compile(_DATE)


def check_params(params, allowed: set[str]) -> None:
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise invalid(
            gettext("Tham số không được hỗ trợ: %(names)s (chỉ nhận: %(allowed)s).")
            % {"names": ", ".join(unknown), "allowed": ", ".join(sorted(allowed))}
        )
    for name in params:
        if len(params.getlist(name)) > 1:
            raise invalid(gettext("Tham số %s chỉ được có một giá trị.") % name)
    fmt = params.get("f")
    if fmt is not None and fmt not in FORMATS:
        raise invalid(gettext("Định dạng f=%s không được hỗ trợ (chỉ json hoặc geojson).") % fmt)


def parse_bbox(text: str | None):
    if text is None:
        return None
    parts = text.split(",")
    if len(parts) != 4 or not all(_NUMBER.fullmatch(p.strip()) for p in parts):
        raise invalid(
            gettext(
                "bbox phải gồm 4 số: kinh độ nhỏ nhất, vĩ độ nhỏ nhất, kinh độ lớn nhất, "
                "vĩ độ lớn nhất."
            )
        )
    min_lon, min_lat, max_lon, max_lat = (float(p) for p in parts)
    if not all(math.isfinite(v) for v in (min_lon, min_lat, max_lon, max_lat)):
        raise invalid(gettext("bbox chứa giá trị không hữu hạn."))
    if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180):
        raise invalid(gettext("Kinh độ trong bbox phải từ −180 đến 180."))
    if not (-90 <= min_lat <= 90 and -90 <= max_lat <= 90):
        raise invalid(gettext("Vĩ độ trong bbox phải từ −90 đến 90."))
    if min_lon > max_lon or min_lat > max_lat:
        raise invalid(gettext("Trong bbox, giá trị nhỏ nhất không được lớn hơn giá trị lớn nhất."))
    return min_lon, min_lat, max_lon, max_lat


def _integer(name: str, text: str | None, default: int, minimum: int) -> int:
    if text is None:
        return default
    if not _DIGITS.fullmatch(text) or len(text) > 9:
        raise invalid(gettext("%s phải là số nguyên không âm.") % name)
    value = int(text)
    if value < minimum:
        raise invalid(gettext("%(name)s phải từ %(min)d trở lên.") % {"name": name, "min": minimum})
    return value


def parse_limit(text: str | None) -> int:
    return min(_integer("limit", text, DEFAULT_LIMIT, 1), MAX_LIMIT)


def parse_offset(text: str | None) -> int:
    return _integer("offset", text, 0, 0)


def _instant(text: str, end: bool) -> datetime.datetime:
    """One end of a datetime value: an RFC 3339 date-time (with its offset) or a full date
    (its first or last moment, UTC)."""
    try:
        if _DATETIME.fullmatch(text):
            return datetime.datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
        if _DATE_ONLY.fullmatch(text):
            day = datetime.date.fromisoformat(text)
            moment = datetime.time.max if end else datetime.time.min
            return datetime.datetime.combine(day, moment, tzinfo=datetime.UTC)
    except ValueError:
        pass
    raise invalid(gettext("datetime “%s” không đúng RFC 3339 (ví dụ 2024-01-31T00:00:00Z).") % text)


def parse_datetime(text: str | None):
    """(start, end), either end None when open; None when absent."""
    if text is None:
        return None
    if "/" in text:
        pieces = text.split("/")
        if len(pieces) != 2:
            raise invalid(gettext("Khoảng datetime phải có dạng a/b, ../b hoặc a/.."))
        first, second = pieces
        start = None if first in ("", "..") else _instant(first, end=False)
        stop = None if second in ("", "..") else _instant(second, end=True)
        if start is None and stop is None:
            raise invalid(gettext("Khoảng datetime phải có ít nhất một đầu."))
        if start is not None and stop is not None and start > stop:
            raise invalid(gettext("Trong datetime, thời điểm đầu phải trước thời điểm cuối."))
        return start, stop
    if _DATE_ONLY.fullmatch(text):
        return _instant(text, end=False), _instant(text, end=True)
    moment = _instant(text, end=False)
    return moment, moment


# ----- filtering and paging -------------------------------------------------------------------


def in_bbox(feature: dict, bbox) -> bool:
    geometry = feature.get("geometry")
    if not geometry:
        return False
    lon, lat = geometry["coordinates"]
    return bbox[0] <= lon <= bbox[2] and bbox[1] <= lat <= bbox[3]


def in_interval(stamp, interval) -> bool:
    if stamp is None:
        return False
    start, stop = interval
    return (start is None or stamp >= start) and (stop is None or stamp <= stop)


def _now() -> str:
    return timezone.now().astimezone(datetime.UTC).replace(microsecond=0).isoformat()[:-6] + "Z"


def _url(request, name: str, query: dict | None = None, **kwargs) -> str:
    url = request.build_absolute_uri(reverse(f"tours:{name}", kwargs=kwargs or None))
    return url + ("?" + urlencode(query) if query else "")


def _link(href: str, rel: str, media_type: str, title: str = "") -> dict:
    link = {"href": href, "rel": rel, "type": media_type}
    if title:
        link["title"] = title
    return link


def landing(request) -> dict:
    check_params(request.GET, {"f"})
    return {
        "title": gettext("OGC API – Features: dữ liệu mở OCOP và du lịch nông thôn Hà Nội"),
        "description": gettext(
            "Điểm du lịch nông thôn, chủ thể OCOP và kết quả nông thôn mới theo xã, theo chuẩn "
            "OGC API – Features (chỉ đọc), GeoJSON."
        ),
        "links": [
            _link(_url(request, "ogc_landing"), "self", JSON, gettext("Trang này")),
            _link(
                request.build_absolute_uri(reverse("tours:open_data")),
                "service-doc",
                "text/html",
                gettext("Hướng dẫn dữ liệu mở"),
            ),
            _link(_url(request, "ogc_api"), "service-desc", OPENAPI, gettext("Tài liệu OpenAPI")),
            _link(_url(request, "ogc_conformance"), "conformance", JSON, gettext("Chuẩn áp dụng")),
            _link(_url(request, "ogc_collections"), "data", JSON, gettext("Bộ sưu tập")),
        ],
    }


def _schema_ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json_response(description: str, schema: str, media_type: str = JSON) -> dict:
    return {"description": description, "content": {media_type: {"schema": _schema_ref(schema)}}}


def openapi(request) -> dict:
    """The OpenAPI 3.0 document of this API: every path, parameter and response it answers,
    with the collection ids as an enum (so a client knows them without a call)."""
    check_params(request.GET, {"f"})
    error = {"$ref": "#/components/responses/Error"}
    collection_id = {
        "name": "collectionId",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "enum": sorted(COLLECTIONS)},
    }
    f = {
        "name": "f",
        "in": "query",
        "required": False,
        "schema": {"type": "string", "enum": sorted(FORMATS)},
    }
    items_params = [
        collection_id,
        f,
        {
            "name": "bbox",
            "in": "query",
            "required": False,
            "description": gettext(
                "Kinh độ nhỏ nhất, vĩ độ nhỏ nhất, kinh độ lớn nhất, vĩ độ lớn nhất (CRS84)."
            ),
            "style": "form",
            "explode": False,
            "schema": {"type": "array", "minItems": 4, "maxItems": 4, "items": {"type": "number"}},
        },
        {
            "name": "limit",
            "in": "query",
            "required": False,
            "schema": {
                "type": "integer",
                "minimum": 1,
                "maximum": MAX_LIMIT,
                "default": DEFAULT_LIMIT,
            },
        },
        {
            "name": "offset",
            "in": "query",
            "required": False,
            "schema": {"type": "integer", "minimum": 0, "default": 0},
        },
        {
            "name": "datetime",
            "in": "query",
            "required": False,
            "description": gettext("Thời điểm hoặc khoảng RFC 3339 (a/b, ../b, a/..)."),
            "schema": {"type": "string"},
        },
    ]
    link = {
        "type": "object",
        "required": ["href", "rel"],
        "properties": {
            "href": {"type": "string"},
            "rel": {"type": "string"},
            "type": {"type": "string"},
            "title": {"type": "string"},
        },
    }
    feature = {
        "type": "object",
        "required": ["type", "geometry", "properties"],
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
            "geometry": {"type": "object", "nullable": True},
            "properties": {"type": "object", "nullable": True},
        },
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": gettext("OGC API – Features: dữ liệu mở OCOP và du lịch nông thôn Hà Nội"),
            "version": "1.0.0",
            "description": gettext(
                "Chỉ đọc. Toạ độ [kinh độ, vĩ độ] WGS 84 (RFC 7946). Giấy phép CC BY 4.0."
            ),
            "license": {
                "name": "CC BY 4.0",
                "url": "https://creativecommons.org/licenses/by/4.0/",
            },
        },
        "servers": [{"url": _url(request, "ogc_landing").rstrip("/")}],
        "paths": {
            "/": {
                "get": {
                    "operationId": "getLandingPage",
                    "summary": gettext("Trang đầu"),
                    "parameters": [f],
                    "responses": {"200": _json_response("OK", "LandingPage"), "400": error},
                }
            },
            "/api": {
                "get": {
                    "operationId": "getAPI",
                    "summary": gettext("Tài liệu OpenAPI"),
                    "responses": {"200": {"description": "OK", "content": {OPENAPI: {}}}},
                }
            },
            "/conformance": {
                "get": {
                    "operationId": "getConformance",
                    "summary": gettext("Chuẩn áp dụng"),
                    "parameters": [f],
                    "responses": {"200": _json_response("OK", "Conformance"), "400": error},
                }
            },
            "/collections": {
                "get": {
                    "operationId": "getCollections",
                    "summary": gettext("Bộ sưu tập"),
                    "parameters": [f],
                    "responses": {"200": _json_response("OK", "Collections"), "400": error},
                }
            },
            "/collections/{collectionId}": {
                "get": {
                    "operationId": "describeCollection",
                    "parameters": [collection_id, f],
                    "responses": {
                        "200": _json_response("OK", "Collection"),
                        "400": error,
                        "404": error,
                    },
                }
            },
            "/collections/{collectionId}/items": {
                "get": {
                    "operationId": "getFeatures",
                    "parameters": items_params,
                    "responses": {
                        "200": _json_response("OK", "FeatureCollection", GEOJSON),
                        "400": error,
                        "404": error,
                    },
                }
            },
            "/collections/{collectionId}/items/{featureId}": {
                "get": {
                    "operationId": "getFeature",
                    "parameters": [
                        collection_id,
                        {
                            "name": "featureId",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                        f,
                    ],
                    "responses": {
                        "200": _json_response("OK", "Feature", GEOJSON),
                        "400": error,
                        "404": error,
                    },
                }
            },
        },
        "components": {
            "responses": {"Error": _json_response(gettext("Lỗi (ngoại lệ OGC)"), "Exception")},
            "schemas": {
                "Link": link,
                "Exception": {
                    "type": "object",
                    "required": ["code"],
                    "properties": {"code": {"type": "string"}, "description": {"type": "string"}},
                },
                "LandingPage": {
                    "type": "object",
                    "required": ["links"],
                    "properties": {
                        "title": {"type": "string"},
                        "description": {"type": "string"},
                        "links": {"type": "array", "items": _schema_ref("Link")},
                    },
                },
                "Conformance": {
                    "type": "object",
                    "required": ["conformsTo"],
                    "properties": {"conformsTo": {"type": "array", "items": {"type": "string"}}},
                },
                "Collection": {
                    "type": "object",
                    "required": ["id", "links"],
                    "properties": {
                        "id": {"type": "string"},
                        "title": {"type": "string"},
                        "description": {"type": "string"},
                        "links": {"type": "array", "items": _schema_ref("Link")},
                        "extent": {"type": "object"},
                        "itemType": {"type": "string"},
                    },
                },
                "Collections": {
                    "type": "object",
                    "required": ["links", "collections"],
                    "properties": {
                        "links": {"type": "array", "items": _schema_ref("Link")},
                        "collections": {"type": "array", "items": _schema_ref("Collection")},
                    },
                },
                "Feature": feature,
                "FeatureCollection": {
                    "type": "object",
                    "required": ["type", "features"],
                    "properties": {
                        "type": {"type": "string", "enum": ["FeatureCollection"]},
                        "features": {"type": "array", "items": _schema_ref("Feature")},
                        "links": {"type": "array", "items": _schema_ref("Link")},
                        "timeStamp": {"type": "string", "format": "date-time"},
                        "numberMatched": {"type": "integer", "minimum": 0},
                        "numberReturned": {"type": "integer", "minimum": 0},
                    },
                },
            },
        },
    }


def conformance(request) -> dict:
    check_params(request.GET, {"f"})
    return {"conformsTo": CONFORMANCE}


def _extent(stamped) -> dict:
    points = [f["geometry"]["coordinates"] for f, _s in stamped if f.get("geometry")]
    stamps = [s for _f, s in stamped if s is not None]
    spatial = (
        [
            min(p[0] for p in points),
            min(p[1] for p in points),
            max(p[0] for p in points),
            max(p[1] for p in points),
        ]
        if points
        else [-180, -90, 180, 90]
    )
    iso = [_iso(min(stamps)), _iso(max(stamps))] if stamps else [None, None]
    return {"spatial": {"bbox": [spatial], "crs": CRS84}, "temporal": {"interval": [iso]}}


def _iso(stamp: datetime.datetime) -> str:
    return stamp.astimezone(datetime.UTC).replace(microsecond=0).isoformat()[:-6] + "Z"


def collection_info(request, collection: Collection, stamped=None) -> dict:
    stamped = collection.stamped(request) if stamped is None else stamped
    return {
        "id": collection.id,
        "title": str(collection.title),
        "description": str(collection.description),
        "itemType": "feature",
        "crs": [CRS84],
        "extent": _extent(stamped),
        "links": [
            _link(
                _url(request, "ogc_collection", collection_id=collection.id),
                "self",
                JSON,
                str(collection.title),
            ),
            _link(
                _url(request, "ogc_items", collection_id=collection.id),
                "items",
                GEOJSON,
                gettext("Các đối tượng"),
            ),
        ],
    }


def collections(request) -> dict:
    check_params(request.GET, {"f"})
    return {
        "links": [_link(_url(request, "ogc_collections"), "self", JSON)],
        "collections": [collection_info(request, c) for c in COLLECTIONS.values()],
    }


def collection(request, collection_id: str) -> dict:
    found = get_collection(collection_id)
    check_params(request.GET, {"f"})
    return collection_info(request, found)


def items(request, collection_id: str) -> dict:
    found = get_collection(collection_id)
    params = request.GET
    check_params(params, ITEMS_PARAMS)
    bbox = parse_bbox(params.get("bbox"))
    limit = parse_limit(params.get("limit"))
    offset = parse_offset(params.get("offset"))
    interval = parse_datetime(params.get("datetime"))
    matched = [
        feature
        for feature, stamp in found.stamped(request)
        if (bbox is None or in_bbox(feature, bbox))
        and (interval is None or in_interval(stamp, interval))
    ]
    page = matched[offset : offset + limit]
    query = {k: params[k] for k in ("bbox", "datetime", "f") if k in params}
    query["limit"] = limit

    def here(at: int) -> str:
        return _url(request, "ogc_items", {**query, "offset": at}, collection_id=found.id)

    links = [
        _link(here(offset), "self", GEOJSON),
        _link(_url(request, "ogc_collection", collection_id=found.id), "collection", JSON),
    ]
    if offset + limit < len(matched):
        links.append(_link(here(offset + limit), "next", GEOJSON, gettext("Trang sau")))
    if offset > 0:
        links.append(_link(here(max(0, offset - limit)), "prev", GEOJSON, gettext("Trang trước")))
    return {
        "type": "FeatureCollection",
        "features": page,
        "numberMatched": len(matched),
        "numberReturned": len(page),
        "timeStamp": _now(),
        "links": links,
    }


def item(request, collection_id: str, feature_id: str) -> dict:
    found = get_collection(collection_id)
    check_params(request.GET, {"f"})
    for feature, _stamp in found.stamped(request):
        if str(feature["id"]) == feature_id:
            return {
                **feature,
                "links": [
                    _link(
                        _url(
                            request,
                            "ogc_item",
                            collection_id=found.id,
                            feature_id=feature_id,
                        ),
                        "self",
                        GEOJSON,
                    ),
                    _link(
                        _url(request, "ogc_collection", collection_id=found.id),
                        "collection",
                        JSON,
                    ),
                ],
            }
    raise not_found(gettext("Không có đối tượng “%s” trong bộ sưu tập này.") % feature_id)
