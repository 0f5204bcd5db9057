"""How Vietnamese words are built and mistyped: syllables, tones, Telex/VNI, Northern spellings.

Pure Python (standard library only), used by the query analysis (`cms.search.analysis`) of both
search engines. Words are NFC-normalised and lower-case (`cms.search.text.normalize`).

* A syllable is onset + rhyme + tone. :func:`split_tone` separates the tone (0 ngang, 1 huyền,
  2 sắc, 3 hỏi, 4 ngã, 5 nặng) from the letters, so "hoà" and "hòa" compare equal whatever the
  tone placement style; :func:`apply_tone` puts it back where the traditional style does.
* :func:`is_syllable` checks a word against the onsets and rhymes of the language (and that a
  rhyme ending in c/ch/p/t carries only sắc or nặng); it works on accented and folded words.
* :func:`decode_telex` and :func:`decode_vni` turn the keys an input method left in the text
  when it was off or misfired ("nuwowcs" → "nước", "d9o6ng2" → "đồng") back into a word — but
  only into a valid syllable, so English and correctly typed words are not decoded into
  nonsense; callers decode only tokens that are not known words of the index.
* :func:`northern_variants` gives the spellings a Northern speaker confuses (l/n, s/x, tr/ch,
  gi/d/r) — candidates the caller keeps only when the index knows them.
* :func:`english_variants` gives light English inflections (plural/singular, a few irregular
  forms) to look up in the index vocabulary.
"""

from __future__ import annotations

import functools
import unicodedata

__all__ = [
    "apply_tone",
    "decode_telex",
    "decode_vni",
    "english_variants",
    "has_marks",
    "is_syllable",
    "northern_variants",
    "split_tone",
    "tone_distance",
]

#: Combining tone marks by tone number (1 huyền, 2 sắc, 3 hỏi, 4 ngã, 5 nặng).
TONE_MARKS = {1: "\u0300", 2: "\u0301", 3: "\u0309", 4: "\u0303", 5: "\u0323"}
_MARK_TONE = {mark: tone for tone, mark in TONE_MARKS.items()}

PLAIN_VOWELS = "aeiouy"
MARKED_VOWELS = "ăâêôơư"
VOWELS = set(PLAIN_VOWELS + MARKED_VOWELS)
CIRCUMFLEX = {"a": "â", "e": "ê", "o": "ô"}
BREVE = {"a": "ă"}
HORN = {"o": "ơ", "u": "ư"}

ONSETS = (
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr",
    "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
)  # fmt: skip

#: Every rhyme of the language, untoned, with its vowel marks.
RHYMES = frozenset(
    """
    a ai ao au ay am an ang anh ac ach ap at
    ăm ăn ăng ăc ăp ăt
    âm ân âng âc âp ât âu ây
    e eo em en eng ec ep et
    ê êu êm ên ênh êch êp êt
    i ia iu im in inh ich ip it
    iêm iên iêng iêc iêp iêt iêu
    o oi om on ong oc op ot oong ooc
    oa oai oay oam oan oang oanh oac oach oap oat
    oăm oăn oăng oăc oăt
    oe oeo oen oet
    ô ôi ôm ôn ông ôc ôp ôt
    ơ ơi ơm ơn ơp ơt
    u ui um un ung uc up ut ua
    uy uya uyt uyn uynh uych uyp uyu uyên uyêt
    uân uâng uât uây uê uêch uênh uơ
    uôi uôm uôn uông uôc uôt
    ư ưa ưi ưu ưng ưc ưt ưm
    ươi ươu ươm ươn ương ươc ươp ươt
    y yêm yên yêt yêu
    """.split()
)
_STOP_FINALS = ("c", "ch", "p", "t")


def _fold_letters(text: str) -> str:
    from .text import fold

    return fold(text)


FOLDED_RHYMES = frozenset(_fold_letters(r) for r in RHYMES)
FOLDED_ONSETS = tuple(sorted({o.replace("đ", "d") for o in ONSETS}, key=len, reverse=True))


# --------------------------------------------------------------------------- #
# Tones
# --------------------------------------------------------------------------- #


@functools.lru_cache(maxsize=65536)
def split_tone(word: str) -> tuple[str, int]:
    """("nươc", 2) for "nước": the word without its tone mark, and the tone (0 if none)."""
    tone = 0
    kept = []
    for char in unicodedata.normalize("NFD", word):
        if char in _MARK_TONE:
            tone = _MARK_TONE[char]
        else:
            kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept)), tone


def has_marks(word: str) -> bool:
    """Whether the word carries any Vietnamese diacritic (tone, vowel mark or đ)."""
    return _fold_letters(word) != word.lower()


def _parts(word: str) -> tuple[str, str, str] | None:
    """(onset, vowels, final) of an untoned word, or None when it has no vowel."""
    for onset in ONSETS:
        if not word.startswith(onset):
            continue
        rest = word[len(onset) :]
        if onset in ("gi", "qu") and (not rest or rest[0] not in VOWELS):
            continue  # "gì", "gìn": g + i…
        end = 0
        while end < len(rest) and rest[end] in VOWELS:
            end += 1
        if end == 0:
            continue
        return onset, rest[:end], rest[end:]
    return None


def apply_tone(untoned: str, tone: int) -> str:
    """Put tone mark `tone` on the vowel the traditional style chooses ("hòa", "thủy", "rượu")."""
    if not tone:
        return untoned
    parts = _parts(untoned)
    if parts is None:
        return untoned
    onset, vowels, final = parts
    marked = [i for i, v in enumerate(vowels) if v in MARKED_VOWELS]
    if marked:
        index = marked[-1]  # ươ → ơ, uyê → ê
    elif final or len(vowels) == 1:
        index = len(vowels) - 1
    elif len(vowels) == 2:
        index = 0  # hòa, múa, thủy (traditional placement)
    else:
        index = 1  # ngoái, khuỷu
    chars = list(vowels)
    chars[index] = unicodedata.normalize("NFC", chars[index] + TONE_MARKS[tone])
    return onset + "".join(chars) + final


@functools.lru_cache(maxsize=65536)
def is_syllable(word: str) -> bool:
    """Whether `word` (accented or folded, lower-case) is a possible Vietnamese syllable."""
    if not word or not word.isalpha():
        return False
    untoned, tone = split_tone(word)
    folded = untoned == _fold_letters(untoned)
    for onset in FOLDED_ONSETS if folded else ONSETS:
        if not untoned.startswith(onset):
            continue
        rhyme = untoned[len(onset) :]
        if rhyme in (FOLDED_RHYMES if folded else RHYMES):
            if tone and tone not in (2, 5) and rhyme.endswith(_STOP_FINALS):
                continue
            return True
    return False


def tone_distance(typed: str, found: str) -> float:
    """How far two words that fold alike are apart in their diacritics: 0 identical, 0.5 only
    the tone differs, 0.6 a vowel mark (ư/u, ô/o, đ/d…) differs, 0.7 both."""
    if typed == found:
        return 0.0
    typed_letters, typed_tone = split_tone(typed)
    found_letters, found_tone = split_tone(found)
    if typed_letters == found_letters:
        return 0.0 if typed_tone == found_tone else 0.5
    return 0.6 if typed_tone == found_tone else 0.7


# --------------------------------------------------------------------------- #
# Telex and VNI residue
# --------------------------------------------------------------------------- #

TELEX_TONES = {"f": 1, "s": 2, "r": 3, "x": 4, "j": 5}
VNI_TONES = {"1": 2, "2": 1, "3": 3, "4": 4, "5": 5}


def _last_plain(chars: list[str], letters: str) -> int | None:
    """Index of the last plain letter among `letters` in the word typed so far."""
    for i in range(len(chars) - 1, -1, -1):
        if chars[i] in letters:
            return i
    return None


def _horn(chars: list[str], breve: bool = False) -> bool:
    """Apply a horn (Telex w, VNI 7) to the last plain o/u ("uo" → "ươ"), or with `breve`
    (Telex w) a breve to an a if that comes last; True when something was changed."""
    index = _last_plain(chars, "aou" if breve else "ou")
    if index is None:
        return False
    if chars[index] == "a":
        chars[index] = BREVE["a"]
    elif (
        chars[index] == "o"
        and index
        and chars[index - 1] == "u"
        and chars[index - 2 : index - 1] != ["q"]
    ):
        chars[index - 1], chars[index] = "ư", "ơ"
    else:
        chars[index] = HORN[chars[index]]
    return True


def _finish(chars: list[str], tone: int, prefix_ok: bool) -> str | None:
    word = apply_tone("".join(chars), tone)
    if is_syllable(word):
        return word
    if prefix_ok and _is_syllable_prefix(word):
        return word
    return None


def _is_syllable_prefix(word: str) -> bool:
    """Whether some syllable starts with `word` (a word still being typed: "mắ" → "mắm")."""
    untoned, tone = split_tone(word)
    for onset in ONSETS:
        if untoned.startswith(onset):
            rest = untoned[len(onset) :]
            if rest and any(r.startswith(rest) for r in RHYMES):
                return True
    return False


def decode_telex(token: str, prefix_ok: bool = False) -> str | None:
    """The word an input method would have made of Telex keys, or None.

    Handles dd → đ, aa/ee/oo → â/ê/ô, aw → ă, ow → ơ, uw → ư, uow → ươ, a lone w → ư, the tone
    keys f s r x j (anywhere after the first vowel, as modern input methods accept) and z (no
    tone). Returns None when the token holds no Telex key or does not decode into a possible
    syllable (with `prefix_ok`, into the start of one: the last word of a query may be
    unfinished). Tokens must be lower-case ASCII letters.
    """
    if not token.isascii() or not token.isalpha():
        return None
    chars: list[str] = []
    tone = 0
    keyed = False
    for char in token:
        has_vowel = any(c in VOWELS for c in chars)
        if char in TELEX_TONES and has_vowel:
            if tone:
                return None  # a second tone key: not a Telex word
            tone = TELEX_TONES[char]
            keyed = True
        elif char == "z" and has_vowel:
            tone = 0
            keyed = True
        elif char == "d" and chars and chars[-1] == "d":
            chars[-1] = "đ"
            keyed = True
        elif char in CIRCUMFLEX and chars and chars[-1] == char:
            chars[-1] = CIRCUMFLEX[char]
            keyed = True
        elif (
            char in CIRCUMFLEX
            and (i := _last_plain(chars, char)) is not None
            and all(c not in VOWELS for c in chars[i + 1 :])
        ):
            chars[i] = CIRCUMFLEX[char]  # "tieng" + "e": the doubling key after the final
            keyed = True
        elif char == "w":
            if not _horn(chars, breve=True):
                if has_vowel:
                    return None
                chars.append("ư")  # a lone w: ư ("nw" → "nư")
            keyed = True
        else:
            chars.append(char)
    if not keyed:
        return None
    return _finish(chars, tone, prefix_ok)


def decode_vni(token: str, prefix_ok: bool = False) -> str | None:
    """The word VNI keys would have made (1 sắc, 2 huyền, 3 hỏi, 4 ngã, 5 nặng, 6 â ê ô,
    7 ơ ư, 8 ă, 9 đ, 0 no tone), or None. The token starts with a letter and holds a digit."""
    if not token.isascii() or not token.isalnum() or not token[0].isalpha():
        return None
    if not any(c.isdigit() for c in token):
        return None
    chars: list[str] = []
    tone = 0
    for char in token:
        if not char.isdigit():
            chars.append(char)
            continue
        if char in VNI_TONES:
            if not any(c in VOWELS for c in chars):
                return None
            tone = VNI_TONES[char]
        elif char == "0":
            tone = 0
        elif char == "6":
            index = _last_plain(chars, "aeo")
            if index is None:
                return None
            chars[index] = CIRCUMFLEX[chars[index]]
        elif char == "7":
            if not _horn(chars):
                return None
        elif char == "8":
            index = _last_plain(chars, "a")
            if index is None:
                return None
            chars[index] = BREVE["a"]
        elif char == "9":
            index = next((i for i in range(len(chars) - 1, -1, -1) if chars[i] == "d"), None)
            if index is None:
                return None
            chars[index] = "đ"
    return _finish(chars, tone, prefix_ok)


def decode_keys(token: str, prefix_ok: bool = False) -> str | None:
    """Telex or VNI, whichever the token holds."""
    if any(c.isdigit() for c in token):
        return decode_vni(token, prefix_ok)
    return decode_telex(token, prefix_ok)


# --------------------------------------------------------------------------- #
# Northern pronunciation spellings
# --------------------------------------------------------------------------- #

#: Onsets a Northern speaker pronounces alike, so spells interchangeably.
NORTHERN_ONSETS = {
    "l": ("n",),
    "n": ("l",),
    "s": ("x",),
    "x": ("s",),
    "tr": ("ch",),
    "ch": ("tr",),
    "gi": ("d", "r"),
    "d": ("gi", "r"),
    "r": ("d", "gi"),
}


def northern_variants(word: str) -> list[str]:
    """The word with its onset swapped for each one a Northern speaker confuses it with:
    "nàng" → ["làng"], "chà" → ["trà"], "dò" → ["giò", "rò"]. "đ" is never confused."""
    parts = _parts(split_tone(word)[0])
    if parts is None:
        return []
    onset = parts[0]
    if onset == "g" and parts[1].startswith("i"):
        onset = "gi"  # "gì": written g + i, heard like "gi"
    if onset not in NORTHERN_ONSETS:
        return []
    rest = word[len(onset) :]
    variants = []
    for other in NORTHERN_ONSETS[onset]:
        if onset == "gi" and not rest:
            continue
        candidate = other + rest
        if other == "gi" and rest[:1] in ("i", "í", "ì", "ỉ", "ĩ", "ị"):
            continue  # "gi" + "i…" is spelled "gi…" already
        variants.append(candidate)
    return variants


# --------------------------------------------------------------------------- #
# English inflections
# --------------------------------------------------------------------------- #

IRREGULAR = {
    "woven": ("weave", "weaving"),
    "wove": ("weave", "woven"),
    "weaving": ("weave", "woven"),
    "made": ("make", "handmade"),
    "leaves": ("leaf",),
    "leaf": ("leaves",),
    "knives": ("knife",),
    "women": ("woman",),
    "children": ("child",),
    "dried": ("dry",),
    "dry": ("dried",),
    "fried": ("fry",),
    "fry": ("fried",),
}


def english_variants(word: str) -> list[str]:
    """Light inflections of an English word (plural ↔ singular, -ed/-ing, a few irregular
    forms); the caller keeps those the index knows. "baskets" → ["basket"], "tea" → ["teas"]."""
    if not word.isascii() or not word.isalpha() or len(word) < 3:
        return []
    forms: list[str] = list(IRREGULAR.get(word, ()))
    if word.endswith("ies") and len(word) > 4:
        forms.append(word[:-3] + "y")
    if word.endswith("es") and len(word) > 4:
        forms.append(word[:-2])
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        forms.append(word[:-1])
    else:
        forms.append(word + "s")
        if word.endswith(("s", "x", "ch", "sh")):
            forms.append(word + "es")
        if word.endswith("y") and word[-2] not in "aeiou":
            forms.append(word[:-1] + "ies")
    for suffix in ("ed", "ing"):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            stem = word[: -len(suffix)]
            forms += [stem, stem + "e"]
    return [f for f in dict.fromkeys(forms) if f != word]
