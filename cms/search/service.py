"""The one search service: views, tasks and commands talk to this module only.

    search(params_or_query) -> SearchResult        suggest(q) -> list[{"type","title","url"}]
    index_object(obj)   remove_object(obj)   update_objects(doc_type, ids)
    rebuild(progress)   update(progress)     status()

The database engine is always kept up to date (it is the fallback). When ELASTICSEARCH_URL is
set, Elasticsearch is written too and answers queries; if it is unreachable the error is logged
and the database engine answers instead, so the site keeps serving.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable

from django.conf import settings

from cms.cache import purge, purge_on_commit
from cms.language import neutral_language

from . import registry
from .backends.common import prepare
from .backends.database import DatabaseEngine
from .query import SearchQuery, SearchResult, parse_params

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
_database = DatabaseEngine()
_elastic_engine = None


def elasticsearch_url() -> str:
    return getattr(settings, "ELASTICSEARCH_URL", "") or os.environ.get("ELASTICSEARCH_URL", "")


def database_engine() -> DatabaseEngine:
    return _database


def elastic_engine():
    """The Elasticsearch engine when ELASTICSEARCH_URL is set, else None."""
    global _elastic_engine
    url = elasticsearch_url()
    if not url:
        return None
    if _elastic_engine is None or _elastic_engine.url != url:
        from .backends.elastic import ElasticsearchEngine

        _elastic_engine = ElasticsearchEngine(url)
    return _elastic_engine


def type_labels() -> dict[str, str]:
    return {d.doc_type: str(d.label) for d in registry.documents()}


def known_types() -> set[str]:
    return {d.doc_type for d in registry.documents()}


# --------------------------------------------------------------------------- #
# Reading
# --------------------------------------------------------------------------- #


def search(params) -> SearchResult:
    """Search with a `SearchQuery` or raw GET parameters (raises SearchParamError)."""
    query = (
        params
        if isinstance(params, SearchQuery)
        else parse_params(params, known_types=known_types())
    )
    result = None
    engine = elastic_engine()
    if engine is not None:
        try:
            result = engine.search(query, type_labels())
        except engine.unavailable as exc:
            logger.warning("Elasticsearch unavailable, searching the database instead: %s", exc)
    if result is None:
        result = _database.search(query, type_labels())
    registry.localize_facets(result.facets)
    return result


def suggest(q: str, limit: int = 8) -> list[dict]:
    q = " ".join((q or "").split())[:100]
    if not q:
        return []
    engine = elastic_engine()
    if engine is not None:
        try:
            return engine.suggest(q, limit)
        except engine.unavailable as exc:
            logger.warning("Elasticsearch unavailable, suggesting from the database: %s", exc)
    return _database.suggest(q, limit)


# --------------------------------------------------------------------------- #
# Writing
# --------------------------------------------------------------------------- #


def _prepared(document, objects):
    # Documents hold Vietnamese labels and unprefixed URLs, even when an /en/ request (a
    # checkout's stock change) re-indexes: English pages localise hits when they show them.
    with neutral_language():
        return [prepare(document.doc_type, obj.pk, document.to_document(obj)) for obj in objects]


def _write(prepared, strict: bool = False) -> None:
    _database.index(prepared)
    purge_on_commit("search")
    engine = elastic_engine()
    if engine is not None:
        try:
            engine.index(prepared)
        except engine.unavailable as exc:
            logger.warning("Elasticsearch unavailable, index update kept in the database: %s", exc)
            if strict:
                raise


def _delete(doc_type: str, ids, strict: bool = False) -> None:
    _database.remove(doc_type, ids)
    purge_on_commit("search")
    engine = elastic_engine()
    if engine is not None:
        try:
            engine.remove(doc_type, ids)
        except engine.unavailable as exc:
            logger.warning(
                "Elasticsearch unavailable, could not remove %s %s: %s", doc_type, ids, exc
            )
            if strict:
                raise


def update_objects(doc_type: str, object_ids, strict: bool = False) -> int:
    """Index the objects that are still indexable, drop the others. Returns how many indexed.
    The database index is always written; `strict` (the "index" job) raises when
    Elasticsearch is unavailable, so the job is tried again and Elasticsearch catches up."""
    document = registry.get_document(doc_type)
    if document is None:
        return 0
    object_ids = list(object_ids)
    live = list(document.get_queryset().filter(pk__in=object_ids))
    gone = set(object_ids) - {obj.pk for obj in live}
    if live:
        _write(_prepared(document, live), strict)
    if gone:
        _delete(doc_type, gone, strict)
    return len(live)


def index_object(obj) -> bool:
    document = registry.document_for(obj)
    if document is None:
        return False
    return update_objects(document.doc_type, [obj.pk]) == 1


def remove_object(obj) -> None:
    document = registry.document_for(obj)
    if document is not None:
        _delete(document.doc_type, [obj.pk])


Progress = Callable[[int], None] | None


def total_objects() -> int:
    return sum(d.count() for d in registry.documents())


def update(progress: Progress = None) -> dict:
    """Re-index every indexable object and drop stale documents (no downtime)."""
    indexed = removed = 0
    for document in registry.documents():
        seen = set()
        for batch in document.batches(BATCH_SIZE):
            _write(_prepared(document, batch))
            seen.update(obj.pk for obj in batch)
            indexed += len(batch)
            if progress:
                progress(len(batch))
        stale = _database.indexed_ids(document.doc_type) - seen
        if stale:
            _delete(document.doc_type, stale)
            removed += len(stale)
    return {"indexed": indexed, "removed": removed}


def rebuild(progress: Progress = None) -> dict:
    """Rebuild from scratch. The database rebuild runs in one transaction (readers keep the
    old index until it commits); Elasticsearch builds a new index and swaps the alias."""
    from django.db import transaction

    indexed = 0
    with transaction.atomic():
        _database.clear()
        for document in registry.documents():
            for batch in document.batches(BATCH_SIZE):
                _database.index(_prepared(document, batch))
                indexed += len(batch)
                if progress:
                    progress(len(batch))
        _database.mark_rebuilt()
    purge("search")
    engine = elastic_engine()
    if engine is not None:
        try:
            engine.rebuild(
                _prepared(document, batch)
                for document in registry.documents()
                for batch in document.batches(BATCH_SIZE)
            )
        except engine.unavailable as exc:
            logger.warning("Elasticsearch unavailable, rebuilt the database index only: %s", exc)
    return {"indexed": indexed}


def status() -> dict:
    info = {
        "database": _database.status(),
        "registered": {d.doc_type: d.count() for d in registry.documents()},
    }
    engine = elastic_engine()
    if engine is not None:
        try:
            info["elasticsearch"] = engine.status()
        except engine.unavailable as exc:
            info["elasticsearch"] = {"error": str(exc)}
    return info
