"""Wagtail's database search backend (admin search, the /api/v2/ `search` parameter), with the
query cleaned first (issue 20): a double quote or a blank query made SQLite's FTS5 fail
("unterminated string") with a server error. Quotes and NUL become spaces, runs of spaces one;
a query left empty finds nothing, as Wagtail does for "".

The site's own search (cms/search/) has its own engine and does not use this.
"""

from wagtail.search.backends.database import SearchBackend as database_backend


def clean_query(query):
    if not isinstance(query, str):
        return query  # a Wagtail query object (Phrase, PlainText …) built by code, not typed
    return " ".join(query.replace('"', " ").replace("\x00", " ").split())


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
