"""PostgreSQL: a weighted `search_vector` tsvector column (`simple` configuration, GIN index,
migration 0002) on the document table.

Weights: A the title (folded and with tones), B the other names, C the body (folded and with
tones), D the place names and intent tags (see `..common`). Text terms match weights ABC
(suggestions AB), place and tag terms only D, one token each. Normal queries are ranked by
`ts_rank` (plus a bonus for the tones as typed, which ts_rank cannot weight per term); broad
ones read the newest PG_RANK_WINDOW matches and place each in its best tier.
"""

from __future__ import annotations

from django.db import connection

from ...analysis import AnalyzedQuery, Term
from .base import Dialect
from .filters import DOC_TABLE

#: PostgreSQL reads one window of the newest matches and tiers them (see tier_candidates).
PG_RANK_WINDOW = 2000
PG_EXACT_BONUS = 4.0

TEXT_WEIGHTS = "ABC"
TITLE_WEIGHTS = "AB"
EXACT_WEIGHTS = "AC"
PLACE_WEIGHTS = "D"


def lexeme(word: str, weights: str = "", prefix: bool = False) -> str:
    text = "'" + word.replace("'", "''").replace("\\", "") + "'"
    if prefix or weights:
        text += ":" + ("*" if prefix else "") + weights
    return text


def _phrase(words, weights: str, prefix: bool = False) -> str:
    last = len(words) - 1
    parts = [lexeme(w, weights, prefix and i == last) for i, w in enumerate(words)]
    return parts[0] if len(parts) == 1 else "(" + " <-> ".join(parts) + ")"


def term_query(term: Term, suggest: bool = False, weights: str | None = None) -> str:
    if term.field in ("place", "tag"):  # one token: a whole place run, or a tag
        return lexeme("".join(term.words), PLACE_WEIGHTS)
    weights = weights or (TITLE_WEIGHTS if suggest else TEXT_WEIGHTS)
    text = _phrase(term.words, weights, term.prefix)
    if term.exact and term.kind == "typed" and not suggest and weights == TEXT_WEIGHTS:
        text = f"{text} | {_phrase(term.exact, EXACT_WEIGHTS)}"
    return text


def span_query(span, suggest=False, weights=None) -> str:
    parts = list(dict.fromkeys(term_query(t, suggest, weights) for t in span.terms))
    return "(" + " | ".join(parts) + ")"


class PostgresDialect(Dialect):
    vendor = "postgresql"

    def write_texts(self, cursor, rows):
        cursor.executemany(
            f"UPDATE {DOC_TABLE} SET search_vector = "
            "setweight(to_tsvector('simple', %s), 'A') || "
            "setweight(to_tsvector('simple', %s), 'A') || "
            "setweight(to_tsvector('simple', %s), 'B') || "
            "setweight(to_tsvector('simple', %s), 'C') || "
            "setweight(to_tsvector('simple', %s), 'C') || "
            "setweight(to_tsvector('simple', %s), 'D') WHERE id = %s",
            [(*row[1:], row[0]) for row in rows],
        )

    # --- expressions --------------------------------------------------------------------
    def match(self, analyzed: AnalyzedQuery, *, relaxed=False, suggest=False) -> str:
        if analyzed.empty:
            return ""
        if relaxed:
            spans = [span_query(s, suggest) for s in analyzed.spans()]
            return "(" + " | ".join(dict.fromkeys(spans)) + ")"
        readings = [
            "(" + " & ".join(span_query(s, suggest) for s in reading) + ")"
            for reading in analyzed.readings
        ]
        return "(" + " | ".join(dict.fromkeys(readings)) + ")"

    def tiers(self, analyzed: AnalyzedQuery, *, suggest=False) -> list[str]:
        """As on SQLite, with titles as weights A (title) and B (other names)."""
        reading = analyzed.readings[0]
        typed = [s.terms[0] for s in reading]
        accented = analyzed.accented and not suggest
        tiers = []
        if accented and all(t.exact for t in typed):
            tiers.append(" <-> ".join(lexeme(e, "A") for t in typed for e in t.exact))
        if len(typed) > 1:
            words = [w for t in typed for w in t.words]
            tiers.append(_phrase(words, TITLE_WEIGHTS, typed[-1].prefix))
        title_spans = []
        for span in reading:
            text_terms = [t for t in span.terms if t.field == "text"]
            if text_terms:
                title_spans.append(
                    "("
                    + " | ".join(
                        dict.fromkeys(term_query(t, True, TITLE_WEIGHTS) for t in text_terms)
                    )
                    + ")"
                )
        if title_spans:
            tiers.append("(" + " & ".join(title_spans) + ")")
        if accented:
            tiers.append(
                "(" + " & ".join(lexeme(e) for t in typed for e in (t.exact or t.words)) + ")"
            )
        return tiers

    def exact(self, analyzed: AnalyzedQuery) -> str:
        """The accented query tokens (those typed with diacritics), OR-ed, and their phrase."""
        pairs = list(zip(analyzed.exact, analyzed.folded, strict=True))
        accented = [lexeme(e) for e, f in pairs if e != f]
        if len(pairs) > 1 and accented:
            accented.append("(" + " <-> ".join(lexeme(e) for e, _f in pairs) + ")")
        return " | ".join(accented)

    def matched_cte(self, match: str, exact: str = "", ranked: bool = True):
        if not ranked:
            return (
                f"WITH m AS MATERIALIZED (SELECT d.id FROM {DOC_TABLE} d "
                "WHERE d.search_vector @@ to_tsquery('simple', %s)) ",
                [match],
            )
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

    def tier_candidates(self, match, tiers, condition, params, need):
        """The newest PG_RANK_WINDOW matches, each placed in its best tier.

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

    def suggest_rows(self, match: str, limit: int):
        sql = (
            f"SELECT d.id, d.rank_data, d.boost, ts_rank(d.search_vector, tq.query) * d.boost "
            f"FROM {DOC_TABLE} d, to_tsquery('simple', %s) AS tq(query) "
            "WHERE d.search_vector @@ tq.query "
            "ORDER BY ts_rank(d.search_vector, tq.query) * d.boost DESC, LENGTH(d.title), d.id "
            "LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [match, limit])
            return cursor.fetchall()
