"""The embedded search engine: what SQLite FTS5 and PostgreSQL full text do alike.

Text is folded in Python (`cms.search.text.fold`, which maps đ → d unlike SQLite's own
`remove_diacritics`) and stored twice: folded (what matches) and normalised with its tones;
place names and intent tags go to a place field of their own (see `..common`). A query is
analysed once (`cms.search.analysis`, with the cached vocabulary of `..vocabulary`) and each
database's `Dialect` turns it into its expression: OR of readings, AND of a reading's spans,
OR of a span's terms.

One grouped pass over the matches (a MATERIALIZED CTE, no scoring) gives the total and every
facet count, each facet without its own filter (`..facets`), cached per index version; a
second statement returns the best `RERANK_WINDOW` by the database's own score (bm25, ts_rank)
times the boost, which `cms.search.scoring` re-orders the same way on both databases; deeper
pages keep the database's order.

Broad queries (more than BROAD_MATCHES matches, first RANK_WINDOW results) skip relevance
scoring, whose cost grows with every match: FTS5's bm25 scores each matching row and, for the
IDF, walks each query term's whole postings list; PostgreSQL's ts_rank reads every matching
row's tsvector. Their candidates come from match tiers instead — the accented phrase in the
title, the phrase in the title, every word in the title, every accented word, any match —
then boost, then newest, and are re-ordered like any other.
"""

from __future__ import annotations

import os

from django.db import connection, transaction
from django.utils import timezone

from ... import scoring
from ...analysis import AnalyzedQuery
from ...models import IndexedDocument, IndexState, SearchTerm
from ...query import Hit, SearchQuery, SearchResult
from ...text import highlight, snippet
from .. import vocabulary
from ..cache import LocalCache
from ..common import PreparedDocument
from ..common import vocabulary as document_vocabulary
from ..facets import FacetCache, count_facets, price_bucket_sql
from .filters import DISTANCE_SQL, DOC_TABLE, SORT_SQL, build_filters, in_list, where

SUGGEST_LIMIT = 8
#: Suggestion candidates re-ordered by `cms.search.scoring`.
SUGGEST_CANDIDATES = 40
#: Above this many matches a query is "broad" and ranked by tiers (see the module docstring).
BROAD_MATCHES = 1000
#: Rows read per tier for a broad query; deeper pages fall back to full bm25 ranking.
RANK_WINDOW = 500
#: The best this many candidates are re-ordered in Python (scoring.RERANK_WINDOW).
RERANK_WINDOW = scoring.RERANK_WINDOW
#: Answers (a page of hits and its facets, a list of suggestions) kept per process, keyed with
#: the index and rules versions: popular queries and the prefixes everyone types repeat.
#: SEARCH_RESULT_CACHE_SIZE=0 in the environment turns it off (the bench measures both).
RESULT_CACHE_SIZE = int(os.environ.get("SEARCH_RESULT_CACHE_SIZE", "256"))

UPDATE_FIELDS = [
    "title",
    "url",
    "body",
    "boost",
    "category",
    "category_label",
    "group_code",
    "group_label",
    "stars",
    "commune",
    "commune_label",
    "commune_keys",
    "price",
    "in_stock",
    "rating",
    "rating_count",
    "rank_data",
    "lat",
    "lon",
    "updated_at",
]


class Dialect:
    """What differs between databases: how texts are stored and how a query is written."""

    vendor = ""
    #: Whether counting "more than N matches" is cheap enough to try before ranking.
    counts_cheaply = False

    # --- writing ----------------------------------------------------------------------
    def write_texts(self, cursor, rows: list[tuple]) -> None:
        """rows: (document id, title_f, title_e, alt_f, body_f, body_e, place)."""
        raise NotImplementedError

    def delete_texts(self, cursor, ids: list[int]) -> None:
        pass

    def clear_texts(self, cursor) -> None:
        pass

    # --- reading ----------------------------------------------------------------------
    def match(self, analyzed: AnalyzedQuery, *, relaxed=False, suggest=False) -> str:
        raise NotImplementedError

    def tiers(self, analyzed: AnalyzedQuery, *, suggest=False) -> list[str]:
        raise NotImplementedError

    def exact(self, analyzed: AnalyzedQuery) -> str:
        """An extra expression whose score ranks exact tones first ("" if not needed)."""
        return ""

    def matched_cte(self, match: str, exact: str = "", ranked: bool = True):
        raise NotImplementedError

    def tier_candidates(self, match, tiers, condition, params, need) -> dict:
        raise NotImplementedError

    def has_more_matches(self, match: str, limit: int) -> bool:
        return False

    def suggest_rows(self, match: str, limit: int) -> list[tuple]:
        raise NotImplementedError


def dialect() -> Dialect:
    """The dialect of the default database connection."""
    from .postgres import PostgresDialect
    from .sqlite import SQLiteDialect

    return _DIALECTS.setdefault(
        connection.vendor,
        PostgresDialect() if connection.vendor == "postgresql" else SQLiteDialect(),
    )


_DIALECTS: dict[str, Dialect] = {}


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


class DatabaseEngine:
    name = "database"

    def __init__(self):
        self.facet_cache = FacetCache()
        self.result_cache = LocalCache(RESULT_CACHE_SIZE)

    @property
    def dialect(self) -> Dialect:
        return dialect()

    # --- writing ------------------------------------------------------------------------
    @transaction.atomic
    def index(self, prepared: list[PreparedDocument]) -> None:
        if not prepared:
            return
        keys = {(p.doc_type, p.object_id): p for p in prepared}
        existing = {}
        for doc_type in {p.doc_type for p in prepared}:
            ids = [p.object_id for p in prepared if p.doc_type == doc_type]
            for row in IndexedDocument.objects.filter(doc_type=doc_type, object_id__in=ids):
                existing[(row.doc_type, row.object_id)] = row
        to_create, to_update = [], []
        for key, item in keys.items():
            row = existing.get(key) or IndexedDocument(doc_type=item.doc_type, object_id=key[1])
            _fill(row, item)
            (to_update if row.pk else to_create).append(row)
        if to_update:
            IndexedDocument.objects.bulk_update(to_update, UPDATE_FIELDS, batch_size=500)
        if to_create:
            IndexedDocument.objects.bulk_create(to_create, batch_size=500)
        rows = to_update + to_create
        by_key = {(r.doc_type, r.object_id): r.pk for r in rows}
        text_rows = [
            (by_key[key], p.title_f, p.title_e, p.alt_f, p.body_f, p.body_e, p.place_text)
            for key, p in keys.items()
        ]
        with connection.cursor() as cursor:
            self.dialect.write_texts(cursor, text_rows)
        words, places = set(), set()
        for item in prepared:
            words |= document_vocabulary(item)
            places.update(item.places)
        SearchTerm.objects.bulk_create(
            [SearchTerm(term=w, kind=SearchTerm.WORD) for w in sorted(words)]
            + [SearchTerm(term=p, kind=SearchTerm.PLACE) for p in sorted(places)],
            ignore_conflicts=True,
            batch_size=500,
        )
        vocabulary.bump_version()

    @transaction.atomic
    def remove(self, doc_type: str, object_ids) -> int:
        ids = list(
            IndexedDocument.objects.filter(
                doc_type=doc_type, object_id__in=list(object_ids)
            ).values_list("pk", flat=True)
        )
        if not ids:
            return 0
        with connection.cursor() as cursor:
            self.dialect.delete_texts(cursor, ids)
        IndexedDocument.objects.filter(pk__in=ids).delete()
        vocabulary.bump_version()
        return len(ids)

    @transaction.atomic
    def clear(self) -> None:
        with connection.cursor() as cursor:
            self.dialect.clear_texts(cursor)
        IndexedDocument.objects.all().delete()
        SearchTerm.objects.all().delete()
        vocabulary.bump_version()

    def indexed_ids(self, doc_type: str) -> set[int]:
        return set(
            IndexedDocument.objects.filter(doc_type=doc_type).values_list("object_id", flat=True)
        )

    def mark_rebuilt(self) -> None:
        IndexState.objects.update_or_create(key="default", defaults={"rebuilt_at": timezone.now()})

    def status(self) -> dict:
        state = IndexState.objects.filter(key="default").first()
        counts = {}
        for doc_type in IndexedDocument.objects.values_list("doc_type", flat=True).distinct():
            counts[doc_type] = IndexedDocument.objects.filter(doc_type=doc_type).count()
        return {
            "engine": self.name,
            "documents": counts,
            "terms": SearchTerm.objects.filter(kind=SearchTerm.WORD).count(),
            "places": SearchTerm.objects.filter(kind=SearchTerm.PLACE).count(),
            "version": state.version if state else 0,
            "rebuilt_at": state.rebuilt_at if state else None,
        }

    # --- reading ------------------------------------------------------------------------
    def _tuning(self) -> tuple:
        return (BROAD_MATCHES, RANK_WINDOW, RERANK_WINDOW, connection.vendor)

    def search(self, query: SearchQuery, type_labels: dict[str, str]) -> SearchResult:
        versions = vocabulary.versions()  # one read per search: vocabulary, rules, caches
        key = ("search", versions, self._tuning(), query, tuple(sorted(type_labels.items())))
        return self.result_cache.get_or_compute(
            key, lambda: self._search(query, type_labels, versions)
        )

    def _search(self, query: SearchQuery, type_labels: dict[str, str], versions) -> SearchResult:
        analyzed = vocabulary.analyze_query(query.q, version=versions)
        dialect = self.dialect
        filters = build_filters(query)
        match = dialect.match(analyzed) if not analyzed.empty else ""
        facets, count = self._cached_facets(match, filters, query, type_labels, versions)
        if count == 0 and len(analyzed.spans()) > 1:
            match = dialect.match(analyzed, relaxed=True)
            facets, count = self._cached_facets(match, filters, query, type_labels, versions)
        if count <= query.offset:
            rows = []
        elif match and self._is_broad(count, query):
            rows = self._broad_page(analyzed, match, filters, query)
        elif match and self._reranks(query):
            rows = self._reranked_page(analyzed, match, filters, query)
        else:
            rows = self._page(match, filters, query, dialect.exact(analyzed) if match else "")
        extra = analyzed.highlight_words() if match else []
        hits = [self._hit(row, query, extra) for row in rows]
        return SearchResult(query=query, count=count, hits=hits, facets=facets, engine=self.name)

    @staticmethod
    def _reranks(query: SearchQuery) -> bool:
        return not query.sort and not query.near and query.offset + query.page_size <= RERANK_WINDOW

    @staticmethod
    def _is_broad(count: int, query: SearchQuery) -> bool:
        return (
            count > BROAD_MATCHES
            and not query.near
            and not query.sort
            and query.offset + query.page_size <= RANK_WINDOW
        )

    def _source(self, match: str, exact: str = "", ranked=True) -> tuple[str, str, list]:
        """(WITH clause, FROM clause, params) for matched or all documents."""
        if match:
            cte, params = self.dialect.matched_cte(match, exact, ranked)
            return cte, f"FROM m JOIN {DOC_TABLE} d ON d.id = m.id", params
        return "", f"FROM {DOC_TABLE} d", []

    def _page(self, match: str, filters: dict, query: SearchQuery, exact: str = ""):
        cte, source, params = self._source(match, exact)
        where_sql, where_params = where(filters)
        score = "m.rank * d.boost" if match else "d.boost"
        distance, distance_params = "NULL", []
        if query.near:
            lat, lon = query.near
            distance, distance_params = DISTANCE_SQL, [lat, lat, lon]
        if query.sort:
            order = f"{SORT_SQL[query.sort]}, score DESC, d.title, d.id"
        elif query.near:
            order = "distance ASC, score DESC, d.id"
        else:
            order = "score DESC, d.title, d.id"
        sql = (
            f"{cte}SELECT d.doc_type, d.object_id, d.title, d.url, d.body, {score} AS score, "
            f"{distance} AS distance "
            f"{source}{where_sql} ORDER BY {order} LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                sql, params + distance_params + where_params + [query.page_size, query.offset]
            )
            return cursor.fetchall()

    def _reranked_page(self, analyzed, match: str, filters: dict, query: SearchQuery):
        """The best RERANK_WINDOW by the database's score, re-ordered by `scoring`."""
        cte, source, params = self._source(match, self.dialect.exact(analyzed))
        where_sql, where_params = where(filters)
        sql = (
            f"{cte}SELECT d.id, d.rank_data, d.boost, m.rank * d.boost AS score "
            f"{source}{where_sql} ORDER BY score DESC, d.title, d.id LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params + where_params + [RERANK_WINDOW])
            candidates = cursor.fetchall()
        return self._rows_in_rerank_order(analyzed, candidates, query)

    def _rows_in_rerank_order(self, analyzed, candidates, query: SearchQuery):
        order = scoring.rerank(analyzed, candidates)[query.offset : query.offset + query.page_size]
        scores = dict(order)
        rows = _documents_in_order("d.doc_type, d.object_id, d.title, d.url, d.body", list(scores))
        return [(*row, scores[i], None) for i, row in rows]

    def _tier_candidates(self, analyzed, match: str, filters: dict, need: int, suggest=False):
        where_sql, where_params = where(filters)
        condition = where_sql.replace(" WHERE ", " AND ", 1)
        tiers = self.dialect.tiers(analyzed, suggest=suggest)
        return self.dialect.tier_candidates(match, tiers, condition, where_params, need)

    def _broad_page(self, analyzed, match: str, filters: dict, query: SearchQuery):
        """A page of a broad query: the tiers' best candidates (tier, then boost, then newest),
        re-ordered by `scoring` within the first RERANK_WINDOW."""
        need = max(query.offset + query.page_size, RERANK_WINDOW)
        found = self._tier_candidates(analyzed, match, filters, need)
        order = sorted(found, key=lambda i: (found[i][0], -found[i][1], -i))
        if query.offset + query.page_size > RERANK_WINDOW:
            rows = _documents_in_order(
                "d.doc_type, d.object_id, d.title, d.url, d.body",
                order[query.offset : query.offset + query.page_size],
            )
            tiers = 1 + max(tier for tier, _boost, _length in found.values())
            return [(*row, found[i][1] + tiers - found[i][0], None) for i, row in rows]
        candidates = _rank_rows(order[:RERANK_WINDOW])
        return self._rows_in_rerank_order(analyzed, candidates, query)

    def _cached_facets(self, match, filters, query, type_labels, versions):
        key = (versions[0], match, repr(sorted(filters.items())), query.communes)
        return self.facet_cache.get_or_compute(
            key, lambda: self._facets(match, filters, query, type_labels)
        )

    def _facets(self, match, filters, query, type_labels) -> tuple[dict[str, list[dict]], int]:
        """All facet counts (each without its own filter) and the total, in one pass.

        The matches are grouped by every facet column (plus whether each row passes the
        commune and price filters); `count_facets` then adds each group's count to a facet
        value when the group passes every *other* filter.
        """
        cte, source, params = self._source(match, ranked=False)
        flags, flag_params = [], []
        for name in ("commune", "price"):
            if name in filters:
                condition, values = filters[name]
                flags.append(f"CASE WHEN {condition} THEN 1 ELSE 0 END")
                flag_params += values
            else:
                flags.append("1")
        where_sql, where_params = where({k: v for k, v in filters.items() if k == "near"})
        columns = (
            f"d.doc_type, d.category, d.group_code, d.stars, d.commune, {price_bucket_sql()}, "
            f"d.in_stock, {flags[0]}, {flags[1]}"
        )
        sql = (
            f"{cte}SELECT {columns}, MAX(d.group_label), MAX(d.commune_label), COUNT(*) "
            f"{source}{where_sql} GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params + flag_params + where_params)
            groups = cursor.fetchall()
        return count_facets(groups, query, type_labels)

    def _hit(self, row, query: SearchQuery, extra: list[str]) -> Hit:
        doc_type, object_id, title, url, body, score, distance = row
        text = body or title
        return Hit(
            type=doc_type,
            id=object_id,
            title=title,
            url=url,
            snippet=snippet(text, query.q, 160, prefer_exact=True, extra=extra),
            score=float(score or 0),
            title_html=(
                highlight(title, query.q, prefer_exact=True, extra=extra) if query.q else ""
            ),
            distance_km=float(distance) if distance is not None else None,
        )

    def suggest(self, q: str, limit: int = SUGGEST_LIMIT) -> list[dict]:
        versions = vocabulary.versions()
        key = ("suggest", versions, self._tuning(), q, limit)
        return self.result_cache.get_or_compute(key, lambda: self._suggest(q, limit, versions))

    def _suggest(self, q: str, limit: int, versions) -> list[dict]:
        dialect = self.dialect
        rows = []
        for typos in (False, True):
            analyzed = vocabulary.analyze_query(q, suggest=True, typos=typos, version=versions)
            if analyzed.empty:
                return []
            match = dialect.match(analyzed, suggest=True)
            if dialect.counts_cheaply and dialect.has_more_matches(match, BROAD_MATCHES):
                found = self._tier_candidates(analyzed, match, {}, limit, suggest=True)
                order = sorted(found, key=lambda i: (found[i][0], -found[i][1], found[i][2], -i))
                candidates = _rank_rows(order[:SUGGEST_CANDIDATES])
            else:
                candidates = dialect.suggest_rows(match, SUGGEST_CANDIDATES)
            if candidates:
                order = [i for i, _score in scoring.rerank(analyzed, candidates)[:limit]]
                rows = [row for _i, row in _documents_in_order("d.doc_type, d.title, d.url", order)]
                break
        return [{"type": t, "title": title, "url": url} for t, title, url in rows]


def _documents_in_order(columns: str, ids: list[int]) -> list[tuple[int, tuple]]:
    """(id, row of `columns`) for the documents `ids` that still exist, in the order given."""
    if not ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT d.id, {columns} FROM {DOC_TABLE} d WHERE {in_list('d.id', ids)}", ids
        )
        by_id = {row[0]: row[1:] for row in cursor.fetchall()}
    return [(i, by_id[i]) for i in ids if i in by_id]


def _rank_rows(ids: list[int]) -> list[tuple]:
    """(id, rank data, boost, 0) for `scoring.rerank`, in the order given."""
    return [
        (i, data, boost, 0.0)
        for i, (data, boost) in _documents_in_order("d.rank_data, d.boost", ids)
    ]


def _fill(row: IndexedDocument, item: PreparedDocument) -> None:
    data = item.data
    geo = data.get("geo") or (None, None)
    row.title = (data.get("title") or "")[:255]
    row.url = (data.get("url") or "")[:500]
    row.body = item.snippet_text
    row.boost = float(data.get("boost") or 1.0)
    row.category = data.get("category") or ""
    row.category_label = data.get("category_label") or ""
    row.group_code = data.get("group") or ""
    row.group_label = data.get("group_label") or ""
    row.stars = data.get("stars")
    row.commune = data.get("commune") or ""
    row.commune_label = data.get("commune_label") or ""
    row.commune_keys = item.commune_keys
    row.price = data.get("price")
    row.in_stock = data.get("in_stock")
    row.rating = data.get("rating")
    row.rating_count = data.get("rating_count") or 0
    row.rank_data = item.rank_data
    row.lat, row.lon = geo
    row.updated_at = timezone.now()
