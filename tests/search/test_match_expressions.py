"""The database engine's match expressions: folding, exact tone, phrase, synonyms, typos."""

import pytest

from cms.search.backends import database as engine
from cms.search.backends.common import parse_query

VOCAB = {
    "words": frozenset({"trang", "gom", "bat", "nuoc", "mam", "dong"}),
    "by_length": {3: ["gom", "bat", "mam"], 4: ["nuoc", "dong"], 5: ["trang"]},
}


def test_typo_candidates_follow_the_edit_budget():
    assert engine.typo_candidates("trnag", VOCAB) == ["trang"]  # 5 letters: one edit
    assert engine.typo_candidates("trang", VOCAB) == []  # known word: no expansion
    assert engine.typo_candidates("gmo", VOCAB) == []  # under 4 letters: exact only
    assert engine.typo_candidates("2024", VOCAB) == []  # numbers are never corrected


def test_sqlite_expression_folded_exact_phrase_and_prefix(monkeypatch):
    monkeypatch.setattr(engine, "_vocabulary", lambda version=None: VOCAB)
    text = engine.build_match(parse_query("Nước mắm"))
    assert '{title_f alt_f body_f} : ("nuoc")' in text
    assert '{title_e body_e} : "nước"' in text  # exact tone ranks above folded
    assert '{title_f alt_f body_f} : "nuoc mam"' in text  # phrase bonus
    assert '{title_e body_e} : "nước mắm"' in text
    assert '"mam" *' in text  # the last word may be unfinished


def test_sqlite_expression_typos_and_synonyms(monkeypatch):
    monkeypatch.setattr(engine, "_vocabulary", lambda version=None: VOCAB)
    text = engine.build_match(parse_query("gom bat trnag"))
    assert '("trnag" OR "trang"' in text
    synonyms = engine.build_match(parse_query("ocop ha noi"))
    assert '"moi"' in synonyms and '"hn"' in synonyms
    relaxed = engine.build_match(parse_query("gom bat"), relaxed=True)
    assert ") OR {title_f" in relaxed


def test_quotes_cannot_break_out_of_a_term(monkeypatch):
    monkeypatch.setattr(engine, "_vocabulary", lambda version=None: VOCAB)
    text = engine.build_match(parse_query('gom" OR x'))
    assert text.count('"') % 2 == 0


def test_postgres_tsquery(monkeypatch):
    monkeypatch.setattr(engine, "_vocabulary", lambda version=None: VOCAB)
    parsed = parse_query("nước mắm")
    text = engine.build_match(parsed, pg=True)
    assert "('nuoc' | 'nước')" in text
    assert "'mam':*" in text and "('nuoc' <-> 'mam')" in text
    assert engine.exact_tsquery(parsed) == "'nước' | 'mắm' | ('nước' <-> 'mắm')"
    suggest = engine.build_match(parse_query("gom ba"), pg=True, suggest=True, typos=False)
    assert suggest == "(('gom':AB) & ('ba':AB | 'ba':*AB))"


@pytest.mark.django_db
def test_filters_sql_is_parameterised():
    from cms.search.query import SearchQuery

    filters = engine.build_filters(
        SearchQuery(types=("site",), communes=("x' OR 1=1 --",), price_min=5, near=(21.0, 105.8))
    )
    sql = " ".join(condition for condition, _params in filters.values())
    assert "OR 1=1" not in sql
    assert any("x' or 1=1 --" in str(p) for _c, params in filters.values() for p in params)
