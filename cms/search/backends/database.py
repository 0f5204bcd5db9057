"""The embedded search engine: SQLite FTS5, or PostgreSQL full text, over folded text.

Text is folded in Python (`cms.search.text.fold`, which maps đ → d unlike SQLite's own
`remove_diacritics`) and stored twice: folded (what matches) and normalised with its tones
(what ranks exact-tone matches first). Per query token the match expression is
"folded term, its typo corrections (from the vocabulary table) — or the exact accented term";
multi-word queries add the whole phrase as an optional clause, and synonyms add whole
alternative queries, so they raise the score of documents that also match them.

One SQL statement returns a page of hits, a second one all facet counts and the total: both
read the matched set from a MATERIALIZED CTE, and each facet ignores its own filter (disjunctive
facets).

Broad queries (more than BROAD_MATCHES matches, first RANK_WINDOW results) skip relevance
scoring, whose cost grows with every match: FTS5's bm25 scores each matching row and, for the
IDF, walks each query term's whole postings list; PostgreSQL's ts_rank reads every matching
row's tsvector. They are ranked by match tiers instead — the accented phrase in the title, the
phrase in the title, every word in the title, every accented word, any match — then boost,
then newest. Each tier reads at most RANK_WINDOW rows, newest first, so the cost no longer
depends on how many documents match.
"""

from __future__ import annotations

import copy
import secrets
import threading
from collections import OrderedDict

from django.db import connection, transaction
from django.utils import timezone, translation

from ..models import IndexedDocument, IndexState, SearchTerm
from ..query import (
    DEFAULT_RADIUS_KM,
    PRICE_BUCKETS,
    Hit,
    SearchQuery,
    SearchResult,
    bounding_box,
    commune_key,
)
from ..text import edit_budget, expand_synonyms, highlight, snippet, within_edits
from .common import ParsedQuery, PreparedDocument, parse_query, vocabulary

DOC_TABLE = IndexedDocument._meta.db_table
FTS_TABLE = "search_index_fts"
#: bm25 column weights for title_f, title_e, alt_f, body_f, body_e.
BM25_WEIGHTS = "10.0, 4.0, 6.0, 1.0, 0.6"
MATCH_COLUMNS = "{title_f alt_f body_f}"
EXACT_COLUMNS = "{title_e body_e}"
TITLE_COLUMNS = "{title_f alt_f}"
MAX_TYPO_CANDIDATES = 8
MAX_SYNONYM_ALTERNATIVES = 4
SUGGEST_LIMIT = 8
#: Above this many matches a query is "broad" and ranked by tiers (see the module docstring).
BROAD_MATCHES = 1000
#: Rows read per tier for a broad query; deeper pages fall back to full bm25 ranking.
RANK_WINDOW = 500
#: PostgreSQL reads one window of the newest matches and tiers them (see _pg_tier_candidates).
PG_RANK_WINDOW = 2000


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


# --------------------------------------------------------------------------- #
# Vocabulary (typo candidates), cached per process and per index version
# --------------------------------------------------------------------------- #

_vocab_lock = threading.Lock()
_facet_lock = threading.Lock()
_facet_cache: OrderedDict = OrderedDict()
FACET_CACHE_SIZE = 256
_vocab: dict = {"version": None, "words": frozenset(), "by_length": {}}


def index_version() -> int:
    return IndexState.objects.filter(key="default").values_list("version", flat=True).first() or 0


def bump_version() -> None:
    """Mark the index as changed. A random value, not a counter: after a rolled-back write the
    next change must not reuse a version some process cached results under."""
    version = secrets.randbits(62)
    if not IndexState.objects.filter(key="default").update(version=version):
        IndexState.objects.get_or_create(key="default", defaults={"version": version})


def _vocabulary(version: int | None = None):
    if version is None:
        version = index_version()
    if _vocab["version"] != version:
        with _vocab_lock:
            words = frozenset(SearchTerm.objects.values_list("term", flat=True))
            by_length: dict[int, list[str]] = {}
            for word in words:
                by_length.setdefault(len(word), []).append(word)
            _vocab.update(version=version, words=words, by_length=by_length)
    return _vocab


def typo_candidates(term: str, vocab=None) -> list[str]:
    """Vocabulary terms within the edit budget of `term` (empty when `term` is known)."""
    budget = edit_budget(term)
    if budget == 0 or not term.isalpha():
        return []
    vocab = vocab or _vocabulary()
    if term in vocab["words"]:
        return []
    found = []
    for length in range(len(term) - budget, len(term) + budget + 1):
        for word in vocab["by_length"].get(length, ()):
            if within_edits(term, word, budget):
                found.append(word)
    # Prefer single-edit corrections, then shorter words; keep the expression bounded.
    found.sort(key=lambda w: (not within_edits(term, w, 1), abs(len(w) - len(term)), w))
    return found[:MAX_TYPO_CANDIDATES]


# --------------------------------------------------------------------------- #
# Match expressions
# --------------------------------------------------------------------------- #


def _q(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _pg(term: str) -> str:
    return "'" + term.replace("'", "''").replace("\\", "") + "'"


def build_match(
    parsed: ParsedQuery, *, relaxed=False, suggest=False, typos=True, pg=False, version=None
):
    """The FTS5 MATCH string (or PostgreSQL tsquery text) for a parsed query."""
    if parsed.empty:
        return ""
    groups = [
        _group(alternatives, exact, folded, prefix, suggest, pg)
        for alternatives, exact, folded, prefix in _token_groups(parsed, suggest, typos, version)
    ]
    joiner = " | " if pg and relaxed else " & " if pg else " OR " if relaxed else " AND "
    expression = "(" + joiner.join(groups) + ")"
    if suggest:
        return expression
    extras = []
    if len(parsed.folded) > 1:
        extras.append(_phrase(parsed.folded, MATCH_COLUMNS, pg))
        if parsed.exact != parsed.folded:
            extras.append(_phrase(parsed.exact, EXACT_COLUMNS, pg))
    for alternative in expand_synonyms(parsed.folded)[:MAX_SYNONYM_ALTERNATIVES]:
        words = alternative.split()
        inner = (" & " if pg else " AND ").join(
            (_pg(w) if pg else f"{MATCH_COLUMNS} : {_q(w)}") for w in words
        )
        extras.append("(" + inner + ")")
        if len(words) > 1:
            extras.append(_phrase(words, MATCH_COLUMNS, pg))
    if extras:
        expression = "(" + (" | " if pg else " OR ").join([expression, *extras]) + ")"
    return expression


def _token_groups(parsed: ParsedQuery, suggest: bool, typos: bool, version=None):
    """Per query token: (alternatives: the folded term and its typo corrections, the exact
    term, the folded term, whether it also matches as a prefix)."""
    vocab = _vocabulary(version) if typos else None
    last = len(parsed.folded) - 1
    for i, (folded, exact) in enumerate(zip(parsed.folded, parsed.exact, strict=True)):
        alternatives = [folded]
        if typos:
            alternatives += typo_candidates(folded, vocab)
        yield alternatives, exact, folded, i == last and (suggest or len(folded) >= 3)


def build_tiers(
    parsed: ParsedQuery, *, suggest=False, typos=True, version=None, pg=False
) -> list[str]:
    """The ranking tiers of a broad query, best first, as FTS5 expressions (or tsquery text on
    PostgreSQL, where titles carry weights A and B). Each is AND-ed with the match itself; a
    final implicit tier is "any match". Accented tiers only appear when the query was typed
    with accents; phrase tiers only for several words."""
    groups = list(_token_groups(parsed, suggest, typos, version))
    accented = parsed.exact != parsed.folded and not suggest
    last_is_prefix = groups[-1][3]
    title_groups = [
        _group(alternatives, exact, folded, prefix, True, pg, TITLE_COLUMNS)
        for alternatives, exact, folded, prefix in groups
    ]
    tiers = []
    if pg:
        if accented:
            tiers.append(" <-> ".join(f"{_pg(e)}:A" for e in parsed.exact))
        if len(groups) > 1:
            words = [f"{_pg(f)}:AB" for f in parsed.folded]
            if last_is_prefix:
                words[-1] = f"{_pg(parsed.folded[-1])}:*AB"
            tiers.append("(" + " <-> ".join(words) + ")")
        tiers.append("(" + " & ".join(title_groups) + ")")
        if accented:
            tiers.append("(" + " & ".join(_pg(e) for e in parsed.exact) + ")")
        return tiers
    if accented:
        tiers.append("{title_e} : " + _q(" ".join(parsed.exact)))
    if len(groups) > 1:
        phrase = _q(" ".join(parsed.folded)) + (" *" if last_is_prefix else "")
        tiers.append(f"{TITLE_COLUMNS} : {phrase}")
    tiers.append("(" + " AND ".join(title_groups) + ")")
    if accented:
        tiers.append(f"{EXACT_COLUMNS} : (" + " AND ".join(_q(e) for e in parsed.exact) + ")")
    return tiers


PG_EXACT_BONUS = 4.0


def exact_tsquery(parsed: ParsedQuery) -> str:
    """PostgreSQL: the accented query tokens (those that differ from their folding), OR-ed."""
    accented = [e for e, f in zip(parsed.exact, parsed.folded, strict=True) if e != f]
    if len(parsed.exact) > 1 and accented:
        accented.append("(" + " <-> ".join(_pg(e) for e in parsed.exact) + ")")
        return " | ".join(_pg(e) if not e.startswith("(") else e for e in accented)
    return " | ".join(_pg(e) for e in accented)


def _group(alternatives, exact, folded, prefix, suggest, pg, columns=None) -> str:
    if pg:
        weights = "AB" if suggest else ""
        parts = [f"{_pg(a)}{':' + weights if weights else ''}" for a in alternatives]
        if prefix:
            parts.append(f"{_pg(folded)}:*{weights}")
        if exact != folded and not suggest:
            parts.append(_pg(exact))
        return "(" + " | ".join(parts) + ")"
    columns = columns or (TITLE_COLUMNS if suggest else MATCH_COLUMNS)
    parts = [_q(a) for a in alternatives]
    if prefix:
        parts.append(_q(folded) + " *")
    text = f"{columns} : (" + " OR ".join(parts) + ")"
    if exact != folded and not suggest:
        text = f"({text} OR {EXACT_COLUMNS} : {_q(exact)})"
    return text


def _phrase(words, columns, pg) -> str:
    if pg:
        return "(" + " <-> ".join(_pg(w) for w in words) + ")"
    return f"{columns} : " + _q(" ".join(words))


# --------------------------------------------------------------------------- #
# Filters
# --------------------------------------------------------------------------- #

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
        filters["type"] = (_in("d.doc_type", query.types), list(query.types))
    if query.categories:
        groups = [c for c in query.categories if "." not in c]
        subs = [c for c in query.categories if "." in c]
        parts, params = [], []
        if groups:
            parts.append(_in("d.group_code", groups))
            params += groups
        if subs:
            parts.append(_in("d.category", subs))
            params += subs
        filters["category"] = ("(" + " OR ".join(parts) + ")", params)
    if query.stars:
        filters["stars"] = (_in("d.stars", query.stars), list(query.stars))
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


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(['%s'] * len(values))})"


def _where(filters: dict, exclude: str | None = None, extra: str | None = None):
    parts, params = [], []
    for name, (sql, values) in filters.items():
        if name != exclude:
            parts.append(sql)
            params += values
    if extra:
        parts.append(extra)
    return (" WHERE " + " AND ".join(parts)) if parts else "", params


# --------------------------------------------------------------------------- #
# The engine
# --------------------------------------------------------------------------- #


class DatabaseEngine:
    name = "database"

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
            (by_key[key], p.title_f, p.title_e, p.alt_f, p.body_f, p.body_e)
            for key, p in keys.items()
        ]
        with connection.cursor() as cursor:
            if is_postgres():
                cursor.executemany(
                    f"UPDATE {DOC_TABLE} SET search_vector = "
                    "setweight(to_tsvector('simple', %s), 'A') || "
                    "setweight(to_tsvector('simple', %s), 'A') || "
                    "setweight(to_tsvector('simple', %s), 'B') || "
                    "setweight(to_tsvector('simple', %s), 'C') || "
                    "setweight(to_tsvector('simple', %s), 'D') WHERE id = %s",
                    [(*row[1:], row[0]) for row in text_rows],
                )
            else:
                ids = [row[0] for row in text_rows]
                for start in range(0, len(ids), 500):
                    chunk = ids[start : start + 500]
                    marks = ", ".join(["%s"] * len(chunk))
                    cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})", chunk)
                cursor.executemany(
                    f"INSERT INTO {FTS_TABLE} (rowid, title_f, title_e, alt_f, body_f, body_e) "
                    "VALUES (%s, %s, %s, %s, %s, %s)",
                    text_rows,
                )
        words = set().union(*(vocabulary(p) for p in prepared))
        SearchTerm.objects.bulk_create(
            [SearchTerm(term=w) for w in sorted(words)], ignore_conflicts=True, batch_size=500
        )
        bump_version()

    @transaction.atomic
    def remove(self, doc_type: str, object_ids) -> int:
        ids = list(
            IndexedDocument.objects.filter(
                doc_type=doc_type, object_id__in=list(object_ids)
            ).values_list("pk", flat=True)
        )
        if not ids:
            return 0
        if not is_postgres():
            with connection.cursor() as cursor:
                cursor.execute(
                    f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({', '.join(['%s'] * len(ids))})", ids
                )
        IndexedDocument.objects.filter(pk__in=ids).delete()
        bump_version()
        return len(ids)

    @transaction.atomic
    def clear(self) -> None:
        if not is_postgres():
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {FTS_TABLE}")
        IndexedDocument.objects.all().delete()
        SearchTerm.objects.all().delete()
        bump_version()

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
            "terms": SearchTerm.objects.count(),
            "version": state.version if state else 0,
            "rebuilt_at": state.rebuilt_at if state else None,
        }

    # --- reading ------------------------------------------------------------------------
    def _matched_cte(self, match: str, exact: str = "", ranked: bool = True) -> tuple[str, list]:
        if not ranked:  # facets and counts need the matches, not their scores
            if is_postgres():
                return (
                    f"WITH m AS MATERIALIZED (SELECT d.id FROM {DOC_TABLE} d "
                    "WHERE d.search_vector @@ to_tsquery('simple', %s)) ",
                    [match],
                )
            return (
                f"WITH m AS MATERIALIZED (SELECT rowid AS id FROM {FTS_TABLE} "
                f"WHERE {FTS_TABLE} MATCH %s) ",
                [match],
            )
        if is_postgres():
            # ts_rank cannot weight query terms, so exact-tone matches get their own bonus.
            bonus, params = "", [match]
            if exact:
                bonus = f" + {PG_EXACT_BONUS} * ts_rank(d.search_vector, to_tsquery('simple', %s))"
                params = [exact, match]
            return (
                f"WITH m AS MATERIALIZED (SELECT d.id, ts_rank(d.search_vector, tq.query){bonus} "
                f"AS rank FROM {DOC_TABLE} d, to_tsquery('simple', %s) AS tq(query) "
                "WHERE d.search_vector @@ tq.query) ",
                params,
            )
        return (
            f"WITH m AS MATERIALIZED (SELECT rowid AS id, -bm25({FTS_TABLE}, {BM25_WEIGHTS}) "
            f"AS rank FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s) ",
            [match],
        )

    def search(self, query: SearchQuery, type_labels: dict[str, str]) -> SearchResult:
        parsed = parse_query(query.q)
        filters = build_filters(query)
        version = index_version()  # one read per search: vocabulary and facet cache key
        match = build_match(parsed, pg=is_postgres(), version=version) if not parsed.empty else ""
        exact = exact_tsquery(parsed) if is_postgres() else ""
        facets, count = self._cached_facets(match, filters, query, type_labels, version)
        if count == 0 and len(parsed.folded) > 1:
            match = build_match(parsed, relaxed=True, pg=is_postgres(), version=version)
            facets, count = self._cached_facets(match, filters, query, type_labels, version)
        if count <= query.offset:
            rows = []
        elif match and self._is_broad(count, query):
            tiers = build_tiers(parsed, version=version, pg=is_postgres())
            rows = self._broad_page(match, tiers, filters, query)
        else:
            rows = self._page(match, filters, query, exact)
        hits = [self._hit(row, query) for row in rows]
        return SearchResult(query=query, count=count, hits=hits, facets=facets, engine=self.name)

    def _source(self, match: str, exact: str = "", ranked=True) -> tuple[str, str, list]:
        """(WITH clause, FROM clause, params) for matched or all documents."""
        if match:
            cte, params = self._matched_cte(match, exact, ranked)
            return cte, f"FROM m JOIN {DOC_TABLE} d ON d.id = m.id", params
        return "", f"FROM {DOC_TABLE} d", []

    def _page(self, match: str, filters: dict, query: SearchQuery, exact: str = ""):
        cte, source, params = self._source(match, exact)
        where, where_params = _where(filters)
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
            f"{source}{where} ORDER BY {order} LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                sql, params + distance_params + where_params + [query.page_size, query.offset]
            )
            return cursor.fetchall()

    @staticmethod
    def _is_broad(count: int, query: SearchQuery) -> bool:
        return (
            count > BROAD_MATCHES
            and not query.near
            and not query.sort
            and query.offset + query.page_size <= RANK_WINDOW
        )

    def _tier_candidates(self, match: str, tiers: list[str], filters: dict, need: int):
        """{document id: (tier, boost, title length)} for the best `need` of a broad query.

        SQLite: each tier reads the newest RANK_WINDOW matching rows that pass the filters
        (FTS5 walks rowids in descending order and stops at the LIMIT). A tier that holds fewer
        rows is complete; one that fills the window already has at least `need` rows, so later
        tiers cannot reach the first `need` places and are not read.
        """
        where, where_params = _where(filters)
        condition = where.replace(" WHERE ", " AND ", 1)
        if is_postgres():
            return self._pg_tier_candidates(match, tiers, condition, where_params)
        sql = (
            f"SELECT f.rowid, d.boost, LENGTH(d.title) FROM {FTS_TABLE} f "
            f"JOIN {DOC_TABLE} d ON d.id = f.rowid WHERE {FTS_TABLE} MATCH %s{condition} "
            "ORDER BY f.rowid DESC LIMIT %s"
        )
        found: dict[int, tuple[int, float, int]] = {}
        with connection.cursor() as cursor:
            for tier, expression in enumerate([*tiers, None]):
                text = match if expression is None else f"({expression}) AND {match}"
                cursor.execute(sql, [text, *where_params, RANK_WINDOW])
                for doc_id, boost, title_length in cursor.fetchall():
                    found.setdefault(doc_id, (tier, boost, title_length))
                if len(found) >= need:
                    break
        return found

    @staticmethod
    def _pg_tier_candidates(match: str, tiers: list[str], condition: str, params: list):
        """PostgreSQL: the newest PG_RANK_WINDOW matches, each placed in its best tier.

        Per-tier windows as on SQLite would need the planner to guess how many rows a
        weighted or phrase tsquery matches, which it cannot (the statistics ignore weights and
        positions); one window over the plain match walks the primary key backwards and stops.
        """
        cases = " ".join(
            f"WHEN w.search_vector @@ to_tsquery('simple', %s) THEN {i}" for i in range(len(tiers))
        )
        sql = (
            f"SELECT w.id, w.boost, w.title_length, CASE {cases} ELSE {len(tiers)} END "
            "FROM (SELECT d.id, d.boost, LENGTH(d.title) AS title_length, d.search_vector "
            f"FROM {DOC_TABLE} d WHERE d.search_vector @@ to_tsquery('simple', %s){condition} "
            "ORDER BY d.id DESC LIMIT %s) AS w"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*tiers, match, *params, PG_RANK_WINDOW])
            return {
                doc_id: (tier, boost, title_length)
                for doc_id, boost, title_length, tier in cursor.fetchall()
            }

    def _broad_page(self, match: str, tiers: list[str], filters: dict, query: SearchQuery):
        """A page of a broad query: tier, then boost, then newest (see the module docstring).
        The score is the boost plus one per tier above "any match"."""
        need = query.offset + query.page_size
        found = self._tier_candidates(match, tiers, filters, need)
        order = sorted(found, key=lambda i: (found[i][0], -found[i][1], -i))
        rows = _documents_in_order(
            "d.doc_type, d.object_id, d.title, d.url, d.body", order[query.offset : need]
        )
        return [(*row, found[i][1] + len(tiers) - found[i][0], None) for i, row in rows]

    def _cached_facets(self, match, filters, query, type_labels, version):
        """Facet counts depend only on the index version, the match and the filters: keep the
        last few hundred per process (like Elasticsearch's shard request cache), so browsing
        and refining do not rescan the matches. Any index change bumps the version."""
        if not FACET_CACHE_SIZE:
            return self._facets(match, filters, query, type_labels)
        # Labels (document types, OCOP groups) are in the UI language: part of the key.
        language = translation.get_language() or ""
        key = (version, language, match, repr(sorted(filters.items())), query.communes)
        with _facet_lock:
            hit = _facet_cache.get(key)
            if hit is not None:
                _facet_cache.move_to_end(key)
        if hit is None:
            hit = self._facets(match, filters, query, type_labels)
            with _facet_lock:
                _facet_cache[key] = hit
                while len(_facet_cache) > FACET_CACHE_SIZE:
                    _facet_cache.popitem(last=False)
        facets, total = hit
        return copy.deepcopy(facets), total

    def _facets(self, match, filters, query, type_labels) -> tuple[dict[str, list[dict]], int]:
        """All facet counts (each without its own filter) and the total, in one pass.

        The matches are grouped by every facet column (plus whether each row passes the
        commune and price filters); Python then adds each group's count to a facet value when
        the group passes every *other* filter — disjunctive facets without one scan per facet.
        """
        cte, source, params = self._source(match, ranked=False)
        bucket = (
            "CASE "
            + " ".join(
                "WHEN "
                + " AND ".join(
                    ([f"d.price >= {low}"] if low is not None else [])
                    + ([f"d.price < {high}"] if high is not None else [])
                )
                + f" THEN '{value}'"
                for value, low, high in PRICE_BUCKETS
            )
            + " END"
        )
        flags, flag_params = [], []
        for name in ("commune", "price"):
            if name in filters:
                condition, values = filters[name]
                flags.append(f"CASE WHEN {condition} THEN 1 ELSE 0 END")
                flag_params += values
            else:
                flags.append("1")
        where, where_params = _where({k: v for k, v in filters.items() if k == "near"})
        columns = (
            f"d.doc_type, d.category, d.group_code, d.stars, d.commune, {bucket}, d.in_stock, "
            f"{flags[0]}, {flags[1]}"
        )
        sql = (
            f"{cte}SELECT {columns}, MAX(d.group_label), MAX(d.commune_label), COUNT(*) "
            f"{source}{where} GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params + flag_params + where_params)
            groups = cursor.fetchall()
        return _count_facets(groups, query, type_labels)

    def _hit(self, row, query: SearchQuery) -> Hit:
        doc_type, object_id, title, url, body, score, distance = row
        text = body or title
        return Hit(
            type=doc_type,
            id=object_id,
            title=title,
            url=url,
            snippet=snippet(text, query.q, 160, prefer_exact=True),
            score=float(score or 0),
            title_html=highlight(title, query.q, prefer_exact=True) if query.q else "",
            distance_km=float(distance) if distance is not None else None,
        )

    def suggest(self, q: str, limit: int = SUGGEST_LIMIT) -> list[dict]:
        parsed = parse_query(q)
        if parsed.empty:
            return []
        pg = is_postgres()
        for typos in (False, True):
            match = build_match(parsed, suggest=True, typos=typos, pg=pg)
            if not pg and self._has_more_matches(match, BROAD_MATCHES):
                tiers = build_tiers(parsed, suggest=True, typos=typos)
                rows = self._broad_suggest_rows(match, tiers, limit)
            else:
                rows = self._suggest_rows(match, limit, pg)
            if rows:
                break
        return [{"type": t, "title": title, "url": url} for t, title, url in rows]

    def _has_more_matches(self, match: str, limit: int) -> bool:
        """SQLite: whether more than `limit` documents match (stops counting there)."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM (SELECT 1 FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "
                "LIMIT %s)",
                [match, limit + 1],
            )
            return cursor.fetchone()[0] > limit

    def _broad_suggest_rows(self, match: str, tiers: list[str], limit: int):
        """Suggestions for a broad prefix: tier, then boost, then the shortest title."""
        found = self._tier_candidates(match, tiers, {}, limit)
        order = sorted(found, key=lambda i: (found[i][0], -found[i][1], found[i][2], -i))
        return [row for _i, row in _documents_in_order("d.doc_type, d.title, d.url", order[:limit])]

    def _suggest_rows(self, match: str, limit: int, pg: bool):
        if pg:
            sql = (
                f"SELECT d.doc_type, d.title, d.url FROM {DOC_TABLE} d, "
                "to_tsquery('simple', %s) AS tq(query) WHERE d.search_vector @@ tq.query "
                "ORDER BY ts_rank(d.search_vector, tq.query) * d.boost DESC, "
                "LENGTH(d.title), d.id LIMIT %s"
            )
        else:
            sql = (
                f"WITH m AS MATERIALIZED (SELECT rowid AS id, -bm25({FTS_TABLE}, {BM25_WEIGHTS}) "
                f"AS rank FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s) "
                f"SELECT d.doc_type, d.title, d.url FROM m JOIN {DOC_TABLE} d ON d.id = m.id "
                "ORDER BY m.rank * d.boost DESC, LENGTH(d.title), d.id LIMIT %s"
            )
        with connection.cursor() as cursor:
            cursor.execute(sql, [match, limit])
            return cursor.fetchall()


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
    "lat",
    "lon",
    "updated_at",
]


def _documents_in_order(columns: str, ids: list[int]) -> list[tuple[int, tuple]]:
    """(id, row of `columns`) for the documents `ids` that still exist, in the order given."""
    if not ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT d.id, {columns} FROM {DOC_TABLE} d WHERE {_in('d.id', ids)}", ids)
        by_id = {row[0]: row[1:] for row in cursor.fetchall()}
    return [(i, by_id[i]) for i in ids if i in by_id]


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
    row.lat, row.lon = geo
    row.updated_at = timezone.now()


def _count_facets(groups, query: SearchQuery, type_labels) -> tuple[dict, int]:
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
