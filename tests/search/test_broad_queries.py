"""Broad queries: ranked by match tiers over a bounded window instead of bm25 / ts_rank.

The demo catalogue is small, so these tests lower BROAD_MATCHES (and sometimes RANK_WINDOW)
to send ordinary queries down the broad path, and compare it with the bm25 path.
"""

import pytest
from django.db import connection

from cms.search.analysis import Lexicon, analyze
from cms.search.backends.database import base as engine
from cms.search.backends.database.postgres import PostgresDialect
from cms.search.backends.database.sqlite import FTS_TABLE, SQLiteDialect
from cms.search.query import SearchQuery
from cms.search.text import fold, folded_tokens

from .judged_queries import evaluate

pytestmark = pytest.mark.django_db
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5 specifics")


@pytest.fixture
def db_engine():
    from cms.search.service import database_engine, type_labels

    return database_engine(), type_labels()


@pytest.fixture
def everything_broad(monkeypatch):
    monkeypatch.setattr(engine, "BROAD_MATCHES", 0)


def _search(db_engine, **params):
    search_engine, labels = db_engine
    return search_engine.search(SearchQuery(**params), labels)


def test_the_broad_path_is_taken_only_for_many_matches_and_early_pages(monkeypatch):
    monkeypatch.setattr(engine, "BROAD_MATCHES", 10)
    monkeypatch.setattr(engine, "RANK_WINDOW", 40)
    broad = engine.DatabaseEngine._is_broad
    assert broad(11, SearchQuery(q="gom"))
    assert not broad(10, SearchQuery(q="gom"))
    assert broad(11, SearchQuery(q="gom", page=2))  # 20 + 20 ≤ 40
    assert not broad(11, SearchQuery(q="gom", page=3))  # deeper pages: exact bm25 order
    assert not broad(11, SearchQuery(q="gom", near=(21.0, 105.8)))  # ordered by distance


def test_same_matches_and_count_as_the_bm25_path(db_engine, monkeypatch):
    exact = _search(db_engine, q="gom bat trang", page_size=50)
    monkeypatch.setattr(engine, "BROAD_MATCHES", 0)
    broad = _search(db_engine, q="gom bat trang", page_size=50)
    assert broad.count == exact.count > 3
    assert {h.title for h in broad.hits} == {h.title for h in exact.hits}


def test_titles_holding_the_phrase_come_first(db_engine, everything_broad):
    hits = _search(db_engine, q="gom bat trang").hits
    assert hits[0].title == "Làng gốm Bát Tràng"
    in_title = [all(w in folded_tokens(h.title) for w in ("gom", "bat", "trang")) for h in hits]
    assert True in in_title and False in in_title
    # every hit with all the words in its title ranks above every hit without
    assert in_title == sorted(in_title, reverse=True)


def test_exact_tones_rank_above_folded_matches(db_engine, everything_broad):
    hits = _search(db_engine, q="nghệ").hits
    exact = ["nghệ" in h.title.lower() for h in hits]
    assert True in exact and False in exact  # other tones ("nghề", craft) match too, below
    assert exact == sorted(exact, reverse=True)


def test_scores_follow_the_order_and_boost_orders_within_a_tier(db_engine, everything_broad):
    hits = _search(db_engine, q="gom", page_size=50).hits
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert len(hits) > 5


def test_filters_and_pagination_on_the_broad_path(db_engine, everything_broad, monkeypatch):
    sites = _search(db_engine, q="lang", types=("site",))
    assert sites.count > 3 and {h.type for h in sites.hits} == {"site"}
    monkeypatch.setattr(engine, "RANK_WINDOW", 6)
    first = _search(db_engine, q="lang", page_size=3)
    second = _search(db_engine, q="lang", page_size=3, page=2)  # 3 + 3 ≤ 6: still tiered
    third = _search(db_engine, q="lang", page_size=3, page=3)  # beyond the window: bm25
    pages = [[h.title for h in r.hits] for r in (first, second, third)]
    assert all(len(p) == 3 for p in pages)
    assert not set(pages[0]) & set(pages[1])
    assert first.count == second.count == third.count


def test_typo_queries_still_find_their_documents(db_engine, everything_broad):
    assert _search(db_engine, q="gom bat trnag").hits[0].title == "Làng gốm Bát Tràng"


@sqlite_only
def test_broad_suggestions_prefer_titles_holding_the_prefix_phrase(db_engine, monkeypatch):
    search_engine, _labels = db_engine
    monkeypatch.setattr(engine, "BROAD_MATCHES", 1)
    suggestions = search_engine.suggest("gom su")
    assert suggestions
    for item in suggestions:
        words = folded_tokens(item["title"])
        assert "gom" in words and any(w.startswith("su") for w in words)
    phrase_first = ["gom su" in fold(item["title"]) for item in suggestions]
    assert phrase_first == sorted(phrase_first, reverse=True)


def test_tier_expressions():
    parsed = analyze("Nước mắm", Lexicon())
    tiers = SQLiteDialect().tiers(parsed)
    assert tiers[0] == '{title_e} : "nước mắm"'
    assert tiers[1] == '{title_f alt_f} : "nuoc mam" *'
    assert tiers[2] == '(({title_f alt_f} : "nuoc") AND ({title_f alt_f} : "mam" *))'
    assert tiers[3] == '{title_e body_e} : ("nước" AND "mắm")'
    assert SQLiteDialect().tiers(analyze("gom", Lexicon()))[0] == '(({title_f alt_f} : "gom" *))'
    pg = PostgresDialect().tiers(parsed)
    assert pg[0] == "'nước':A <-> 'mắm':A"  # titles are weight A (title) and B (alt titles)
    assert pg[1] == "('nuoc':AB <-> 'mam':*AB)"
    assert pg[2] == "(('nuoc':AB) & ('mam':*AB))"
    assert pg[3] == "('nước' & 'mắm')"


def test_judged_queries_stay_relevant_when_every_query_is_broad(db_engine, everything_broad):
    search_engine, labels = db_engine
    figures = evaluate(
        lambda q: [h.title for h in search_engine.search(SearchQuery(q=q), labels).hits]
    )
    print(f"\n[database, tiered] MRR {figures['mrr']:.3f}, recall@10 {figures['recall_at_10']:.3f}")
    for query, rank, top in figures["not_first"]:
        print(f"  not first: {query!r} rank={rank} top={top}")
    assert figures["mrr"] >= 0.85


@sqlite_only
def test_the_fts_table_keeps_prefix_indexes():
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [FTS_TABLE])
        assert "prefix = '1 2 3 4'" in cursor.fetchone()[0]
