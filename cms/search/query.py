"""The search request and its result, shared by every engine and by the views.

`parse_params(GET)` validates the public parameters and raises `SearchParamError` (→ HTTP 400)
with a message for anything it cannot understand; it never lets a bad value reach an engine.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

PAGE_SIZE = 20
MAX_PAGE = 500
MAX_QUERY_LENGTH = 200
MAX_RADIUS_KM = 500.0
DEFAULT_RADIUS_KM = 10.0

#: Price buckets for the price facet: (value, low inclusive, high exclusive).
PRICE_BUCKETS: tuple[tuple[str, int | None, int | None], ...] = (
    ("0-100000", None, 100_000),
    ("100000-500000", 100_000, 500_000),
    ("500000-1000000", 500_000, 1_000_000),
    ("1000000-5000000", 1_000_000, 5_000_000),
    ("5000000-", 5_000_000, None),
)

#: Orders other than relevance: buyers' rating (best first), price (lowest or highest first).
SORTS = ("rating", "price", "-price")

TRUE_VALUES = {"1", "true", "yes", "on", "co"}
FALSE_VALUES = {"", "0", "false", "no", "off", "khong"}


class SearchParamError(ValueError):
    """A request parameter is invalid; the message is safe to show to the user."""

    def __init__(self, param: str, message: str):
        super().__init__(message)
        self.param = param
        self.message = message


@dataclass(frozen=True)
class SearchQuery:
    q: str = ""
    types: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    stars: tuple[int, ...] = ()
    communes: tuple[str, ...] = ()
    price_min: int | None = None
    price_max: int | None = None
    in_stock: bool = False
    near: tuple[float, float] | None = None
    radius_km: float | None = None
    sort: str = ""  # "" relevance (or distance with near), else one of SORTS
    page: int = 1
    page_size: int = PAGE_SIZE

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


@dataclass
class Hit:
    type: str
    id: int
    title: str
    url: str
    snippet: str
    score: float
    title_html: str = ""
    distance_km: float | None = None
    facts: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        data = {
            "type": self.type,
            "id": self.id,
            "title": self.title,
            "url": self.url,
            "snippet": self.snippet,
            "score": round(self.score, 4),
        }
        if self.distance_km is not None:
            data["distance_km"] = round(self.distance_km, 2)
        return data


@dataclass
class SearchResult:
    query: SearchQuery
    count: int
    hits: list[Hit]
    facets: dict[str, list[dict]]
    engine: str = "database"

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.count / self.query.page_size))

    def to_json(self) -> dict:
        return {
            "query": self.query.q,
            "count": self.count,
            "page": self.query.page,
            "num_pages": self.num_pages,
            "engine": self.engine,
            "results": [hit.to_json() for hit in self.hits],
            "facets": self.facets,
        }


def _values(params, name: str, split: bool = True) -> list[str]:
    raw = params.getlist(name) if hasattr(params, "getlist") else _as_list(params.get(name))
    values = []
    for item in raw:
        parts = item.split(",") if split else [item]
        values.extend(p.strip() for p in parts if p.strip())
    return values


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)]


def _single(params, name: str) -> str:
    values = _values(params, name, split=False)
    return values[-1] if values else ""


def _int(params, name: str, low: int | None = None, high: int | None = None) -> int | None:
    raw = _single(params, name).replace(".", "").replace(" ", "")
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise SearchParamError(name, _("Tham số %(name)s phải là số nguyên.") % {"name": name})
    if (low is not None and value < low) or (high is not None and value > high):
        raise SearchParamError(
            name, _("Tham số %(name)s nằm ngoài khoảng cho phép.") % {"name": name}
        )
    return value


def _float(text: str, name: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise SearchParamError(name, _("Tham số %(name)s phải là số.") % {"name": name})
    if not math.isfinite(value):
        raise SearchParamError(name, _("Tham số %(name)s phải là số.") % {"name": name})
    return value


def parse_params(params, *, known_types: set[str] | None = None) -> SearchQuery:
    """Validate GET parameters into a `SearchQuery` (raises `SearchParamError`)."""
    q = " ".join(_single(params, "q").split())
    if len(q) > MAX_QUERY_LENGTH:
        raise SearchParamError(
            "q", _("Từ khoá quá dài (tối đa %(n)d ký tự).") % {"n": MAX_QUERY_LENGTH}
        )

    types = tuple(dict.fromkeys(_values(params, "type")))
    if known_types is not None:
        unknown = [t for t in types if t not in known_types]
        if unknown:
            raise SearchParamError(
                "type",
                _("Loại không hợp lệ: %(v)s (chọn trong: %(ok)s).")
                % {"v": ", ".join(unknown), "ok": ", ".join(sorted(known_types))},
            )

    categories = tuple(dict.fromkeys(_values(params, "category")))
    for code in categories:
        if len(code) > 20 or not all(ch.isalnum() or ch == "." for ch in code):
            raise SearchParamError(
                "category", _("Mã ngành hàng không hợp lệ: %(v)s.") % {"v": code}
            )

    stars = []
    for raw in _values(params, "stars"):
        if raw not in {"1", "2", "3", "4", "5"}:
            raise SearchParamError("stars", _("Hạng sao phải từ 1 đến 5."))
        stars.append(int(raw))

    communes = tuple(dict.fromkeys(_values(params, "commune", split=False)))
    if any(len(c) > 100 for c in communes):
        raise SearchParamError("commune", _("Tên xã/phường quá dài."))

    price_min = _int(params, "price_min", 0, 10**12)
    price_max = _int(params, "price_max", 0, 10**12)
    if price_min is not None and price_max is not None and price_min > price_max:
        raise SearchParamError("price_max", _("Giá đến phải lớn hơn hoặc bằng giá từ."))

    raw_stock = fold_ascii(_single(params, "in_stock"))
    if raw_stock in TRUE_VALUES:
        in_stock = True
    elif raw_stock in FALSE_VALUES:
        in_stock = False
    else:
        raise SearchParamError("in_stock", _("Tham số in_stock phải là 1 hoặc 0."))

    near = None
    raw_near = _single(params, "near")
    if raw_near:
        parts = raw_near.split(",")
        if len(parts) != 2:
            raise SearchParamError("near", _("Tham số near phải có dạng vĩ_độ,kinh_độ."))
        lat, lon = _float(parts[0].strip(), "near"), _float(parts[1].strip(), "near")
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise SearchParamError("near", _("Toạ độ nằm ngoài phạm vi hợp lệ."))
        near = (lat, lon)
    radius = None
    raw_radius = _single(params, "radius_km")
    if raw_radius:
        if near is None:
            raise SearchParamError("radius_km", _("radius_km cần đi kèm tham số near."))
        radius = _float(raw_radius, "radius_km")
        if not 0 < radius <= MAX_RADIUS_KM:
            raise SearchParamError(
                "radius_km", _("Bán kính phải lớn hơn 0 và tối đa %(n)d km.") % {"n": MAX_RADIUS_KM}
            )
    elif near is not None:
        radius = DEFAULT_RADIUS_KM

    sort = _single(params, "sort")
    if sort in ("relevance", "score"):
        sort = ""
    if sort and sort not in SORTS:
        raise SearchParamError(
            "sort",
            _("Cách sắp xếp không hợp lệ: %(v)s (chọn trong: %(ok)s).")
            % {"v": sort[:40], "ok": ", ".join(("relevance", *SORTS))},
        )

    page = _int(params, "page", 1, MAX_PAGE) or 1
    return SearchQuery(
        q=q,
        types=types,
        categories=categories,
        stars=tuple(dict.fromkeys(stars)),
        communes=communes,
        price_min=price_min,
        price_max=price_max,
        in_stock=in_stock,
        near=near,
        radius_km=radius,
        sort=sort,
        page=page,
    )


def fold_ascii(text: str) -> str:
    from .text import fold

    return fold(text)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    r1, r2 = math.radians(lat1), math.radians(lat2)
    dlat, dlon = r2 - r1, math.radians(lon2 - lon1)
    a = math.sin(dlat / 2) ** 2 + math.cos(r1) * math.cos(r2) * math.sin(dlon / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) enclosing the circle (a cheap pre-filter)."""
    dlat = radius_km / 111.0
    dlon = radius_km / (111.0 * max(0.01, math.cos(math.radians(lat))))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def commune_key(text: str) -> str:
    """Fold a commune name the way documents store it: no "xã"/"phường" prefix."""
    from .text import fold

    name = fold(text)
    for prefix in ("xa ", "phuong ", "thi tran ", "huyen ", "quan ", "thi xa "):
        if name.startswith(prefix):
            name = name[len(prefix) :]
    return " ".join(name.replace(",", " , ").split()).replace(" ,", ",")
