"""How Vietnamese people type: Telex/VNI residue, Northern spellings, split and joined words,
question words, tones — the pure parts (cms.search.vietnamese, analysis, scoring)."""

import itertools
import unicodedata

import pytest

from cms.search import scoring
from cms.search.analysis import Intent, Lexicon, Rules, analyze, short_typo_candidates, split_word
from cms.search.text import fold
from cms.search.vietnamese import (
    ONSETS,
    RHYMES,
    apply_tone,
    decode_telex,
    decode_vni,
    english_variants,
    is_syllable,
    northern_variants,
    split_tone,
    tone_distance,
)

TELEX_VOWELS = {"â": "aa", "ê": "ee", "ô": "oo", "ă": "aw", "ơ": "ow", "ư": "uw", "đ": "dd"}
TELEX_TONES = {1: "f", 2: "s", 3: "r", 4: "x", 5: "j"}
VNI_VOWELS = {"â": "a6", "ê": "e6", "ô": "o6", "ă": "a8", "ơ": "o7", "ư": "u7", "đ": "d9"}
VNI_TONES = {1: "2", 2: "1", 3: "3", 4: "4", 5: "5"}


def _syllables():
    """Every onset × rhyme × allowed tone (rhymes ending in c/ch/p/t take sắc or nặng only)."""
    for onset, rhyme in itertools.product(ONSETS, sorted(RHYMES)):
        if onset in ("gi", "qu") and rhyme[0] in "iu":
            continue  # written gi/qu + i/u… differently ("gì", "quy"): not a plain concatenation
        if onset in ("k", "gh", "ngh") and rhyme[0] not in "eêiy":
            continue
        if rhyme in ("oong", "ooc") or rhyme.startswith("uơ"):
            continue  # "oo" and "uơ" are what the keys for "ô" and "ươ" make: ambiguous
        stop = rhyme.endswith(("c", "ch", "p", "t"))
        for tone in (2, 5) if stop else range(6):
            yield apply_tone(onset + rhyme, tone), onset + rhyme, tone


def _telex(letters: str, tone: int) -> str:
    return "".join(TELEX_VOWELS.get(c, c) for c in letters) + TELEX_TONES.get(tone, "")


def _vni(letters: str, tone: int) -> str:
    return "".join(VNI_VOWELS.get(c, c) for c in letters) + VNI_TONES.get(tone, "")


def test_telex_round_trip_over_every_syllable_and_tone():
    failures = []
    count = 0
    for word, letters, tone in _syllables():
        typed = _telex(letters, tone)
        if typed == letters:
            continue  # nothing to decode: a plain word
        count += 1
        if decode_telex(typed) != word:
            failures.append((typed, decode_telex(typed), word))
    assert count > 3000
    assert not failures, failures[:20]


def test_vni_round_trip_over_every_syllable_and_tone():
    failures = []
    for word, letters, tone in _syllables():
        typed = _vni(letters, tone)
        if typed == letters:
            continue
        if decode_vni(typed) != word:
            failures.append((typed, decode_vni(typed), word))
    assert not failures, failures[:20]


@pytest.mark.parametrize(
    "typed, word",
    [
        ("nuowcs", "nước"),  # uow → ươ, tone key at the end
        ("nuwowcs", "nước"),  # uw + ow
        ("ruowuj", "rượu"),
        ("ddoongf", "đồng"),  # dd, oo, huyền
        ("goosm", "gốm"),  # tone key before the final consonant
        ("tieens", "tiến"),
        ("khamr", "khảm"),  # hỏi
        ("suwxa", "sữa"),  # ngã, then the last vowel
        ("gaoj", "gạo"),  # nặng
        ("chawn", "chăn"),  # aw → ă
        ("nw", "nư"),  # a lone w
        ("hoawcj", "hoặc"),
        ("nghez", "nghe"),  # z: no tone
        ("tra", None),  # nothing to decode
        ("sticks", None),  # English: no such syllable
        ("flowers", None),
        ("dress", None),
        ("woven", None),
        ("bass", None),  # two tone keys
    ],
)
def test_telex_decoding(typed, word):
    assert decode_telex(typed) == word


@pytest.mark.parametrize(
    "typed, word",
    [
        ("go6m1", "gốm"),
        ("go61m", "gốm"),  # the tone digit anywhere after the vowel
        ("d9o6ng2", "đồng"),
        ("nu7o7c1", "nước"),
        ("nuoc71", "nước"),  # 7 on "uo" → ươ
        ("ca1", "cá"),
        ("kho3", "khỏ"),
        ("a8n", "ăn"),
        ("hoa2", "hòa"),  # traditional placement
        ("thuy5", "thụy"),
        ("35", None),
        ("2024", None),
        ("a1b2c3", None),
    ],
)
def test_vni_decoding(typed, word):
    assert decode_vni(typed) == word


def test_unfinished_last_word_may_decode_to_a_syllable_start():
    assert decode_telex("maws") is None  # "mắ" is no syllable…
    assert decode_telex("maws", prefix_ok=True) == "mắ"  # …but starts "mắm", "mắt"


LEXICON = Lexicon(
    words={
        "nuoc",
        "mam",
        "gom",
        "bat",
        "trang",
        "lang",
        "nghe",
        "tra",
        "sen",
        "kham",
        "trai",
        "gio",
        "trau",
        "tea",
        "silk",
        "woven",
        "basket",
        "baskets",
        "xoong",
        "boong",
        "son",
        "mai",
        "chua",
        "huong",
        "sua",
        "dat",
        "vang",
        "hand",
    },  # fmt: skip
    places={"bat trang", "gia lam", "duong xa", "duong xa gia lam", "duc tu", "dong hoi"},
)


def _terms(q, **kwargs):
    analyzed = analyze(q, LEXICON, Rules(), **kwargs)
    return analyzed, [[(t.words, t.kind) for t in s.terms] for s in analyzed.readings[0]]


def test_decoding_applies_only_to_unknown_tokens_and_keeps_the_token():
    analyzed, spans = _terms("nuowcs mamf")
    assert spans[0] == [(("nuowcs",), "typed"), (("nuoc",), "keys")]
    assert (("mam",), "keys") in spans[1]
    # Correct Vietnamese and English words are never decoded, even when they hold Telex keys.
    for word in ("xoong", "boong", "tea", "silk", "woven", "baskets", "nghe", "tra"):
        _analyzed, spans = _terms(f"gom {word}")
        assert spans[1][0] == ((word,), "typed")
        assert all(kind != "keys" for _w, kind in spans[1]), word
    # A decoded word the index does not know is dropped ("ddaauf" → đầu, unknown here).
    _analyzed, spans = _terms("ddaauf")
    assert all(kind != "keys" for _w, kind in spans[0])


def test_telex_mixed_with_normal_text_and_accents():
    _analyzed, spans = _terms("làng gooms bát trangf")
    assert spans[0] == [(("lang",), "typed")]
    assert (("gom",), "keys") in spans[1]
    assert spans[2][0] == (("bat",), "typed")
    assert (("trang",), "keys") in spans[3]


def test_vni_tokens_decode():
    _analyzed, spans = _terms("go6m1 ba1t")
    assert (("gom",), "keys") in spans[0] and (("bat",), "keys") in spans[1]


def test_northern_spellings():
    assert northern_variants("nàng") == ["làng"]
    assert northern_variants("lước") == ["nước"]
    assert northern_variants("xữa") == ["sữa"]
    assert northern_variants("chà") == ["trà"]
    assert northern_variants("trùa") == ["chùa"]
    assert set(northern_variants("dò")) == {"giò", "rò"}
    assert set(northern_variants("rò")) == {"dò", "giò"}
    assert set(northern_variants("giò")) == {"dò", "rò"}
    assert northern_variants("đồng") == []  # đ is never confused
    assert northern_variants("nhà") == [] and northern_variants("ngà") == []
    _analyzed, spans = _terms("nàng gốm")
    assert any(words == ("lang",) for words, _kind in spans[0])


def test_split_and_joined_words():
    assert split_word("battrang", LEXICON) == [("bat", "trang")]
    assert split_word("sonmai", LEXICON) == [("son", "mai")]
    assert split_word("handwoven", LEXICON) == [("hand", "woven")]
    assert split_word("xyz", LEXICON) == []
    analyzed = analyze("kh am trai", LEXICON, Rules())
    joined = [s for r in analyzed.readings for s in r if s.size == 2]
    assert joined and joined[0].terms[0].words == ("kham",)
    # two known syllables are not joined into a third word
    assert all(s.size == 1 for s in analyze("son mai", LEXICON, Rules()).readings[0])


def test_short_syllable_typos_are_valid_syllables():
    found = short_typo_candidates("gmo", LEXICON)
    assert found[0] == "gom"  # swapped letters first
    assert all(is_syllable(w) for w in found)
    assert short_typo_candidates("gom", LEXICON) == []  # known words are not corrected


def test_question_words_are_optional():
    analyzed = analyze("mua trà sen ở đâu", LEXICON, Rules())
    assert [s.start for s in analyzed.optional] == [0, 3, 4]
    assert [s.start for s in analyzed.readings[0]] == [1, 2]
    # in a query typed without accents only unambiguous ones count ("cho" may be chợ)
    analyzed = analyze("cho ninh hiep", LEXICON, Rules())
    assert not analyzed.optional
    # a query of question words only still searches them
    assert analyze("ở đâu", LEXICON, Rules()).readings


def test_place_names_span_whole_names_one_per_reading():
    analyzed = analyze("duong xa gia lam", LEXICON, Rules())
    places = {tuple(t.words) for r in analyzed.readings for s in r if s.is_place for t in s.terms}
    assert ("duong", "xa", "gia", "lam") in places and ("gia", "lam") in places
    assert all(sum(s.is_place for s in r) <= 1 for r in analyzed.readings)
    # words of two names (Đức Tú, Đông Hội) make no place: "duc dong" stays text only
    analyzed = analyze("duc dong", LEXICON, Rules())
    assert not any(s.is_place for r in analyzed.readings for s in r)


def test_synonyms_and_intents_become_span_alternatives():
    rules = Rules(
        synonyms=[("hà nội", "hanoi", "hn")],
        intents=[Intent(("qua tet",), tags=("zti05",), keywords=("mứt sen",))],
    )
    analyzed = analyze("quà tết hanoi", LEXICON, rules)
    terms = {(t.words, t.field, t.kind) for s in analyzed.spans() for t in s.terms}
    assert (("zti05",), "tag", "intent") in terms
    assert (("mut", "sen"), "text", "intent") in terms
    assert (("ha", "noi"), "text", "synonym") in terms


def test_english_inflections():
    assert english_variants("baskets") == ["basket"]
    assert "teas" in english_variants("tea")
    assert "weave" in english_variants("woven")
    assert "puppet" in english_variants("puppets")
    assert english_variants("trà") == []


def test_tones_compare_whatever_the_placement():
    assert split_tone("hoà") == split_tone("hòa") == ("hoa", 1)
    assert tone_distance("hoà", "hòa") == 0.0
    assert tone_distance("chưng", "chứng") == 0.5  # a tone mistake costs less…
    assert tone_distance("chung", "chưng") == 0.6  # …than a vowel-mark mistake
    assert unicodedata.is_normalized("NFC", apply_tone("ruơu".replace("u", "ư", 1), 5))


def _doc(title, body="", alt=(), own=(), places=(), tags=()):
    data = scoring.rank_data(title, list(alt), body, list(own), list(places), list(tags))
    return scoring.DocText.parse(data)


def test_the_reading_typed_beats_what_only_folds_alike():
    lexicon = Lexicon(words={"nghe", "lang", "tinh", "bot", "do", "hoa", "sen"})
    analyzed = analyze("nghề", lexicon, Rules())
    village = _doc("Làng gốm Bát Tràng", body="Làng nghề")
    turmeric = _doc("Tinh bột nghệ vàng")
    assert scoring.score(analyzed, village) > scoring.score(analyzed, turmeric)
    red = _doc("Bộ bát đĩa gốm sứ hoa sen đỏ", body="Đồ gia dụng")
    analyzed = analyze("đỏ", lexicon, Rules())
    assert scoring.score(analyzed, red) > scoring.score(analyzed, _doc("Đồ gia dụng"))


def test_an_exact_short_word_beats_longer_words_it_prefixes():
    lexicon = Lexicon(words={"tra", "tranh", "trang", "trai", "phuc"})
    analyzed = analyze("trà", lexicon, Rules())
    tea = scoring.score(analyzed, _doc("Trà Phúc"))
    for title in ("Tranh sơn mài khảm trai", "Hộp đựng trang sức khảm trai", "Làng gốm Bát Tràng"):
        assert tea > scoring.score(analyzed, _doc(title)), title


def test_own_place_ranks_above_the_communes_other_old_names():
    lexicon = Lexicon(words={"kieu", "ky"}, places={"kieu ky"})
    analyzed = analyze("kiêu kỵ", lexicon, Rules())
    own = _doc("Chữ Phúc dát vàng", own=["kieu ky", "gia lam"], places=["gia lam"])
    merged = _doc("Hành phi", own=["duong xa"], places=["kieu ky", "gia lam"])
    assert scoring.score(analyzed, own) > scoring.score(analyzed, merged) > 0


def test_fold_of_decoded_words_matches_the_index():
    assert fold(decode_telex("dduowngf")) == "duong"
