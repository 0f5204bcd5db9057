"""Vietnamese text normalisation helpers for the site search.

Pure Python (standard library only, no Django imports) so the functions can be
used from search backends, management commands and templates alike.

Vocabulary used throughout this module:

* **normalised** text is NFC-composed, case-folded, with runs of whitespace
  collapsed to a single space and the ends stripped (see :func:`normalize`).
* **folded** text is normalised text with every Vietnamese diacritic removed:
  the five tone marks (huyền, sắc, hỏi, ngã, nặng), the vowel marks (ă, â, ê,
  ô, ơ, ư) and the stroke of ``đ`` (see :func:`fold`).

Why a custom mapping instead of "NFD and drop combining marks"?  ``đ``/``Đ``
(U+0111/U+0110) are letters of their own and have no canonical decomposition,
so the naive approach leaves them untouched ("Đúc" would fold to "đuc").
SQLite's FTS5 ``remove_diacritics`` option has the same blind spot.  The table
below is therefore built explicitly for the Vietnamese alphabet, which also
guarantees that folding maps every precomposed Vietnamese letter to exactly one
ASCII letter; :func:`highlight` relies on that to map matches back to offsets
in the original, accented text.  Letters from other languages (``ç``, ``ñ``,
``ü``, Japanese kana, ...) are deliberately left alone.
"""

from __future__ import annotations

import functools
import html
import itertools
import re
import unicodedata
from collections.abc import Iterable

__all__ = [
    "DEFAULT_SYNONYM_GROUPS",
    "FOLD_TABLE",
    "edit_budget",
    "expand_synonyms",
    "fold",
    "folded_tokens",
    "highlight",
    "match_spans",
    "normalize",
    "snippet",
    "tokens",
    "within_edits",
]

# --------------------------------------------------------------------------- #
# Folding table
# --------------------------------------------------------------------------- #

#: Combining tone marks: huyền, sắc, hỏi, ngã, nặng.
TONE_MARKS = ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323")

#: Combining vowel marks: breve (ă), circumflex (â ê ô), horn (ơ ư).
VOWEL_MARKS = ("\u0306", "\u0302", "\u031b")

#: The twelve Vietnamese vowels (without tone), precomposed, with their ASCII base.
VOWELS = {
    "a": "a",
    "ă": "a",
    "â": "a",
    "e": "e",
    "ê": "e",
    "i": "i",
    "o": "o",
    "ô": "o",
    "ơ": "o",
    "u": "u",
    "ư": "u",
    "y": "y",
}


def _build_fold_table() -> dict[int, str]:
    """Build the ``str.translate`` table that strips Vietnamese diacritics.

    Covers every vowel with and without each tone mark, in both cases, plus
    ``đ``/``Đ``.  Stray Vietnamese combining marks (left over when NFC could not
    compose them onto a base letter) are dropped.
    """
    table: dict[int, str] = {}
    for vowel, base in VOWELS.items():
        for variant in (vowel, *(unicodedata.normalize("NFC", vowel + m) for m in TONE_MARKS)):
            for letter in (variant, variant.upper()):
                if letter != base and letter != base.upper():
                    table[ord(letter)] = base
    table[ord("đ")] = "d"
    table[ord("Đ")] = "d"
    for mark in TONE_MARKS + VOWEL_MARKS:
        table[ord(mark)] = ""
    return table


#: ``str.translate`` table: precomposed Vietnamese letter -> ASCII base letter.
FOLD_TABLE: dict[int, str] = _build_fold_table()

# A token is a run of Unicode letters/digits ("\w" minus the underscore).
_TOKEN_RE = re.compile(r"[^\W_]+")


# --------------------------------------------------------------------------- #
# Normalisation, folding and tokenising
# --------------------------------------------------------------------------- #


def _casefold_nfc(text: str) -> str:
    """Return ``text`` NFC-composed and case-folded (still NFC afterwards)."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())


def normalize(text: str) -> str:
    """Return ``text`` NFC-normalised, case-folded, whitespace-collapsed and stripped.

    >>> normalize("  Gốm   Bát\\nTràng ")
    'gốm bát tràng'
    """
    return " ".join(_casefold_nfc(text).split())


def fold(text: str) -> str:
    """Return :func:`normalize` ``(text)`` with all Vietnamese diacritics removed.

    Works on NFC and NFD input alike; ``đ``/``Đ`` become ``d``.

    >>> fold("ĐÚC ĐỒNG")
    'duc dong'
    """
    return normalize(text).translate(FOLD_TABLE)


def tokens(text: str) -> list[str]:
    """Return the word tokens (letters and digits) of the normalised ``text``.

    >>> tokens("Gốm sứ, 2024!")
    ['gốm', 'sứ', '2024']
    """
    return _TOKEN_RE.findall(normalize(text))


def folded_tokens(text: str) -> list[str]:
    """Return the word tokens of the folded ``text``.

    >>> folded_tokens("Gốm sứ, 2024!")
    ['gom', 'su', '2024']
    """
    return _TOKEN_RE.findall(fold(text))


# --------------------------------------------------------------------------- #
# Synonyms
# --------------------------------------------------------------------------- #

#: Groups of interchangeable folded phrases. Every member of a group expands to
#: every other member, so the relation is bidirectional by construction.
DEFAULT_SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("ocop", "moi xa mot san pham"),
    ("tp hcm", "ho chi minh", "tphcm"),
    ("ha noi", "hn"),
    ("htx", "hop tac xa"),
)

# Maximum number of alternatives returned, to keep queries bounded.
_MAX_ALTERNATIVES = 32


def _synonym_index(
    groups: Iterable[Iterable[str]],
) -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """Map each phrase (as a token tuple) to all phrases of its group."""
    index: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = {}
    for group in groups:
        phrases = tuple(tuple(folded_tokens(phrase)) for phrase in group)
        for phrase in phrases:
            index[phrase] = phrases
    return index


_DEFAULT_INDEX = _synonym_index(DEFAULT_SYNONYM_GROUPS)


def _segment(
    words: list[str], index: dict[tuple[str, ...], tuple[tuple[str, ...], ...]]
) -> list[tuple[tuple[str, ...], ...]]:
    """Split ``words`` into segments, each a tuple of interchangeable token tuples.

    Scans left to right and prefers the longest synonym phrase at each position;
    words that are not part of any synonym phrase form single-option segments.
    """
    longest = max((len(phrase) for phrase in index), default=0)
    segments: list[tuple[tuple[str, ...], ...]] = []
    pos = 0
    while pos < len(words):
        for size in range(min(longest, len(words) - pos), 0, -1):
            options = index.get(tuple(words[pos : pos + size]))
            if options:
                segments.append(options)
                pos += size
                break
        else:
            segments.append(((words[pos],),))
            pos += 1
    return segments


def expand_synonyms(
    folded_query_tokens: Iterable[str] | str,
    groups: Iterable[Iterable[str]] | None = None,
) -> list[str]:
    """Return alternative folded phrases for a query, using the synonym groups.

    ``folded_query_tokens`` is a sequence of folded tokens (a plain string is
    accepted too and is tokenised with :func:`folded_tokens`).  Every synonym
    phrase found in the query is replaced by each other member of its group;
    several phrases combine.  The original phrase is not included, order is
    deterministic and the result is capped at 32 alternatives.

    >>> expand_synonyms(["gom", "ha", "noi"])
    ['gom hn']
    """
    if isinstance(folded_query_tokens, str):
        words = folded_tokens(folded_query_tokens)
    else:
        words = [word for token in folded_query_tokens for word in folded_tokens(token)]
    index = _DEFAULT_INDEX if groups is None else _synonym_index(groups)
    original = " ".join(words)
    alternatives: list[str] = []
    for combination in itertools.product(*_segment(words, index)):
        phrase = " ".join(word for part in combination for word in part)
        if phrase != original and phrase not in alternatives:
            alternatives.append(phrase)
            if len(alternatives) >= _MAX_ALTERNATIVES:
                break
    return alternatives


# --------------------------------------------------------------------------- #
# Typo tolerance
# --------------------------------------------------------------------------- #


def edit_budget(token: str) -> int:
    """Return how many typos are tolerated for ``token`` (measured after folding).

    0 edits below 4 characters, 1 edit from 4 characters, 2 edits from 8.
    """
    length = len(fold(token))
    if length >= 8:
        return 2
    if length >= 4:
        return 1
    return 0


def _trim_common_affixes(a: str, b: str) -> tuple[str, str]:
    """Strip the common prefix and suffix of ``a`` and ``b`` (they cost nothing)."""
    prefix = 0
    limit = min(len(a), len(b))
    while prefix < limit and a[prefix] == b[prefix]:
        prefix += 1
    suffix = 0
    limit -= prefix
    while suffix < limit and a[-1 - suffix] == b[-1 - suffix]:
        suffix += 1
    return a[prefix : len(a) - suffix], b[prefix : len(b) - suffix]


def within_edits(a: str, b: str, max_edits: int) -> bool:
    """Return whether ``a`` and ``b`` are at most ``max_edits`` edits apart.

    Uses the optimal string alignment variant of Damerau-Levenshtein distance
    (insertions, deletions, substitutions and adjacent transpositions).  Only a
    diagonal band of width ``2 * max_edits + 1`` is computed and the scan stops
    as soon as a whole row exceeds the budget.  Compares strings as given; fold
    them first for accent-insensitive matching.
    """
    if max_edits < 0:
        return False
    if a == b:
        return True
    if abs(len(a) - len(b)) > max_edits:
        return False
    a, b = _trim_common_affixes(a, b)
    if not a or not b:
        return max(len(a), len(b)) <= max_edits
    if max_edits == 1:  # what is left of a single edit: one substitution or one transposition
        return len(a) == len(b) and (len(a) == 1 or (len(a) == 2 and a == b[::-1]))
    return _banded_osa_within(a, b, max_edits)


def _banded_osa_within(a: str, b: str, k: int) -> bool:
    """Banded optimal-string-alignment check behind :func:`within_edits`.

    Row ``i`` of the dynamic-programming matrix only stores the ``2k + 1``
    cells with ``|j - i| <= k`` (cells outside the band are already over
    budget), at position ``j - i + k``; values above ``k`` are capped at
    ``k + 1``.  Row minima never decrease, so the scan stops as soon as a whole
    row is over budget.  Runs in ``O(len(a) * k)`` time and ``O(k)`` memory.
    """
    over = k + 1
    band = 2 * k + 1

    def cell(row: list[int], position: int) -> int:
        return row[position] if 0 <= position < band else over

    # Row 0: distance from the empty prefix of `a` to b[:j] is j.
    previous = [min(d - k, over) if d >= k else over for d in range(band)]
    before_previous = [over] * band
    for i in range(1, len(a) + 1):
        current = [over] * band
        for d in range(band):
            j = i + d - k
            if j < 0 or j > len(b):
                continue
            if j == 0:
                current[d] = min(i, over)
                continue
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(
                cell(previous, d + 1) + 1,  # deletion: (i - 1, j)
                cell(current, d - 1) + 1,  # insertion: (i, j - 1)
                cell(previous, d) + cost,  # substitution / match: (i - 1, j - 1)
            )
            if cost and i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, cell(before_previous, d) + 1)  # transposition
            current[d] = min(value, over)
        if min(current) > k:
            return False
        before_previous, previous = previous, current
    return previous[len(b) - len(a) + k] <= k


# --------------------------------------------------------------------------- #
# Highlighting and snippets
# --------------------------------------------------------------------------- #


@functools.lru_cache(maxsize=8192)
def _fold_char(char: str) -> str:
    """Fold one character (cached: highlighting folds every character of every snippet)."""
    return _casefold_nfc(char).translate(FOLD_TABLE)


def _fold_with_offsets(text: str) -> tuple[str, list[int], list[int]]:
    """Fold NFC ``text`` character by character, keeping track of offsets.

    Returns ``(folded, origin, width)`` where ``origin[k]`` is the index in
    ``text`` of the character that produced ``folded[k]`` and ``width[i]`` is
    how many folded characters ``text[i]`` produced.  For Vietnamese letters
    ``width`` is always 1; case-folding can make it 2 or more (``ß`` -> ``ss``)
    and stray combining marks fold to nothing (0).  Whitespace is kept as is.
    """
    pieces = list(map(_fold_char, text))
    width = list(map(len, pieces))
    if width.count(1) == len(width):  # the usual case: one folded character per character
        return "".join(pieces), list(range(len(text))), width
    origin: list[int] = []
    for index, size in enumerate(width):
        origin.extend([index] * size)
    return "".join(pieces), origin, width


def _query_matches(token: str, query_terms: list[tuple[str, int]]) -> bool:
    """Return whether folded ``token`` equals a query term within its edit budget."""
    return any(
        token == term
        or (budget and abs(len(token) - len(term)) <= budget)
        and within_edits(token, term, budget)
        for term, budget in query_terms
    )


def _merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sort spans and merge the ones that overlap or touch."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def match_spans(
    text: str, query: str, prefer_exact: bool = False, extra: Iterable[str] = ()
) -> list[tuple[int, int]]:
    """Return ``(start, end)`` offsets in NFC ``text`` of the words matching ``query``.

    Both sides are folded, and a word matches when it is within the edit budget
    (:func:`edit_budget` of the query term) of a query token, or equals one of the ``extra``
    words (the alternatives a search matched with: decoded, corrected, synonyms…).  Offsets
    refer to ``unicodedata.normalize("NFC", text)``; spans are sorted and non-overlapping.
    """
    terms = [(term, edit_budget(term)) for term in dict.fromkeys(folded_tokens(query))]
    known = {term for term, _budget in terms}
    terms += [(word, 0) for word in dict.fromkeys(fold(w) for w in extra) if word not in known]
    if not terms:
        return []
    text = unicodedata.normalize("NFC", text)
    folded, origin, width = _fold_with_offsets(text)
    words = list(_TOKEN_RE.finditer(folded))
    if prefer_exact:  # a term found as typed is not also matched loosely ("dong" ≠ "song")
        present = {word.group() for word in words}
        terms = [(term, 0 if term in present else budget) for term, budget in terms]
    exact = {term for term, budget in terms if not budget}
    fuzzy = [(term, budget) for term, budget in terms if budget]
    verdicts: dict[str, bool] = {}  # words repeat; each is compared with the query once
    spans = []
    for found in words:
        word = found.group()
        matched = verdicts.get(word)
        if matched is None:
            matched = verdicts[word] = word in exact or _query_matches(word, fuzzy)
        if not matched:
            continue
        start = origin[found.start()]
        end = origin[found.end() - 1] + 1
        while end < len(text) and width[end] == 0:  # swallow trailing stray marks
            end += 1
        spans.append((start, end))
    return _merge_spans(spans)


def _render(text: str, spans: list[tuple[int, int]], start: str, end: str) -> str:
    """HTML-escape ``text`` and wrap each span in the ``start``/``end`` markup."""
    parts: list[str] = []
    cursor = 0
    for span_start, span_end in spans:
        parts.append(html.escape(text[cursor:span_start]))
        parts.append(start + html.escape(text[span_start:span_end]) + end)
        cursor = span_end
    parts.append(html.escape(text[cursor:]))
    return "".join(parts)


def highlight(
    original_text: str,
    query: str,
    start: str = "<mark>",
    end: str = "</mark>",
    prefer_exact: bool = False,
    extra: Iterable[str] = (),
) -> str:
    """Return ``original_text`` HTML-escaped, with words matching ``query`` wrapped.

    Matching is accent-insensitive and typo-tolerant (see :func:`match_spans`),
    but the output keeps the original accents: the query ``"gom bat trang"``
    turns ``"Gốm Bát Tràng"`` into ``"<mark>Gốm</mark> <mark>Bát</mark>
    <mark>Tràng</mark>"``.  The text is NFC-normalised first.  ``start`` and
    ``end`` are trusted markup and are inserted unescaped.
    """
    text = unicodedata.normalize("NFC", original_text)
    return _render(text, match_spans(text, query, prefer_exact, extra), start, end)


def _window(text: str, span: tuple[int, int], length: int) -> tuple[int, int]:
    """Return ``(begin, finish)`` of a ``length``-character window around ``span``.

    The match is centred where possible and partial words at either edge of
    the window are dropped when that does not cut into the match.
    """
    match_start, match_end = span
    lead = max(0, (length - (match_end - match_start)) // 2)
    begin = max(0, match_start - lead)
    finish = min(len(text), begin + length)
    begin = max(0, finish - length)
    if begin > 0 and not text[begin - 1].isspace():
        space = text.find(" ", begin, match_start)
        if space != -1:
            begin = space + 1
    if finish < len(text) and not text[finish].isspace():
        space = text.rfind(" ", match_end, finish)
        if space != -1:
            finish = space
    return begin, finish


def snippet(
    original_text: str,
    query: str,
    length: int = 160,
    start: str = "<mark>",
    end: str = "</mark>",
    prefer_exact: bool = False,
    extra: Iterable[str] = (),
) -> str:
    """Return a highlighted, HTML-safe excerpt of about ``length`` characters.

    The excerpt is taken around the first match of ``query`` (or from the start
    of the text when nothing matches); whitespace is collapsed and ``…`` marks
    text cut off at either end.
    """
    if length < 1:
        raise ValueError("length must be positive")
    text = " ".join(unicodedata.normalize("NFC", original_text).split())
    spans = match_spans(text, query, prefer_exact, extra)
    begin, finish = _window(text, spans[0] if spans else (0, 0), length)
    visible = [
        (max(span_start, begin) - begin, min(span_end, finish) - begin)
        for span_start, span_end in spans
        if span_start < finish and span_end > begin
    ]
    prefix = "…" if begin > 0 else ""
    suffix = "…" if finish < len(text) else ""
    return prefix + _render(text[begin:finish], visible, start, end) + suffix
