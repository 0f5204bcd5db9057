"""The embedded database engine, split the way Wagtail splits its own database backends: what
both databases share (`base`: writing, the search flow, re-ranking; `filters`: SQL conditions),
and one module per database (`sqlite`: FTS5; `postgres`: tsvector). Facets are shared with the
Elasticsearch engine (`..facets`), the vocabulary cache lives on its own (`..vocabulary`).

`DatabaseEngine` picks the dialect of the default connection at each call.
"""

from ..facets import format_facets, price_label
from .base import (
    BROAD_MATCHES,
    RANK_WINDOW,
    RERANK_WINDOW,
    SUGGEST_LIMIT,
    DatabaseEngine,
    Dialect,
    dialect,
    is_postgres,
)
from .filters import SORT_SQL, build_filters
from .sqlite import FTS_TABLE

__all__ = [
    "BROAD_MATCHES",
    "FTS_TABLE",
    "RANK_WINDOW",
    "RERANK_WINDOW",
    "SORT_SQL",
    "SUGGEST_LIMIT",
    "DatabaseEngine",
    "Dialect",
    "build_filters",
    "dialect",
    "format_facets",
    "is_postgres",
    "price_label",
]
