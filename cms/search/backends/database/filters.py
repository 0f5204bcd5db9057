"""SQL conditions of the database engine's filters and orders (both databases)."""

from __future__ import annotations

from ...models import IndexedDocument
from ...query import DEFAULT_RADIUS_KM, SearchQuery, bounding_box, commune_key

DOC_TABLE = IndexedDocument._meta.db_table

#: ORDER BY terms of the sorts other than relevance (query.SORTS); unrated or unpriced last.
SORT_SQL = {
    "rating": "(d.rating IS NULL), d.rating DESC, d.rating_count DESC",
    "price": "(d.price IS NULL), d.price ASC",
    "-price": "(d.price IS NULL), d.price DESC",
}

DISTANCE_SQL = (
    "(12742.0 * ASIN(SQRT("
    "POWER(SIN(RADIANS(d.lat - %s) / 2), 2) + "
    "COS(RADIANS(%s)) * COS(RADIANS(d.lat)) * POWER(SIN(RADIANS(d.lon - %s) / 2), 2))))"
)


def build_filters(query: SearchQuery) -> dict[str, tuple[str, list]]:
    """Named SQL conditions on the document table `d`; facets drop their own one."""
    filters: dict[str, tuple[str, list]] = {}
    if query.types:
        filters["type"] = (in_list("d.doc_type", query.types), list(query.types))
    if query.categories:
        groups = [c for c in query.categories if "." not in c]
        subs = [c for c in query.categories if "." in c]
        parts, params = [], []
        if groups:
            parts.append(in_list("d.group_code", groups))
            params += groups
        if subs:
            parts.append(in_list("d.category", subs))
            params += subs
        filters["category"] = ("(" + " OR ".join(parts) + ")", params)
    if query.stars:
        filters["stars"] = (in_list("d.stars", query.stars), list(query.stars))
    if query.communes:
        parts, params = [], []
        for name in query.communes:
            parts.append("d.commune_keys LIKE %s")
            params.append("%|" + (name if name.isdigit() else commune_key(name)) + "|%")
        filters["commune"] = ("(" + " OR ".join(parts) + ")", params)
    if query.price_min is not None or query.price_max is not None:
        parts, params = ["d.price IS NOT NULL"], []
        if query.price_min is not None:
            parts.append("d.price >= %s")
            params.append(query.price_min)
        if query.price_max is not None:
            parts.append("d.price <= %s")
            params.append(query.price_max)
        filters["price"] = ("(" + " AND ".join(parts) + ")", params)
    if query.in_stock:
        filters["in_stock"] = ("d.in_stock = %s", [True])
    if query.near:
        lat, lon = query.near
        radius = query.radius_km or DEFAULT_RADIUS_KM
        min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, radius)
        filters["near"] = (
            "(d.lat BETWEEN %s AND %s AND d.lon BETWEEN %s AND %s AND " + DISTANCE_SQL + " <= %s)",
            [min_lat, max_lat, min_lon, max_lon, lat, lat, lon, radius],
        )
    return filters


def in_list(column: str, values) -> str:
    return f"{column} IN ({', '.join(['%s'] * len(values))})"


def where(filters: dict, exclude: str | None = None, extra: str | None = None):
    parts, params = [], []
    for name, (sql, values) in filters.items():
        if name != exclude:
            parts.append(sql)
            params += values
    if extra:
        parts.append(extra)
    return (" WHERE " + " AND ".join(parts)) if parts else "", params
