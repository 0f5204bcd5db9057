"""Tests for the Vietnamese text normalisation helpers in ``cms.search.text``.

Pure-Python tests: run with ``pytest -p no:django tests/search/test_text.py``.
"""

import html
import random
import sqlite3
import unicodedata

import pytest

from cms.search.text import (
    FOLD_TABLE,
    edit_budget,
    expand_synonyms,
    fold,
    folded_tokens,
    highlight,
    match_spans,
    normalize,
    snippet,
    tokens,
    within_edits,
)

# --------------------------------------------------------------------------- #
# The Vietnamese alphabet, built two independent ways
# --------------------------------------------------------------------------- #

# Tone marks: huyền, sắc, hỏi, ngã, nặng.
TONES = ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
# Base vowels as base letter + optional vowel mark (breve, circumflex, horn).
BASE_VOWELS = {
    "a": "a",
    "a\u0306": "a",  # ă
    "a\u0302": "a",  # â
    "e": "e",
    "e\u0302": "e",  # ê
    "i": "i",
    "o": "o",
    "o\u0302": "o",  # ô
    "o\u031b": "o",  # ơ
    "u": "u",
    "u\u031b": "u",  # ư
    "y": "y",
}


def _programmatic_letters() -> dict[str, str]:
    """All accented Vietnamese letters (NFC, both cases) -> ASCII base letter."""
    letters = {}
    for decomposed, base in BASE_VOWELS.items():
        for tone in ("", *TONES):
            letter = unicodedata.normalize("NFC", decomposed + tone)
            for variant in (letter, letter.upper()):
                if variant not in (base, base.upper()):
                    letters[variant] = base
    letters["đ"] = "d"
    letters["Đ"] = "d"
    return letters


# The same letters typed out literally, grouped by the ASCII letter they fold to.
LOWER_LITERAL = {
    "a": "àáảãạăằắẳẵặâầấẩẫậ",
    "e": "èéẻẽẹêềếểễệ",
    "i": "ìíỉĩị",
    "o": "òóỏõọôồốổỗộơờớởỡợ",
    "u": "ùúủũụưừứửữự",
    "y": "ỳýỷỹỵ",
    "d": "đ",
}
UPPER_LITERAL = {
    "a": "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ",
    "e": "ÈÉẺẼẸÊỀẾỂỄỆ",
    "i": "ÌÍỈĨỊ",
    "o": "ÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢ",
    "u": "ÙÚỦŨỤƯỪỨỬỮỰ",
    "y": "ỲÝỶỸỴ",
    "d": "Đ",
}


def _literal_letters() -> dict[str, str]:
    return {
        letter: base
        for table in (LOWER_LITERAL, UPPER_LITERAL)
        for base, letters in table.items()
        for letter in letters
    }


PROGRAMMATIC = _programmatic_letters()
LITERAL = _literal_letters()


def _naive_strip(text: str) -> str:
    """The common 'NFD and drop combining marks' recipe, for comparison."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _osa_distance(a: str, b: str) -> int:
    """Reference full-matrix optimal string alignment distance."""
    rows = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        rows[i][0] = i
    for j in range(len(b) + 1):
        rows[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1)
    return rows[-1][-1]


# --------------------------------------------------------------------------- #
# Alphabet coverage
# --------------------------------------------------------------------------- #


def test_alphabet_has_134_accented_letters_both_ways():
    # 12 vowels x 5 tones + 6 toneless marked vowels + đ = 67 per case.
    assert len(PROGRAMMATIC) == 134
    assert len(LITERAL) == 134
    assert PROGRAMMATIC == LITERAL
    assert sum(len(letters) for letters in LOWER_LITERAL.values()) == 67
    assert sum(len(letters) for letters in UPPER_LITERAL.values()) == 67


def test_literal_letters_are_single_precomposed_code_points():
    for letter in LITERAL:
        assert len(letter) == 1, letter
        assert unicodedata.normalize("NFC", letter) == letter


@pytest.mark.parametrize(("letter", "base"), sorted(PROGRAMMATIC.items()))
def test_every_accented_letter_folds_to_its_ascii_base(letter, base):
    assert fold(letter) == base
    assert fold(unicodedata.normalize("NFD", letter)) == base
    assert base.isascii()


def test_fold_table_covers_exactly_the_alphabet_plus_stray_marks():
    letters = {chr(code) for code, value in FOLD_TABLE.items() if value}
    marks = {chr(code) for code, value in FOLD_TABLE.items() if not value}
    assert letters == set(PROGRAMMATIC)
    assert all(unicodedata.combining(mark) for mark in marks)


def test_fold_of_whole_literal_strings_is_one_to_one():
    for table in (LOWER_LITERAL, UPPER_LITERAL):
        for base, letters in table.items():
            assert fold(letters) == base * len(letters)
            assert fold(unicodedata.normalize("NFD", letters)) == base * len(letters)


def test_casefold_keeps_vietnamese_letters_single_characters():
    # highlight() relies on NFC + casefold + fold being 1:1 per Vietnamese letter.
    for letter in PROGRAMMATIC:
        assert len(normalize(letter)) == 1
        assert len(fold(letter)) == 1


# --------------------------------------------------------------------------- #
# Why the custom mapping is needed
# --------------------------------------------------------------------------- #


def test_naive_nfd_strip_keeps_d_with_stroke():
    # đ has no canonical decomposition, so the naive recipe leaves it alone ...
    assert unicodedata.decomposition("đ") == ""
    assert _naive_strip("Đúc đồng") == "Đuc đong"
    assert _naive_strip("Đúc đồng").lower() != "duc dong"
    # ... while it does handle every other letter of the alphabet.
    assert all(
        _naive_strip(letter).lower() == base for letter, base in LITERAL.items() if base != "d"
    )
    # fold() gets đ right as well.
    assert fold("Đúc đồng") == "duc dong"


def test_sqlite_remove_diacritics_does_not_map_d_with_stroke():
    connection = sqlite3.connect(":memory:")
    try:
        connection.execute(
            "CREATE VIRTUAL TABLE docs USING fts5(body, tokenize='unicode61 remove_diacritics 2')"
        )
    except sqlite3.OperationalError:
        pytest.skip("SQLite built without FTS5")
    connection.execute("INSERT INTO docs VALUES (?)", ("Đúc đồng Gốm Bát Tràng",))

    def hits(query):
        return connection.execute(
            "SELECT count(*) FROM docs WHERE docs MATCH ?", (query,)
        ).fetchone()[0]

    assert hits("gom") == 1  # tones are removed ...
    assert hits("duc") == 0  # ... but đ is not mapped to d
    assert hits('"đuc"') == 1
    # Indexing folded text instead fixes it.
    connection.execute("INSERT INTO docs VALUES (?)", (fold("Đúc đồng"),))
    assert hits("duc") == 1
    connection.close()


# --------------------------------------------------------------------------- #
# normalize / fold / tokens
# --------------------------------------------------------------------------- #


def test_normalize_nfc_casefold_and_whitespace():
    assert normalize("  Gốm \t Bát\n\nTRÀNG  ") == "gốm bát tràng"
    assert normalize(unicodedata.normalize("NFD", "Nghệ An")) == "nghệ an"
    assert normalize("\u00a0Hà\u2003Nội\u00a0") == "hà nội"
    assert normalize("") == ""
    assert normalize("   ") == ""


def test_normalize_output_is_nfc():
    value = normalize(unicodedata.normalize("NFD", "ĐẶC SẢN Việt Nam"))
    assert value == "đặc sản việt nam"
    assert unicodedata.is_normalized("NFC", value)


def test_fold_examples():
    assert fold("Gốm Bát Tràng") == "gom bat trang"
    assert fold("ĐÚC ĐỒNG") == "duc dong"
    assert fold("  Mỗi   xã một SẢN PHẨM ") == "moi xa mot san pham"
    assert fold("Thành phố Hồ Chí Minh") == "thanh pho ho chi minh"


def test_fold_nfd_equals_nfc():
    sentence = "Làng nghề đúc đồng Đại Bái, gốm Bát Tràng và lụa Vạn Phúc ở Hà Nội"
    nfd = unicodedata.normalize("NFD", sentence)
    assert nfd != sentence
    assert fold(nfd) == fold(sentence)
    assert fold(sentence) == "lang nghe duc dong dai bai, gom bat trang va lua van phuc o ha noi"


def test_fold_handles_out_of_order_combining_marks():
    # Breve after the tone mark cannot be composed by NFC; it is dropped anyway.
    assert fold("a\u0301\u0306") == "a"
    assert fold("tra\u0300\u0302n") == "tran"


def test_tones_merge_after_fold_but_not_after_normalize():
    assert fold("nghệ") == fold("nghề") == "nghe"
    assert normalize("nghệ") != normalize("nghề")


def test_fold_leaves_non_vietnamese_text_alone_except_case_and_spaces():
    assert fold("Hello   WORLD 42") == "hello world 42"
    assert fold("がっこう 東京") == "がっこう 東京"
    assert fold("Straße") == "strasse"  # case folding only
    assert fold("ÇA Ñ") == "ça ñ"


def test_tokens_and_folded_tokens():
    text = "Gốm sứ Bát Tràng, giá 120.000đ — OCOP 4★ (2024)!"
    assert tokens(text) == ["gốm", "sứ", "bát", "tràng", "giá", "120", "000đ", "ocop", "4", "2024"]
    assert folded_tokens(text) == [
        "gom",
        "su",
        "bat",
        "trang",
        "gia",
        "120",
        "000d",
        "ocop",
        "4",
        "2024",
    ]


def test_tokens_split_on_underscore_and_punctuation_and_handle_nfd():
    assert tokens("hop_tac-xa/đồng") == ["hop", "tac", "xa", "đồng"]
    assert tokens(unicodedata.normalize("NFD", "Đồng Tháp")) == ["đồng", "tháp"]
    assert folded_tokens(unicodedata.normalize("NFD", "Đồng Tháp")) == ["dong", "thap"]
    assert tokens("") == []
    assert tokens(" ,.;!? ") == []


# --------------------------------------------------------------------------- #
# Synonyms
# --------------------------------------------------------------------------- #


def test_ocop_synonyms_both_directions():
    assert expand_synonyms(["ocop"]) == ["moi xa mot san pham"]
    assert expand_synonyms(["moi", "xa", "mot", "san", "pham"]) == ["ocop"]


def test_ho_chi_minh_synonyms_all_directions():
    assert expand_synonyms(["tp", "hcm"]) == ["ho chi minh", "tphcm"]
    assert expand_synonyms(["ho", "chi", "minh"]) == ["tp hcm", "tphcm"]
    assert expand_synonyms(["tphcm"]) == ["tp hcm", "ho chi minh"]


def test_ha_noi_and_htx_synonyms_both_directions():
    assert expand_synonyms(["ha", "noi"]) == ["hn"]
    assert expand_synonyms(["hn"]) == ["ha noi"]
    assert expand_synonyms(["htx"]) == ["hop tac xa"]
    assert expand_synonyms(["hop", "tac", "xa"]) == ["htx"]


def test_synonyms_inside_longer_queries_and_combinations():
    assert expand_synonyms(["gom", "ha", "noi"]) == ["gom hn"]
    assert expand_synonyms(["htx", "gom", "hn"]) == [
        "htx gom ha noi",
        "hop tac xa gom ha noi",
        "hop tac xa gom hn",
    ]


def test_synonyms_accept_strings_and_accented_input():
    assert expand_synonyms("Hà Nội") == ["hn"]
    assert expand_synonyms("sản phẩm OCOP") == ["san pham moi xa mot san pham"]
    assert expand_synonyms(["Hợp", "tác", "xã"]) == ["htx"]


def test_no_synonyms():
    assert expand_synonyms(["gom", "bat", "trang"]) == []
    assert expand_synonyms([]) == []
    assert expand_synonyms(["ha"]) == []  # partial phrase does not match
    assert expand_synonyms(["noi", "ha"]) == []


def test_custom_synonym_groups():
    groups = [("sai gon", "tp hcm")]
    assert expand_synonyms(["sai", "gon"], groups=groups) == ["tp hcm"]
    assert expand_synonyms(["ocop"], groups=groups) == []


def test_synonym_expansion_is_bounded():
    query = ["hn"] * 10
    assert len(expand_synonyms(query)) == 32


# --------------------------------------------------------------------------- #
# Typo tolerance
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    ("token", "budget"),
    [
        ("", 0),
        ("hn", 0),
        ("gom", 0),  # 3 letters
        ("gốm", 0),
        ("lụa", 0),
        ("tran", 1),  # 4 letters
        ("trang", 1),
        ("nghệ", 1),
        ("phương", 1),  # 6 letters after folding
        ("thuyền", 1),
        ("truyenn", 1),  # 7 letters
        ("nguyễn", 1),
        ("truyenth", 2),  # 8 letters
        ("nghiêng", 1),  # 7 letters
        ("thuyềnrồng", 2),  # 10 letters after folding
    ],
)
def test_edit_budget(token, budget):
    assert edit_budget(token) == budget


def test_edit_budget_boundaries():
    assert [edit_budget("x" * n) for n in range(1, 11)] == [0, 0, 0, 1, 1, 1, 1, 2, 2, 2]


@pytest.mark.parametrize(
    ("a", "b", "max_edits", "expected"),
    [
        ("trang", "trang", 0, True),
        ("trang", "trag", 0, False),
        ("trang", "trag", 1, True),  # deletion
        ("trang", "tranng", 1, True),  # insertion
        ("trang", "trong", 1, True),  # substitution
        ("trang", "tarng", 1, True),  # adjacent transposition is one edit
        ("trang", "tanrg", 1, False),
        ("trang", "tanrg", 2, True),
        ("ca", "abc", 2, False),  # OSA (not unrestricted Damerau): distance 3
        ("ca", "abc", 3, True),
        ("abcd", "badc", 2, True),  # two transpositions
        ("abcd", "badc", 1, False),
        ("", "", 0, True),
        ("", "abc", 2, False),
        ("", "abc", 3, True),
        ("kitten", "sitting", 2, False),
        ("kitten", "sitting", 3, True),
        ("gom", "gom", -1, False),
    ],
)
def test_within_edits_cases(a, b, max_edits, expected):
    assert within_edits(a, b, max_edits) is expected
    assert within_edits(b, a, max_edits) is expected


def test_within_edits_with_budgets_at_3_4_7_8_letters():
    # 3 letters: exact only.
    assert within_edits("gom", "gom", edit_budget("gom"))
    assert not within_edits("gom", "gon", edit_budget("gom"))
    # 4 letters: one typo.
    assert within_edits("tran", "tarn", edit_budget("tran"))
    assert within_edits("tran", "trn", edit_budget("tran"))
    assert not within_edits("tran", "tn", edit_budget("tran"))
    # 7 letters: still one typo.
    assert within_edits("phuongg", "phuong", edit_budget("phuongg"))
    assert not within_edits("phuongg", "phong", edit_budget("phuongg"))
    # 8 letters: two typos.
    assert within_edits("thuongha", "thungh", edit_budget("thuongha"))
    assert within_edits("thuongha", "htuongah", edit_budget("thuongha"))
    assert not within_edits("thuongha", "thng", edit_budget("thuongha"))


def test_within_edits_matches_reference_implementation():
    rng = random.Random(20240501)
    for _ in range(5000):
        a = "".join(rng.choice("abc") for _ in range(rng.randint(0, 7)))
        b = "".join(rng.choice("abc") for _ in range(rng.randint(0, 7)))
        max_edits = rng.randint(0, 4)
        assert within_edits(a, b, max_edits) is (_osa_distance(a, b) <= max_edits), (a, b)


def test_within_edits_on_long_strings():
    a = "x" + "a" * 20000 + "y"
    b = "z" + "a" * 20000 + "w"
    assert within_edits(a, b, 2)
    assert not within_edits(a, b, 1)
    # Completely different strings exit on the first rows.
    assert not within_edits("a" * 50000, "b" * 50000, 2)


# --------------------------------------------------------------------------- #
# Highlighting
# --------------------------------------------------------------------------- #


def test_highlight_preserves_original_accents():
    assert highlight("Gốm Bát Tràng", "gom bat trang") == (
        "<mark>Gốm</mark> <mark>Bát</mark> <mark>Tràng</mark>"
    )
    assert highlight("ĐÚC ĐỒNG Đại Bái", "duc dong") == "<mark>ĐÚC</mark> <mark>ĐỒNG</mark> Đại Bái"


def test_highlight_with_accented_query():
    assert highlight("Gốm Bát Tràng", "GỐM") == "<mark>Gốm</mark> Bát Tràng"
    assert highlight("Gom Bat Trang", "gốm bát") == "<mark>Gom</mark> <mark>Bat</mark> Trang"


def test_highlight_escapes_html():
    result = highlight('<script>alert("gốm")</script> & Gốm', "gom")
    assert "<script>" not in result
    assert result == (
        "&lt;script&gt;alert(&quot;<mark>gốm</mark>&quot;)&lt;/script&gt; &amp; <mark>Gốm</mark>"
    )


def test_highlight_does_not_match_inside_markup_words():
    # The query "script" must not produce raw tags; everything stays escaped.
    result = highlight("<script>x</script>", "script")
    assert result == "&lt;<mark>script</mark>&gt;x&lt;/<mark>script</mark>&gt;"


def test_highlight_handles_nfd_input():
    nfd = unicodedata.normalize("NFD", "Gốm Bát Tràng")
    assert highlight(nfd, "gom trang") == "<mark>Gốm</mark> Bát <mark>Tràng</mark>"
    assert highlight("Gốm", unicodedata.normalize("NFD", "gốm")) == "<mark>Gốm</mark>"


def test_highlight_multiple_matches_and_whitespace_preserved():
    text = "Gốm đẹp.\n  GỐM rẻ,gốm-tốt"
    assert highlight(text, "gom") == (
        "<mark>Gốm</mark> đẹp.\n  <mark>GỐM</mark> rẻ,<mark>gốm</mark>-tốt"
    )


def test_highlight_whole_words_only():
    assert highlight("Gốm gốmsứ ngốm", "gom") == "<mark>Gốm</mark> gốmsứ ngốm"


def test_highlight_no_match_returns_escaped_text():
    assert highlight("Lụa Vạn Phúc <đẹp>", "gom") == "Lụa Vạn Phúc &lt;đẹp&gt;"
    assert highlight("Lụa Vạn Phúc", "") == "Lụa Vạn Phúc"
    assert highlight("", "gom") == ""


def test_highlight_typo_tolerant():
    # "trag" (4 letters) allows one edit; "tarng" is a transposition of "trang".
    assert highlight("Gốm Bát Tràng", "trag") == "Gốm Bát <mark>Tràng</mark>"
    assert highlight("Gốm Bát Tràng", "tarng") == "Gốm Bát <mark>Tràng</mark>"
    # Short query tokens (< 4 letters) must match exactly.
    assert highlight("Gốm Bát Tràng", "bta") == "Gốm Bát Tràng"
    # 8+ letters allow two edits.
    assert highlight("Làng nghề truyềnthống", "truyenthng") == (
        "Làng nghề <mark>truyềnthống</mark>"
    )


def test_highlight_custom_markup():
    assert highlight("Hà Nội", "ha noi", start="<b>", end="</b>") == "<b>Hà</b> <b>Nội</b>"


def test_highlight_with_casefold_expansion_keeps_offsets():
    # "ß" folds to two characters; offsets after it must still line up.
    assert highlight("Straße Gốm", "gom") == "Straße <mark>Gốm</mark>"
    assert highlight("Straße Gốm", "strasse") == "<mark>Straße</mark> Gốm"


def test_highlight_swallows_stray_combining_marks():
    # A breve after "ố" cannot be composed by NFC; it belongs to the word.
    assert highlight("gố\u0306m nhà", "gom") == "<mark>gố\u0306m</mark> nhà"
    # Same for a stray mark at the very end of the word.
    assert highlight("gốm\u0306 nhà", "gom") == "<mark>gốm\u0306</mark> nhà"
    assert highlight("gốm\u0306", "gom") == "<mark>gốm\u0306</mark>"


@pytest.mark.parametrize(("letter", "base"), sorted(LITERAL.items()))
def test_highlight_maps_every_letter_back(letter, base):
    word = "x" + letter + "yz"  # 4 letters: exact query must highlight the accented word
    assert highlight("ab " + word + " cd", "x" + base + "yz") == f"ab <mark>{word}</mark> cd"


def test_match_spans_offsets_refer_to_nfc_text():
    text = unicodedata.normalize("NFD", "Ở Hà Nội có gốm")
    nfc = unicodedata.normalize("NFC", text)
    spans = match_spans(text, "ha noi gom")
    assert [nfc[start:end] for start, end in spans] == ["Hà", "Nội", "gốm"]


# --------------------------------------------------------------------------- #
# Snippets
# --------------------------------------------------------------------------- #

LONG_TEXT = (
    "Làng nghề truyền thống " * 20
    + "Gốm Bát Tràng <nổi tiếng> & lâu đời "
    + "với nhiều sản phẩm tinh xảo " * 20
)


def test_snippet_windows_around_first_match():
    result = snippet(LONG_TEXT, "bat trang", length=80)
    assert result.startswith("…")
    assert result.endswith("…")
    assert "Gốm <mark>Bát</mark> <mark>Tràng</mark> &lt;nổi tiếng&gt; &amp;" in result
    visible = html.unescape(result.replace("<mark>", "").replace("</mark>", ""))
    assert len(visible) <= 80 + 2 * len("…")


def test_snippet_cuts_on_word_boundaries():
    result = snippet(LONG_TEXT, "bat", length=60)
    plain = html.unescape(result.strip("…").replace("<mark>", "").replace("</mark>", ""))
    assert plain == plain.strip()
    full_words = set(LONG_TEXT.split())
    assert all(word in full_words for word in plain.split())


def test_snippet_is_html_safe_and_collapses_whitespace():
    result = snippet("<b>Gốm</b>\n\n   <script>x</script>", "gom")
    assert result == "&lt;b&gt;<mark>Gốm</mark>&lt;/b&gt; &lt;script&gt;x&lt;/script&gt;"


def test_snippet_short_text_has_no_ellipsis():
    assert snippet("Gốm Bát Tràng", "trang") == "Gốm Bát <mark>Tràng</mark>"


def test_snippet_without_match_starts_at_beginning():
    result = snippet(LONG_TEXT, "xyz", length=40)
    assert not result.startswith("…")
    assert result.endswith("…")
    assert "<mark>" not in result
    assert result.startswith("Làng nghề truyền thống")


def test_snippet_match_at_start_and_end():
    text = "Gốm " + "lorem ipsum " * 50 + "Tràng"
    assert snippet(text, "gom", length=30).startswith("<mark>Gốm</mark> lorem")
    end_result = snippet(text, "trang", length=30)
    assert end_result.startswith("…")
    assert end_result.endswith("<mark>Tràng</mark>")


def test_snippet_handles_nfd_input_and_multiple_matches():
    text = unicodedata.normalize("NFD", "Gốm đẹp, gốm rẻ")
    assert snippet(text, "gom") == "<mark>Gốm</mark> đẹp, <mark>gốm</mark> rẻ"


def test_snippet_match_longer_than_window():
    result = snippet("abc " + "x" * 50 + " def", "x" * 50, length=10)
    assert result.startswith("…<mark>")
    assert result.endswith("</mark>…")


def test_snippet_rejects_non_positive_length():
    with pytest.raises(ValueError, match="length must be positive"):
        snippet("Gốm", "gom", length=0)


def test_prefer_exact_does_not_highlight_near_misses_of_words_present():
    title = "Lọ Song Ngư đúc đồng"
    assert (
        highlight(title, "duc dong", prefer_exact=True)
        == "Lọ Song Ngư <mark>đúc</mark> <mark>đồng</mark>"
    )
    assert "<mark>Song</mark>" in highlight(title, "duc dong")  # plain mode stays typo-tolerant
    assert highlight("Làng gốm Bát Tràng", "bat trnag", prefer_exact=True).endswith(
        "<mark>Bát</mark> <mark>Tràng</mark>"
    )
    assert "<mark>đồng</mark>" in snippet(title, "duc dong", prefer_exact=True)


def test_within_edits_agrees_with_the_textbook_distance():
    """Budget 1 takes a shortcut, budget 2 the banded algorithm: both must agree with the
    full-matrix distance on every pair of short words over a small alphabet."""
    from itertools import product

    words = ["".join(p) for n in range(0, 5) for p in product("abc", repeat=n)]
    for a in words:
        for b in words:
            distance = _osa_distance(a, b)
            for budget in (1, 2):
                assert within_edits(a, b, budget) is (distance <= budget), (a, b, budget)
