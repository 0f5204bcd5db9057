"""Facets, shared by both engines: counting (database engine), formatting and labels (both),
and the per-process cache of database facet counts.

Facets are disjunctive: each one is counted without its own filter. The database engine reads
the matches grouped by every facet column (plus whether each group passes the commune and
price filters) and `count_facets` adds each group to a facet value when the group passes every
*other* filter. Elasticsearch returns the same counts from filter-scoped aggregations;
`format_facets` turns either into the API's lists in a stable order.
"""

from __future__ import annotations

from ..query import PRICE_BUCKETS, SearchQuery, commune_key
from .cache import LocalCache

FACET_CACHE_SIZE = 256


class FacetCache(LocalCache):
    """Facet counts depend only on the index version, the match and the filters: keep the last
    few hundred per process (like Elasticsearch's shard request cache), so browsing and
    refining do not rescan the matches. Labels are in the UI language: part of the key."""

    def __init__(self, size: int = FACET_CACHE_SIZE):
        super().__init__(size)


def price_bucket_sql(column: str = "d.price") -> str:
    """A CASE expression naming the price bucket of each row (PRICE_BUCKETS)."""
    return (
        "CASE "
        + " ".join(
            "WHEN "
            + " AND ".join(
                ([f"{column} >= {low}"] if low is not None else [])
                + ([f"{column} < {high}"] if high is not None else [])
            )
            + f" THEN '{value}'"
            for value, low, high in PRICE_BUCKETS
        )
        + " END"
    )


def count_facets(groups, query: SearchQuery, type_labels) -> tuple[dict, int]:
    groups_wanted = {c for c in query.categories if "." not in c}
    subs_wanted = {c for c in query.categories if "." in c}
    counts: dict[tuple[str, str], int] = {}
    labels: dict[tuple[str, str], str] = {}
    chosen_communes: set[str] = set()
    total = 0
    for row in groups:
        doc_type, category, group, stars, commune, bucket, in_stock, c_ok, p_ok = row[:9]
        group_label, commune_label, count = row[9:]
        passes = {
            "type": not query.types or doc_type in query.types,
            "category": not query.categories or group in groups_wanted or category in subs_wanted,
            "stars": not query.stars or stars in query.stars,
            "commune": bool(c_ok),
            "price": bool(p_ok),
            "in_stock": not query.in_stock or bool(in_stock),
        }
        failed = [name for name, ok in passes.items() if not ok]
        if query.communes and c_ok and commune:
            chosen_communes.add(commune)
        if not failed:
            total += count
        if len(failed) > 1:
            continue
        values = {
            "type": doc_type,
            "category": group or None,
            "stars": str(stars) if stars is not None else None,
            "commune": commune or None,
            "price": bucket,
            "in_stock": "1" if in_stock else None,
        }
        for name, value in values.items():
            if value is None or (failed and failed[0] != name):
                continue
            key = (name, value)
            counts[key] = counts.get(key, 0) + count
            if name == "category":
                labels[key] = group_label or ""
            elif name == "commune":
                labels[key] = commune_label or ""
    rows = [(name, value, labels.get((name, value), ""), n) for (name, value), n in counts.items()]
    return format_facets(rows, query, type_labels, chosen_communes), total


def format_facets(
    rows, query: SearchQuery, type_labels: dict[str, str], chosen_communes=frozenset()
) -> dict[str, list[dict]]:
    """Facet rows (facet, value, label, count) → the API's facet lists, in a stable order."""
    from django.utils.translation import gettext as _

    facets: dict[str, list[dict]] = {
        "type": [],
        "category": [],
        "stars": [],
        "commune": [],
        "price": [],
        "in_stock": [],
    }
    selected_communes = {c if c.isdigit() else commune_key(c) for c in query.communes}
    for facet, value, label, count in rows:
        if value is None or not count:
            continue
        if facet == "type":
            entry = {"value": value, "label": str(type_labels.get(value, value))}
            entry["selected"] = value in query.types
        elif facet == "category":
            entry = {"value": value, "label": label or value}
            entry["selected"] = value in query.categories
        elif facet == "stars":
            entry = {"value": int(value), "label": _("%(n)s sao") % {"n": value}}
            entry["selected"] = int(value) in query.stars
        elif facet == "commune":
            entry = {"value": value, "label": label or value}
            entry["selected"] = (
                value in chosen_communes
                or value in selected_communes
                or commune_key(label) in selected_communes
            )
        elif facet == "price":
            low, _sep, high = value.partition("-")
            entry = {
                "value": value,
                "min": int(low) if low else None,
                "max": (int(high) - 1) if high else None,
                "label": price_label(int(low) if low else None, int(high) if high else None),
            }
            entry["selected"] = entry["min"] == query.price_min and entry["max"] == query.price_max
        else:
            entry = {"value": "1", "label": _("Còn hàng"), "selected": query.in_stock}
        entry["count"] = int(count)
        facets[facet].append(entry)
    facets["category"].sort(key=lambda e: _roman_key(e["value"]))
    facets["stars"].sort(key=lambda e: -e["value"])
    facets["commune"].sort(key=lambda e: (-e["count"], e["label"]))
    order = [value for value, _low, _high in PRICE_BUCKETS]
    facets["price"].sort(key=lambda e: order.index(e["value"]))
    facets["type"].sort(key=lambda e: -e["count"])
    return facets


def _roman_key(code: str) -> int:
    roman = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6}
    return roman.get(code, 99)


def price_label(low: int | None, high: int | None) -> str:
    from django.utils.translation import gettext as _

    def vnd(n: int) -> str:
        return f"{n:,}".replace(",", ".") + " ₫"

    if low is None:
        return _("Dưới %(p)s") % {"p": vnd(high)}
    if high is None:
        return _("Từ %(p)s") % {"p": vnd(low)}
    return f"{vnd(low)} – {vnd(high)}"
