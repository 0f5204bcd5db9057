"""Rank candidates the same way on every engine, from an `AnalyzedQuery` and each document's
rank data (`rank_data(prepared)`: its title, other names, body words, place names and tags).

The engines find the matches and their first order (bm25, ts_rank, Elasticsearch's score, or
match tiers for broad queries); this module re-orders the best `RERANK_WINDOW` of them:

* a span scores its best term: the term's weight (as typed 1, Telex decoded 0.95, synonym 0.85,
  intent 0.75, typo 0.6, Northern spelling 0.55 …) × (quality + field bonus);
* quality: the word as typed 1; for a word typed with accents, a different tone 0.5, a different
  vowel mark 0.4, both 0.3 — so the reading typed wins over what only folds alike, even when the
  folded one is in a title (title bonus 0.5, other names 0.4, own place 0.4, commune place 0.15,
  body 0.1); a prefix 0.4; a tag (the kind of object an intent asks for) 1 + 0.5;
* a reading scores the sum of its spans (a span counts once per token it covers) and needs
  every span; a document scores its best reading, plus a little for optional words found, for
  neighbouring query words next to each other in its title, and for the share of its title the
  query covers; then its boost (stars, featured) adds up to 7.5 %.
"""

from __future__ import annotations

import functools
import json

from .analysis import AnalyzedQuery, Span, Term
from .text import fold, tokens
from .vietnamese import tone_distance

RERANK_WINDOW = 60
MAX_BODY_WORDS = 400

FIELD_BONUS = {"title": 0.5, "alt": 0.4, "body": 0.1}
OWN_PLACE_BONUS = 0.4
TAG_BONUS = 0.5
PLACE_BONUS = 0.15
PREFIX_QUALITY = 0.4
ACCENT_PREFIX_QUALITY = 0.25
OPTIONAL_SHARE = 0.2
ADJACENT_BONUS = 0.3
COVERAGE_BONUS = 0.4
BOOST_SHARE = 0.3
PARTIAL_SHARE = 0.3  # a document that satisfies no reading (relaxed matching)


def rank_data(title: str, alt_titles: list[str], body: str, own_places, places, tags) -> str:
    """The JSON each engine stores beside a document for `rerank` (place runs folded)."""
    body_words = list(dict.fromkeys(tokens(body)))[:MAX_BODY_WORDS]
    return json.dumps(
        {
            "t": tokens(title),
            "a": [tokens(a) for a in alt_titles if a],
            "b": body_words,
            "o": list(own_places),
            "p": list(places),
            "g": list(tags),
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


@functools.lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    return fold(word)


class _Field:
    __slots__ = ("bonus", "exact", "folded", "joined", "words")

    def __init__(self, exact: list[str], bonus: float):
        self.exact = exact
        self.folded = [_fold_word(w) for w in exact]
        self.words = set(self.folded)
        self.joined = " " + " ".join(self.folded) + " "
        self.bonus = bonus


class DocText:
    """A document's rank data, parsed once per rerank."""

    __slots__ = ("all_words", "fields", "own_places", "places", "tags", "title")

    def __init__(self, data: dict):
        self.title = _Field(data.get("t") or [], FIELD_BONUS["title"])
        alts = [_Field(a, FIELD_BONUS["alt"]) for a in data.get("a") or []]
        self.fields = [self.title, *alts, _Field(data.get("b") or [], FIELD_BONUS["body"])]
        self.all_words = set().union(*(f.words for f in self.fields))
        self.own_places = set(data.get("o") or [])
        self.places = set(data.get("p") or [])
        self.tags = set(data.get("g") or [])

    @classmethod
    def parse(cls, raw) -> DocText:
        if isinstance(raw, str):
            return _parse_cached(raw)
        return cls(raw or {})


@functools.lru_cache(maxsize=4096)
def _parse_cached(raw: str) -> DocText:
    """Parsed rank data by its text (the same text parses alike): popular documents are not
    parsed again on every query. A changed document has a new text, hence a new entry."""
    return DocText(json.loads(raw) if raw else {})


def _word_quality(term: Term, field: _Field, word: str) -> float:
    if word in field.words:
        if term.exact is None:
            return 1.0
        typed = term.exact[0]
        return max(
            1.0 - tone_distance(typed, exact)
            for exact, folded in zip(field.exact, field.folded, strict=True)
            if folded == word
        )
    if term.prefix:
        typed = term.exact[0] if term.exact else None
        best = 0.0
        for exact, folded in zip(field.exact, field.folded, strict=True):
            if folded.startswith(word):
                if typed is None or exact.startswith(typed):
                    return PREFIX_QUALITY
                best = ACCENT_PREFIX_QUALITY  # "lón" is not how "long" starts
        return best
    return 0.0


def _phrase_quality(term: Term, field: _Field) -> float:
    needle = " " + " ".join(term.words) + " "
    if needle in field.joined:
        if term.exact is None:
            return 1.0
        exact = " " + " ".join(term.exact) + " "
        return 1.0 if exact in " " + " ".join(field.exact) + " " else 0.6
    if term.prefix and (" " + " ".join(term.words)) in field.joined:
        return PREFIX_QUALITY
    return 0.0


def term_value(term: Term, doc: DocText) -> float:
    if term.field == "tag":  # the object is of the kind asked for: as good as a title word
        return term.weight * (1.0 + TAG_BONUS) if term.words[0] in doc.tags else 0.0
    if term.field == "place":
        run = " ".join(term.words)
        if run in doc.own_places:
            return term.weight * (1.0 + OWN_PLACE_BONUS)
        if run in doc.places:
            return term.weight * (1.0 + PLACE_BONUS)
        return 0.0
    single = len(term.words) == 1
    if not term.prefix and any(w not in doc.all_words for w in term.words):
        return 0.0  # the usual case: the document does not hold this alternative at all
    best = 0.0
    for field in doc.fields:
        quality = (
            _word_quality(term, field, term.words[0]) if single else _phrase_quality(term, field)
        )
        if quality:
            best = max(best, quality + field.bonus)
    return term.weight * best


def span_value(span: Span, doc: DocText) -> float:
    return max((term_value(t, doc) for t in span.terms), default=0.0) * span.size


class Scorer:
    """What `score` needs from a query, worked out once per query (not once per document)."""

    def __init__(self, analyzed: AnalyzedQuery):
        self.readings = analyzed.readings
        self.optional = analyzed.optional
        self.neighbours: list[list[Term]] = []
        for span in analyzed.readings[0] if analyzed.readings else ():
            terms = [t for t in span.terms if t.field == "text" and len(t.words) == 1]
            self.neighbours.append(sorted(terms, key=lambda t: -t.weight)[:6])
        self.pairs = list(zip(self.neighbours, self.neighbours[1:], strict=False))
        # folded word → [(weight, accented forms or None)] of the text terms holding it
        self.cover: dict[str, list[tuple[float, tuple[str, ...] | None]]] = {}
        for span in analyzed.spans():
            for term in span.terms:
                if term.field != "text":
                    continue
                for i, word in enumerate(term.words):
                    exact = (term.exact[i],) if term.exact else None
                    self.cover.setdefault(word, []).append((term.weight, exact))

    def __call__(self, doc: DocText, boost: float = 1.0) -> float:
        cache: dict[int, float] = {}

        def value(span: Span) -> float:
            key = id(span)
            if key not in cache:
                cache[key] = span_value(span, doc)
            return cache[key]

        best = None
        partial = 0.0
        for reading in self.readings:
            values = [value(span) for span in reading]
            total = sum(values)
            if all(values):
                best = total if best is None else max(best, total)
            else:
                partial = max(partial, total)
        total = best if best is not None else PARTIAL_SHARE * partial
        total += OPTIONAL_SHARE * sum(value(span) for span in self.optional)
        total += self.title_bonus(doc)
        return total * (1.0 + BOOST_SHARE * max(0.0, boost - 1.0))

    def title_bonus(self, doc: DocText) -> float:
        """Neighbouring query words side by side in the title, and the share of the title the
        query covers with full-quality matches — each as much as the term that found it
        weighs."""
        title = doc.title
        if not title.folded:
            return 0.0
        bonus = 0.0
        joined = title.joined
        for left, right in self.pairs:
            best = 0.0
            for a in left:
                for b in right:
                    weight = min(a.weight, b.weight)
                    if weight <= best:
                        continue
                    if f" {a.words[0]} {b.words[0]} " in joined or (
                        # a translation may come in the other order: "lotus tea" is "trà sen"
                        "synonym" in (a.kind, b.kind) and f" {b.words[0]} {a.words[0]} " in joined
                    ):
                        best = weight
            bonus += ADJACENT_BONUS * best
        covered = 0.0
        for exact, folded in zip(title.exact, title.folded, strict=True):
            options = self.cover.get(folded)
            if options:
                covered += max(
                    (
                        weight
                        for weight, forms in options
                        if forms is None or tone_distance(forms[0], exact) == 0.0
                    ),
                    default=0.0,
                )
        return bonus + COVERAGE_BONUS * covered / len(title.folded)


def score(analyzed: AnalyzedQuery, doc: DocText, boost: float = 1.0) -> float:
    return Scorer(analyzed)(doc, boost)


def _title_bonus(analyzed: AnalyzedQuery, doc: DocText) -> float:
    return Scorer(analyzed).title_bonus(doc)


def _covers(term: Term, exact: str, folded: str) -> bool:
    if folded not in term.words:
        return False
    if term.exact is None:
        return True
    return any(
        tone_distance(e, exact) == 0.0
        for e, w in zip(term.exact, term.words, strict=True)
        if w == folded
    )


def rerank(analyzed: AnalyzedQuery, rows) -> list[tuple[int, float]]:
    """`rows`: (key, rank data, boost, engine score) in the engine's order. Returns (key, score)
    best first; ties keep the engine's order."""
    scorer = Scorer(analyzed)
    scored = []
    for position, (key, data, boost, _engine_score) in enumerate(rows):
        doc = DocText.parse(data)
        scored.append((scorer(doc, boost or 1.0), -position, key))
    scored.sort(reverse=True)
    return [(key, value) for value, _position, key in scored]
