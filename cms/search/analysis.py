"""What a query asks for, as every engine matches and ranks it.

`analyze(q, lexicon, rules)` turns the typed text into an `AnalyzedQuery`: the query's tokens,
grouped into *spans* (one token, or a few: a place name, a synonym or intent phrase, two pieces
of a split word), each span with the *terms* that may match it — the word as typed, and the
lower-ranked alternatives people's typing calls for:

* Telex/VNI residue decoded ("nuwowcs" → nước), only for tokens the index does not know and only
  into a known word (or, for the last token, the start of one); the token itself stays;
* typo corrections from the index vocabulary — one edit from 4 letters, two from 8 (as before),
  and for unknown 2–3 letter syllables one edit into another valid syllable;
* Northern spellings (l/n, s/x, tr/ch, gi/d/r) the index knows;
* English inflections the index knows ("baskets" → basket);
* split and joined words ("battrang" → bat trang, "kh am" → kham);
* synonyms and intent rules (the editable vocabulary): an intent phrase ("quà Tết") also
  matches documents carrying the rule's tags (OCOP category, site kind) or keywords;
* place names, matched as whole phrases in the documents' place field, so two old communes'
  names never combine (at most one place span per reading).

A *reading* is one way to cover every required token with spans; the query matches a document
when some reading's spans all match (AND of spans, OR of a span's terms, OR of readings).
Question and shopping words ("ở đâu", "bao nhiêu", "mua", "price") are *optional*: they never
restrict the matches, and only add a little score where they occur. The engines turn this into
their own expressions (FTS5, tsquery, Elasticsearch JSON); `cms.search.scoring` ranks the
candidates from the same structure, so all engines order results alike.

Pure Python: the lexicon (index vocabulary and place names) and the rules are passed in.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field

from .text import fold, folded_tokens, tokens, within_edits
from .vietnamese import decode_keys, english_variants, is_syllable, northern_variants

MAX_TOKENS = 12
MAX_READINGS = 8
MAX_TYPO_CANDIDATES = 8
MAX_SHORT_TYPOS = 4
MAX_SPLITS = 3
MAX_PHRASE = 4  # longest place, synonym or intent phrase looked up, in tokens

# How much a match through each kind of term is worth, next to the word as typed (1.0).
WEIGHTS = {
    "typed": 1.0,
    "phrase": 1.0,
    "place": 1.0,
    "keys": 0.95,  # Telex/VNI decoded
    "join": 0.9,
    "split": 0.9,
    "english": 0.9,
    "synonym": 0.85,
    "intent": 0.75,
    "typo": 0.6,
    "northern": 0.55,
    "short_typo": 0.5,
}

#: Question and shopping words, as typed with their accents (normalised, space-separated).
STOP_PHRASES = frozenset(
    p.strip()
    for p in """
    ở đâu|ở chỗ nào|chỗ nào|nơi nào|ở|đâu|tại|chỗ|nơi|giá|giá bao nhiêu|bao nhiêu|bao nhiêu tiền|
    mấy tiền|tiền|giá bán|giá vé|giá cả|mua|bán|có bán|có|không|nào|tìm|tìm mua|cần|cần mua|
    muốn|muốn mua|đặt|đặt mua|mua online|cho|tôi|mình|xem|cho tôi xem|địa chỉ|đường đi|
    loại|gì|nhé|ạ|với|và|của|hay|nhất|rẻ|ngon|tốt|chính hãng|ship|giao hàng|
    where|to|buy|price|prices|of|how|much|is|the|a|an|for|in|at|and|with|cheap|best|shop|near|
    me|online|what|which|find
    """.replace("\n", "").split("|")
    if p.strip()
)
#: Those that are unambiguous without accents too (the query typed in plain letters).
PLAIN_STOP_PHRASES = frozenset(
    p.strip()
    for p in """
    o dau|o cho nao|cho nao|noi nao|gia bao nhieu|bao nhieu|bao nhieu tien|may tien|gia ban|
    gia ve|gia ca|mua|co ban|khong|tim mua|can mua|muon mua|dat mua|mua online|cho toi xem|
    dia chi|duong di|nhe|where|to|buy|price|prices|of|how|much|is|the|a|an|for|in|at|and|with|
    cheap|best|shop|near|me|online|what|which|find
    """.replace("\n", "").split("|")
    if p.strip()
)
_STOP_LONGEST = max(len(p.split()) for p in STOP_PHRASES | PLAIN_STOP_PHRASES)


# --------------------------------------------------------------------------- #
# Inputs: the index vocabulary and the editable rules
# --------------------------------------------------------------------------- #


class Lexicon:
    """The folded words of the index (typo and decoding targets) and its place names."""

    def __init__(self, words: Iterable[str] = (), places: Iterable[str] = ()):
        self.words = frozenset(words)
        self.places = frozenset(places)
        self._by_length: dict[int, list[str]] | None = None
        self._sorted: list[str] | None = None

    @property
    def by_length(self) -> dict[int, list[str]]:
        if self._by_length is None:
            by_length: dict[int, list[str]] = {}
            for word in self.words:
                by_length.setdefault(len(word), []).append(word)
            self._by_length = by_length
        return self._by_length

    def has_prefix(self, prefix: str) -> bool:
        if self._sorted is None:
            self._sorted = sorted(self.words)
        i = bisect.bisect_left(self._sorted, prefix)
        return i < len(self._sorted) and self._sorted[i].startswith(prefix)


@dataclass(frozen=True)
class Intent:
    """An intent rule: phrases people type → tags documents carry, or extra keywords."""

    phrases: tuple[str, ...]  # folded
    tags: tuple[str, ...] = ()  # index tag tokens (see tag_token)
    keywords: tuple[str, ...] = ()  # normalised phrases, with their accents


class Rules:
    """Synonym groups and intent rules, indexed by their folded phrases (token tuples)."""

    def __init__(self, synonyms: Iterable[Iterable[str]] = (), intents: Iterable[Intent] = ()):
        self.synonyms: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = {}
        for group in synonyms:
            phrases = tuple(
                dict.fromkeys(tuple(folded_tokens(p)) for p in group if folded_tokens(p))
            )
            for phrase in phrases:
                merged = self.synonyms.get(phrase, ()) + tuple(p for p in phrases if p != phrase)
                self.synonyms[phrase] = tuple(dict.fromkeys(merged))
        self.intents: dict[tuple[str, ...], list[Intent]] = {}
        for intent in intents:
            for phrase in intent.phrases:
                key = tuple(folded_tokens(phrase))
                if key:
                    self.intents.setdefault(key, []).append(intent)


def tag_token(code: str) -> str:
    """The index token for a tag: "IV.1" → "ztiv01", "craft_village" → "ztcraftvillage".
    ("zt" starts no word of either language, and digits keep codes apart: IV.1 ≠ I.V1.)"""
    text = fold(code).replace(".", "0")
    return "zt" + "".join(c for c in text if c.isalnum())


# --------------------------------------------------------------------------- #
# Output
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class Term:
    """One way to match a span: folded words (several = a phrase) in a field."""

    words: tuple[str, ...]
    exact: tuple[str, ...] | None = None  # the accented reading, when known
    field: str = "text"  # "text" (titles and body), "place" (place names) or "tag"
    weight: float = 1.0
    prefix: bool = False  # the last word may be unfinished
    kind: str = "typed"


@dataclass
class Span:
    start: int
    end: int
    terms: list[Term]

    @property
    def size(self) -> int:
        return self.end - self.start

    @property
    def is_place(self) -> bool:
        return all(t.field == "place" for t in self.terms)

    def add(self, term: Term) -> None:
        for i, existing in enumerate(self.terms):
            if (existing.words, existing.field, existing.prefix) == (
                term.words,
                term.field,
                term.prefix,
            ):
                best = term if term.weight > existing.weight else existing
                exact = existing.exact or term.exact  # keep the accented reading if either has it
                if best is not existing or exact != existing.exact:
                    self.terms[i] = Term(
                        best.words, exact, best.field, best.weight, best.prefix, best.kind
                    )
                return
        self.terms.append(term)


@dataclass
class AnalyzedQuery:
    text: str
    exact: list[str]  # normalised tokens as typed
    folded: list[str]
    readings: list[tuple[Span, ...]] = field(default_factory=list)
    optional: list[Span] = field(default_factory=list)
    suggest: bool = False

    @property
    def empty(self) -> bool:
        return not self.readings

    @property
    def accented(self) -> bool:
        return self.exact != self.folded

    def spans(self) -> list[Span]:
        """Every span of every reading, once, in query order."""
        seen: dict[int, Span] = {}
        for reading in self.readings:
            for span in reading:
                seen.setdefault(id(span), span)
        return sorted(seen.values(), key=lambda s: (s.start, s.end))

    def highlight_words(self) -> list[str]:
        """The words the query's alternatives match ("nuowcs" → "nuoc"), to highlight as they
        are (no typo budget of their own)."""
        words = []
        for span in [*self.spans(), *self.optional]:
            for term in span.terms:
                if term.field == "text" and term.kind != "typed":
                    words.extend(term.words)
        return list(dict.fromkeys(words))


# --------------------------------------------------------------------------- #
# Analysis
# --------------------------------------------------------------------------- #


def analyze(
    q: str,
    lexicon: Lexicon | None = None,
    rules: Rules | None = None,
    *,
    suggest: bool = False,
    typos: bool = True,
) -> AnalyzedQuery:
    lexicon = lexicon or Lexicon()
    rules = rules or Rules()
    exact = tokens(q)[:MAX_TOKENS]
    folded = [fold(t) for t in exact]
    analyzed = AnalyzedQuery(text=q, exact=exact, folded=folded, suggest=suggest)
    if not exact:
        return analyzed
    stops = _stop_positions(exact, folded)
    if len(stops) == len(exact):
        stops = set()
    last = max(i for i in range(len(exact)) if i not in stops)
    singles = [
        _single_span(i, exact[i], folded[i], i == last, lexicon, suggest, typos)
        for i in range(len(exact))
    ]
    joins = _joins(folded, lexicon, last, suggest)
    multis = joins + _phrase_spans(exact, folded, singles, joins, lexicon, rules, suggest)
    analyzed.readings = _readings(len(exact), stops, singles, multis)
    analyzed.optional = [singles[i] for i in sorted(stops)]
    return analyzed


def _stop_positions(exact: list[str], folded: list[str]) -> set[int]:
    """Positions of question and shopping words. Unaccented words count as typed only when the
    query has accents elsewhere ("cho tôi xem"); in a plain query "cho" may be chợ."""
    typed_with_accents = exact != folded
    stops: set[int] = set()
    i = 0
    while i < len(exact):
        for size in range(min(_STOP_LONGEST, len(exact) - i), 0, -1):
            typed = " ".join(exact[i : i + size])
            plain = " ".join(folded[i : i + size])
            if (typed in STOP_PHRASES and (typed_with_accents or typed != plain)) or (
                typed == plain and plain in PLAIN_STOP_PHRASES
            ):
                stops.update(range(i, i + size))
                i += size
                break
        else:
            i += 1
    return stops


def _single_span(i, typed, folded, is_last, lexicon, suggest, typos) -> Span:
    accented = typed != folded
    prefix = is_last and (suggest or len(folded) >= 3)
    span = Span(i, i + 1, [Term((folded,), (typed,) if accented else None, prefix=prefix)])
    if not folded.isalpha():
        if folded.isalnum() and not folded.isdigit():  # VNI keys: letters and digits
            decoded = decode_keys(typed, prefix_ok=is_last)
            if decoded:
                _add_decoded(span, decoded, is_last, lexicon)
        return span
    known = folded in lexicon.words
    if not known:
        if folded.isascii():
            decoded = decode_keys(typed, prefix_ok=is_last)
            if decoded:
                _add_decoded(span, decoded, is_last, lexicon)
        if not suggest:
            for parts in split_word(folded, lexicon):
                span.add(Term(parts, None, weight=WEIGHTS["split"], kind="split"))
        if typos:
            for word in typo_candidates(folded, lexicon):
                span.add(Term((word,), None, weight=WEIGHTS["typo"], kind="typo"))
            for word in short_typo_candidates(folded, lexicon):
                span.add(Term((word,), None, weight=WEIGHTS["short_typo"], kind="short_typo"))
    for word in english_variants(folded):
        if word in lexicon.words:
            span.add(Term((word,), None, weight=WEIGHTS["english"], kind="english"))
    for variant in northern_variants(typed):
        variant_folded = fold(variant)
        if variant_folded != folded and variant_folded in lexicon.words:
            span.add(
                Term(
                    (variant_folded,),
                    (variant,) if accented else None,
                    weight=WEIGHTS["northern"],
                    kind="northern",
                )
            )
    return span


def _add_decoded(span: Span, decoded: str, is_last: bool, lexicon: Lexicon) -> None:
    decoded_folded = fold(decoded)
    if decoded_folded in lexicon.words:
        prefix = is_last and len(decoded_folded) >= 3
    elif is_last and lexicon.has_prefix(decoded_folded):
        prefix = True
    else:
        return
    span.add(
        Term((decoded_folded,), (decoded,), weight=WEIGHTS["keys"], prefix=prefix, kind="keys")
    )
    for variant in northern_variants(decoded):  # a misfired key and a Northern spelling
        if fold(variant) in lexicon.words:
            span.add(
                Term((fold(variant),), (variant,), weight=WEIGHTS["northern"], kind="northern")
            )


def typo_candidates(term: str, lexicon: Lexicon) -> list[str]:
    """Vocabulary words within the edit budget (one edit from 4 letters, two from 8) of an
    unknown folded word, single edits first."""
    from .text import edit_budget

    budget = edit_budget(term)
    if budget == 0 or not term.isalpha() or term in lexicon.words:
        return []
    found = []
    for length in range(len(term) - budget, len(term) + budget + 1):
        for word in lexicon.by_length.get(length, ()):
            if within_edits(term, word, budget):
                found.append(word)
    found.sort(key=lambda w: (not within_edits(term, w, 1), abs(len(w) - len(term)), w))
    return found[:MAX_TYPO_CANDIDATES]


#: Neighbouring keys on a QWERTY keyboard (a substitution between them is a likely typo).
_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_KEY_POS = {c: (r, i) for r, row in enumerate(_ROWS) for i, c in enumerate(row)}


def _adjacent(a: str, b: str) -> bool:
    if a not in _KEY_POS or b not in _KEY_POS:
        return False
    (ra, ia), (rb, ib) = _KEY_POS[a], _KEY_POS[b]
    return abs(ra - rb) <= 1 and abs(ia - ib) <= 1


def short_typo_candidates(term: str, lexicon: Lexicon) -> list[str]:
    """One-edit corrections of an unknown 2–3 letter syllable into known valid syllables:
    swapped letters first, then a neighbouring key, then a dropped or added letter."""
    if not 2 <= len(term) <= 3 or not term.isalpha() or term in lexicon.words:
        return []

    def rank(word: str) -> tuple:
        if len(word) == len(term):
            diffs = [i for i in range(len(term)) if term[i] != word[i]]
            if len(diffs) == 2 and term[diffs[0]] == word[diffs[1]]:
                return (0, word)  # transposition
            if len(diffs) == 1 and _adjacent(term[diffs[0]], word[diffs[0]]):
                return (1, word)
            return (3, word)
        return (2, word)

    found = [
        word
        for length in (len(term) - 1, len(term), len(term) + 1)
        for word in lexicon.by_length.get(length, ())
        if len(word) >= 2 and within_edits(term, word, 1) and is_syllable(word)
    ]
    found.sort(key=rank)
    return found[:MAX_SHORT_TYPOS]


def split_word(word: str, lexicon: Lexicon) -> list[tuple[str, ...]]:
    """Ways to read an unknown run-together word as two (or three) known words: "battrang" →
    [("bat", "trang")]. Vietnamese pieces must be syllables; English ones known words of 3+."""
    if len(word) < 4 or not word.isalpha():
        return []

    def piece_ok(piece: str) -> bool:
        return piece in lexicon.words and (is_syllable(piece) or len(piece) >= 3)

    found: list[tuple[str, ...]] = []
    for cut in range(1, len(word)):
        left, right = word[:cut], word[cut:]
        if piece_ok(left) and piece_ok(right):
            found.append((left, right))
    if not found and len(word) >= 6:
        for first in range(1, len(word) - 1):
            for second in range(first + 1, len(word)):
                parts = (word[:first], word[first:second], word[second:])
                if all(piece_ok(p) for p in parts):
                    found.append(parts)
    # Prefer balanced pieces (no one-letter word).
    found.sort(key=lambda parts: (min(len(p) for p in parts) < 2, len(parts)))
    return found[:MAX_SPLITS]


def _joins(folded: list[str], lexicon: Lexicon, last: int, suggest: bool) -> list[Span]:
    """Two tokens that are one word split apart ("kh am" → kham): the joined word is known and
    one piece is not a word on its own."""
    spans = []
    for i in range(len(folded) - 1):
        a, b = folded[i], folded[i + 1]
        joined = a + b
        if not (a.isalpha() and b.isalpha()) or joined not in lexicon.words:
            continue
        loose = [p for p in (a, b) if p not in lexicon.words or not is_syllable(p) or len(p) < 2]
        if loose:
            prefix = i + 1 == last and (suggest or len(joined) >= 3)
            term = Term((joined,), None, weight=WEIGHTS["join"], prefix=prefix, kind="join")
            spans.append(Span(i, i + 2, [term]))
    return spans


#: Alternatives a place, synonym or intent phrase may be spelled with in the query.
_LOOKUP_KINDS = ("typed", "keys", "typo", "northern", "split", "short_typo", "english")
_LOOKUP_PER_TOKEN = 4


def _phrase_spans(exact, folded, singles, joins, lexicon, rules, suggest) -> list[Span]:
    """Place names, synonyms and intent phrases found in the query, also when spelled with a
    token's alternatives ("bats trangf" → bat trang, "battrang" → bat trang)."""
    n = len(folded)
    edges: dict[int, list[tuple[int, tuple[str, ...], float]]] = {}
    for i, span in enumerate(singles):
        options = [
            (i + 1, t.words, t.weight)
            for t in span.terms
            if t.field == "text" and t.kind in _LOOKUP_KINDS and all(w.isalnum() for w in t.words)
        ]
        options.sort(key=lambda o: -o[2])
        edges[i] = options[:_LOOKUP_PER_TOKEN]
    for span in joins:
        for term in span.terms:
            edges.setdefault(span.start, []).append((span.end, term.words, term.weight))

    found: dict[tuple[int, int, tuple[str, ...]], float] = {}

    def walk(start: int, at: int, words: tuple[str, ...], weight: float) -> None:
        for end, more, edge_weight in edges.get(at, ()):
            phrase = words + more
            if len(phrase) > MAX_PHRASE:
                continue
            key = (start, end, phrase)
            value = min(weight, edge_weight)
            if value > found.get(key, 0.0):
                found[key] = value
            walk(start, end, phrase, value)

    for start in range(n):
        walk(start, start, (), 1.0)

    typed_words = {(i, i + 1): (folded[i],) for i in range(n)}
    place_spans: dict[tuple[int, int], Span] = {}
    text_spans: dict[tuple[int, int], Span] = {}
    for (start, end, phrase), weight in sorted(found.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        typed = tuple(folded[start:end]) == phrase
        exact_words = (
            tuple(exact[start:end]) if typed and tuple(exact[start:end]) != phrase else None
        )
        if not suggest and " ".join(phrase) in lexicon.places:
            place_spans.setdefault((start, end), Span(start, end, [])).add(
                Term(phrase, None, field="place", weight=weight, kind="place")
            )
        terms: list[Term] = []
        for alternative in () if suggest else rules.synonyms.get(phrase, ()):
            terms.append(
                Term(alternative, None, weight=weight * WEIGHTS["synonym"], kind="synonym")
            )
            if not suggest and " ".join(alternative) in lexicon.places:
                place_spans.setdefault((start, end), Span(start, end, [])).add(
                    Term(
                        alternative,
                        None,
                        field="place",
                        weight=weight * WEIGHTS["synonym"],
                        kind="place",
                    )
                )
        if not suggest:
            for intent in rules.intents.get(phrase, ()):
                value = weight * WEIGHTS["intent"]
                for tag in intent.tags:
                    terms.append(Term((tag,), None, field="tag", weight=value, kind="intent"))
                for keyword in intent.keywords:
                    words = tuple(folded_tokens(keyword))
                    if words:
                        terms.append(
                            Term(words, tuple(tokens(keyword)), weight=value, kind="intent")
                        )
        if not terms:
            continue
        if (start, end) in typed_words:
            for term in terms:
                singles[start].add(term)
            continue
        span = text_spans.setdefault((start, end), Span(start, end, []))
        span.add(Term(phrase, exact_words, weight=weight, kind="phrase"))
        for term in terms:
            span.add(term)
    return [*text_spans.values(), *place_spans.values()]


def _readings(n: int, stops: set[int], singles: list[Span], multis: list[Span]):
    """Coverings of the required tokens by spans (stop words may be left out), at most one
    place span each; the all-single-token reading first, then the most compact."""
    by_start: dict[int, list[Span]] = {}
    for span in multis:
        by_start.setdefault(span.start, []).append(span)
    found: list[tuple[Span, ...]] = []
    limit = MAX_READINGS * 8

    def walk(i: int, chosen: list[Span], places: int) -> None:
        if len(found) >= limit:
            return
        if i == n:
            if chosen:
                found.append(tuple(chosen))
            return
        if i in stops:
            walk(i + 1, chosen, places)
        else:
            walk(i + 1, [*chosen, singles[i]], places)
        for span in by_start.get(i, ()):
            if span.is_place and places:
                continue
            walk(span.end, [*chosen, span], places + span.is_place)

    walk(0, [], 0)
    if not found:
        return []
    first, rest = found[0], found[1:]
    rest.sort(key=len)
    return [first, *rest][:MAX_READINGS]


@functools.lru_cache(maxsize=1)
def empty_lexicon() -> Lexicon:
    return Lexicon()
