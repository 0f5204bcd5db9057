"""Typed queries Wagtail's database search could not parse are cleaned (cms/wagtail_search.py)."""

from modelsearch.query import And, Not, Phrase, PlainText

from cms.wagtail_search import clean_query


def test_strings():
    assert clean_query('"') == ""
    assert clean_query("  ") == ""
    assert clean_query('-"x') == "x"
    assert clean_query("gốm \x00 Bát Tràng") == "gốm Bát Tràng"
    assert clean_query("- gốm") == "gốm"


def test_parsed_queries_lose_wordless_terms():
    query = clean_query(And([PlainText("-"), Phrase("x")]))
    assert isinstance(query, Phrase) and query.query_string == "x"
    assert clean_query(And([PlainText("-"), Not(PlainText('"'))])) == ""
    kept = clean_query(And([PlainText("gốm"), Phrase("bát tràng")]))
    assert isinstance(kept, And) and len(kept.subqueries) == 2
