"""Wagtail's database search backend (admin search, the /api/v2/ `search` parameter), with the
query cleaned first (issue 20). Typed queries crashed the engines with a server error: a double
quote made SQLite's FTS5 fail ("unterminated string"), a blank query too, and on PostgreSQL a
term with no letter or digit in a parsed query (`-"x"` in the admin's page search) built no
tsquery to combine. Quotes and NUL become spaces and word-less terms are dropped, in plain
strings and in the query objects Wagtail's admin parses them into; a query left empty finds
nothing, as Wagtail does for "".

The site's own search (cms/search/) has its own engine and does not use this.
"""

import re

from modelsearch.query import And, Boost, Fuzzy, Not, Or, Phrase, PlainText
from wagtail.search.backends.database import SearchBackend as database_backend

_WORD = re.compile(r"\w")


def _clean_text(text: str) -> str:
    terms = text.replace('"', " ").replace("\x00", " ").split()
    return " ".join(term for term in terms if _WORD.search(term))


def clean_query(query):
    """The query without what the engines cannot parse; "" when nothing is left."""
    cleaned = _clean(query)
    return "" if cleaned is None else cleaned


def _clean(query):
    if isinstance(query, str):
        return _clean_text(query) or None
    if isinstance(query, (PlainText, Phrase, Fuzzy)):
        text = _clean_text(query.query_string)
        if not text:
            return None
        query.query_string = text
        return query
    if isinstance(query, (And, Or)):
        parts = [part for part in (_clean(q) for q in query.subqueries) if part is not None]
        if not parts:
            return None
        if len(parts) == 1:
            return parts[0]
        query.subqueries = parts
        return query
    if isinstance(query, (Not, Boost)):
        inner = _clean(query.subquery)
        if inner is None:
            return None
        query.subquery = inner
        return query
    return query  # MatchAll and anything else built by code


class CleanQueryMixin:
    def _search(self, query_compiler_class, query, model_or_queryset, **kwargs):
        query = clean_query(query)
        return super()._search(query_compiler_class, query, model_or_queryset, **kwargs)


_classes = {}


def SearchBackend(params):  # noqa: N802 (the name Wagtail looks up in a backend module)
    backend = database_backend(params)
    base = type(backend)
    if base not in _classes:
        _classes[base] = type(f"Clean{base.__name__}", (CleanQueryMixin, base), {})
    return _classes[base](params)
