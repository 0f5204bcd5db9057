"""The database engine's match expressions: folding, exact tone, readings, places, typos."""

import pytest

from cms.search.analysis import Intent, Lexicon, Rules, analyze, tag_token
from cms.search.backends.database import build_filters
from cms.search.backends.database.postgres import PostgresDialect
from cms.search.backends.database.sqlite import SQLiteDialect
from cms.search.backends.vocabulary import typo_candidates

LEXICON = Lexicon(
    words={"trang", "gom", "bat", "nuoc", "mam", "dong", "duc", "tu", "hoi", "lang", "tra"},
    places={"bat trang", "duc tu", "dong hoi", "gia lam"},
)
RULES = Rules(
    synonyms=[("ocop", "moi xa mot san pham"), ("ha noi", "hn")],
    intents=[Intent(("qua tet",), tags=(tag_token("I.5"),), keywords=("mứt sen",))],
)
sqlite = SQLiteDialect()
postgres = PostgresDialect()


def _analyze(q, **kwargs):
    return analyze(q, LEXICON, RULES, **kwargs)


def test_typo_candidates_follow_the_edit_budget():
    assert typo_candidates("trnag", LEXICON) == ["trang"]  # 5 letters: one edit
    assert typo_candidates("trang", LEXICON) == []  # known word: no expansion
    assert typo_candidates("gmo", LEXICON) == []  # under 4 letters: the short-typo rule instead
    assert typo_candidates("2024", LEXICON) == []  # numbers are never corrected


def test_sqlite_expression_folded_exact_and_prefix():
    text = sqlite.match(_analyze("Nước mắm"))
    assert '{title_f alt_f body_f} : "nuoc"' in text
    assert '{title_e body_e} : "nước"' in text  # exact tone ranks above folded
    assert '"mam" *' in text  # the last word may be unfinished
    assert " AND " in text


def test_sqlite_expression_typos_synonyms_and_relaxed():
    text = sqlite.match(_analyze("gom bat trnag"))
    assert '"trnag"' in text and '"trang"' in text
    synonyms = sqlite.match(_analyze("ocop ha noi"))
    assert '"moi xa mot san pham"' in synonyms and '"hn"' in synonyms
    relaxed = sqlite.match(_analyze("gom bat"), relaxed=True)
    assert " AND " not in relaxed and " OR " in relaxed


def test_places_are_whole_tokens_in_their_own_column():
    text = sqlite.match(_analyze("gom bat trang"))
    assert '{place} : "battrang"' in text  # "bat trang" as one place token
    # Two old communes' names never combine: no reading holds two place spans, and "duc dong"
    # is no place name, so only the text reading (đúc đồng) remains.
    analyzed = _analyze("duc dong")
    assert all(t.field == "text" for s in analyzed.spans() for t in s.terms)
    both = _analyze("duc tu dong hoi")
    assert all(sum(s.is_place for s in reading) <= 1 for reading in both.readings)
    pg = postgres.match(_analyze("gom bat trang"))
    assert "'battrang':D" in pg


def test_intent_phrases_match_tags_and_keywords():
    analyzed = _analyze("quà tết")
    text = sqlite.match(analyzed)
    assert '{place} : "zti05"' in text  # the OCOP subgroup I.5, as a tag token
    assert '{title_f alt_f body_f} : "mut sen"' in text
    assert "'zti05':D" in postgres.match(analyzed)


def test_question_words_do_not_restrict():
    analyzed = _analyze("mua trà ở đâu")
    assert [s.start for s in analyzed.optional] == [0, 2, 3]
    text = sqlite.match(analyzed)
    assert '"tra"' in text and '"dau"' not in text and '"mua"' not in text


def test_quotes_cannot_break_out_of_a_term():
    text = sqlite.match(_analyze('gom" OR x'))
    assert text.count('"') % 2 == 0
    pg = postgres.match(_analyze("gom' | x"))
    assert pg.count("'") % 2 == 0


def test_postgres_tsquery():
    parsed = _analyze("nước mắm")
    text = postgres.match(parsed)
    assert "('nuoc':ABC | 'nước':AC)" in text
    assert "'mam':*ABC" in text
    assert postgres.exact(parsed) == "'nước' | 'mắm' | ('nước' <-> 'mắm')"
    suggest = postgres.match(_analyze("gom ba", suggest=True, typos=False), suggest=True)
    assert suggest == "((('gom':AB) & ('ba':*AB)))"


@pytest.mark.django_db
def test_filters_sql_is_parameterised():
    from cms.search.query import SearchQuery

    filters = build_filters(
        SearchQuery(types=("site",), communes=("x' OR 1=1 --",), price_min=5, near=(21.0, 105.8))
    )
    sql = " ".join(condition for condition, _params in filters.values())
    assert "OR 1=1" not in sql
    assert any("x' or 1=1 --" in str(p) for _c, params in filters.values() for p in params)
