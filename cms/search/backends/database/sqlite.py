"""SQLite: an FTS5 table `search_index_fts` (rowid = document id) over folded and accented text.

Columns: title_f, title_e (title folded / with tones), alt_f (other names), body_f, body_e,
place (place names and intent tags, see `..common`). Tokenizer `unicode61 remove_diacritics 0`
(folding is ours), prefix indexes for 1–4 letters (migration 0003), bm25 with column weights.
Text terms match {title_f alt_f body_f} (suggestions {title_f alt_f}); place and tag terms only
{place}, as one token each.
"""

from __future__ import annotations

from django.db import connection

from ...analysis import AnalyzedQuery, Term
from . import base
from .base import Dialect
from .filters import DOC_TABLE

FTS_TABLE = "search_index_fts"
COLUMNS = "title_f, title_e, alt_f, body_f, body_e, place"
#: bm25 column weights for title_f, title_e, alt_f, body_f, body_e, place.
BM25_WEIGHTS = "10.0, 4.0, 6.0, 1.0, 0.6, 2.0"
MATCH_COLUMNS = "{title_f alt_f body_f}"
EXACT_COLUMNS = "{title_e body_e}"
TITLE_COLUMNS = "{title_f alt_f}"
PLACE_COLUMNS = "{place}"


def quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def term_expression(term: Term, suggest: bool = False, columns: str | None = None) -> str:
    if term.field in ("place", "tag"):  # one token: a whole place run, or a tag
        return f"{PLACE_COLUMNS} : {quote(''.join(term.words))}"
    columns = columns or (TITLE_COLUMNS if suggest else MATCH_COLUMNS)
    text = f"{columns} : {quote(' '.join(term.words))}" + (" *" if term.prefix else "")
    if term.exact and term.kind == "typed" and not suggest and columns == MATCH_COLUMNS:
        text = f"{text} OR {EXACT_COLUMNS} : {quote(' '.join(term.exact))}"
    return text


def span_expression(span, suggest=False, columns=None) -> str:
    parts = list(dict.fromkeys(term_expression(t, suggest, columns) for t in span.terms))
    return "(" + " OR ".join(parts) + ")"


class SQLiteDialect(Dialect):
    vendor = "sqlite"
    counts_cheaply = True

    def write_texts(self, cursor, rows):
        ids = [row[0] for row in rows]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            cursor.execute(
                f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({', '.join(['%s'] * len(chunk))})", chunk
            )
        cursor.executemany(
            f"INSERT INTO {FTS_TABLE} (rowid, {COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s)",
            rows,
        )

    def delete_texts(self, cursor, ids):
        cursor.execute(
            f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({', '.join(['%s'] * len(ids))})", ids
        )

    def clear_texts(self, cursor):
        cursor.execute(f"DELETE FROM {FTS_TABLE}")

    # --- expressions --------------------------------------------------------------------
    def match(self, analyzed: AnalyzedQuery, *, relaxed=False, suggest=False) -> str:
        if analyzed.empty:
            return ""
        if relaxed:
            spans = [span_expression(s, suggest) for s in analyzed.spans()]
            return "(" + " OR ".join(dict.fromkeys(spans)) + ")"
        readings = [
            "(" + " AND ".join(span_expression(s, suggest) for s in reading) + ")"
            for reading in analyzed.readings
        ]
        return "(" + " OR ".join(dict.fromkeys(readings)) + ")"

    def tiers(self, analyzed: AnalyzedQuery, *, suggest=False) -> list[str]:
        """Ranking tiers of a broad query, best first (each AND-ed with the match; a final
        implicit tier is "any match"): the accented phrase in the title, the folded phrase in
        the titles, every span in the titles, every accented word."""
        reading = analyzed.readings[0]
        typed = [s.terms[0] for s in reading]
        accented = analyzed.accented and not suggest
        tiers = []
        if accented and all(t.exact for t in typed):
            tiers.append("{title_e} : " + quote(" ".join(e for t in typed for e in t.exact)))
        if len(typed) > 1:
            phrase = quote(" ".join(w for t in typed for w in t.words))
            tiers.append(f"{TITLE_COLUMNS} : {phrase}" + (" *" if typed[-1].prefix else ""))
        title_spans = []
        for span in reading:
            text_terms = [t for t in span.terms if t.field == "text"]
            if text_terms:
                title_spans.append(
                    "("
                    + " OR ".join(
                        dict.fromkeys(term_expression(t, True, TITLE_COLUMNS) for t in text_terms)
                    )
                    + ")"
                )
        if title_spans:
            tiers.append("(" + " AND ".join(title_spans) + ")")
        if accented:
            exact = [e for t in typed for e in (t.exact or t.words)]
            tiers.append(f"{EXACT_COLUMNS} : (" + " AND ".join(quote(e) for e in exact) + ")")
        return tiers

    def matched_cte(self, match: str, exact: str = "", ranked: bool = True):
        if not ranked:  # facets and counts need the matches, not their scores
            return (
                f"WITH m AS MATERIALIZED (SELECT rowid AS id FROM {FTS_TABLE} "
                f"WHERE {FTS_TABLE} MATCH %s) ",
                [match],
            )
        return (
            f"WITH m AS MATERIALIZED (SELECT rowid AS id, -bm25({FTS_TABLE}, {BM25_WEIGHTS}) "
            f"AS rank FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s) ",
            [match],
        )

    def tier_candidates(self, match, tiers, condition, params, need):
        """{document id: (tier, boost, title length)}: each tier reads the newest RANK_WINDOW
        matching rows that pass the filters (FTS5 walks rowids in descending order and stops
        at the LIMIT). A tier that holds fewer rows is complete; one that fills the window
        already has at least `need` rows, so later tiers cannot reach the first places.
        Every tier implies the match (it asks the first reading's spans in the titles, or its
        accented words), so a tier is searched alone, not AND-ed with the whole match."""
        sql = (
            f"SELECT f.rowid, d.boost, LENGTH(d.title) FROM {FTS_TABLE} f "
            f"JOIN {DOC_TABLE} d ON d.id = f.rowid WHERE {FTS_TABLE} MATCH %s{condition} "
            "ORDER BY f.rowid DESC LIMIT %s"
        )
        window = base.RANK_WINDOW  # read at call time (tests lower it)
        found: dict[int, tuple[int, float, int]] = {}
        with connection.cursor() as cursor:
            for tier, expression in enumerate([*tiers, None]):
                text = match if expression is None else expression
                cursor.execute(sql, [text, *params, window])
                for doc_id, boost, title_length in cursor.fetchall():
                    found.setdefault(doc_id, (tier, boost, title_length))
                if len(found) >= need:
                    break
        return found

    def has_more_matches(self, match: str, limit: int) -> bool:
        """Whether more than `limit` documents match (stops counting there)."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM (SELECT 1 FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "
                "LIMIT %s)",
                [match, limit + 1],
            )
            return cursor.fetchone()[0] > limit

    def suggest_rows(self, match: str, limit: int):
        sql = (
            f"WITH m AS MATERIALIZED (SELECT rowid AS id, -bm25({FTS_TABLE}, {BM25_WEIGHTS}) "
            f"AS rank FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s) "
            f"SELECT d.id, d.rank_data, d.boost, m.rank * d.boost FROM m "
            f"JOIN {DOC_TABLE} d ON d.id = m.id "
            "ORDER BY m.rank * d.boost DESC, LENGTH(d.title), d.id LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [match, limit])
            return cursor.fetchall()
