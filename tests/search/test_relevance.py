"""Judged queries: MRR, recall@10 and nDCG@10 per engine (printed with `-s`).

Two sets over the demo data: the first (`judged_queries`, issue 5: plain, accented, typo,
English, commune, multi-word) must keep MRR ≥ 0.85; the second (`judged_typing`, issue 16: how
people really type — Telex/VNI residue, wrong tones, short-syllable typos, Northern spellings,
folding collisions, intents, English, split words, question words, places) must reach MRR and
recall@10 ≥ 0.93. Run on SQLite by default and on PostgreSQL with DATABASE_URL=postgres://….
"""

import os

import pytest
from django.db import connection

from cms.search.query import SearchQuery

from .judged_holdout import JUDGED_HOLDOUT
from .judged_queries import JUDGED_QUERIES
from .judged_typing import JUDGED_TYPING, KINDS
from .metrics import evaluate_set, report

MIN_MRR = 0.85
MIN_TYPING_MRR = 0.93
MIN_TYPING_RECALL = 0.93


def test_judged_sets_are_big_and_varied():
    assert len(JUDGED_QUERIES) >= 40
    kinds = {kind for _q, kind, _rel in JUDGED_QUERIES}
    assert kinds == {"plain", "accented", "typo", "english", "commune", "multiword"}
    assert len(JUDGED_TYPING) >= 150
    assert {kind for _q, kind, _rel in JUDGED_TYPING} == KINDS
    queries = [q for q, _kind, _rel in JUDGED_TYPING]
    assert len(queries) == len(set(queries))
    assert not set(queries) & {q for q, _kind, _rel in JUDGED_HOLDOUT}
    for kind in KINDS:
        assert sum(k == kind for _q, k, _r in JUDGED_TYPING) >= 10, kind


@pytest.mark.django_db
def test_judged_titles_exist_in_the_demo_index():
    from cms.search.models import IndexedDocument

    titles = set(IndexedDocument.objects.values_list("title", flat=True))
    for query, _kind, relevant in [*JUDGED_QUERIES, *JUDGED_TYPING, *JUDGED_HOLDOUT]:
        assert relevant <= titles, (query, relevant - titles)


def _database_search():
    from cms.search.service import database_engine, type_labels

    engine, labels = database_engine(), type_labels()
    return lambda q: [h.title for h in engine.search(SearchQuery(q=q), labels).hits]


@pytest.mark.django_db
def test_database_engine_relevance():
    figures = evaluate_set(JUDGED_QUERIES, _database_search())
    print("\n" + report(f"database/{connection.vendor}, issue 5 set", figures))
    assert figures["mrr"] >= MIN_MRR
    assert figures["recall_at_10"] >= 0.8


@pytest.mark.django_db
def test_database_engine_relevance_as_people_type():
    figures = evaluate_set(JUDGED_TYPING, _database_search())
    print("\n" + report(f"database/{connection.vendor}, typing set", figures))
    assert figures["mrr"] >= MIN_TYPING_MRR
    assert figures["recall_at_10"] >= MIN_TYPING_RECALL
    for kind, values in figures["by_kind"].items():
        assert values["mrr"] >= 0.8, kind


@pytest.mark.django_db
def test_database_engine_relevance_on_the_held_out_set():
    """Written after the work and not tuned on (first measured: MRR 1.000, recall@10 0.991)."""
    figures = evaluate_set(JUDGED_HOLDOUT, _database_search())
    print("\n" + report(f"database/{connection.vendor}, held-out set", figures))
    assert figures["mrr"] >= MIN_TYPING_MRR
    assert figures["recall_at_10"] >= MIN_TYPING_RECALL


@pytest.mark.django_db
def test_typing_set_stays_relevant_when_every_query_is_broad(monkeypatch):
    """Broad queries (over BROAD_MATCHES matches) take their candidates from match tiers."""
    from cms.search.backends.database import base

    monkeypatch.setattr(base, "BROAD_MATCHES", 0)
    figures = evaluate_set(JUDGED_TYPING, _database_search())
    print("\n" + report(f"database/{connection.vendor}, typing set, tiered", figures))
    assert figures["mrr"] >= MIN_TYPING_MRR
    assert figures["recall_at_10"] >= MIN_TYPING_RECALL


@pytest.mark.elasticsearch_live
@pytest.mark.django_db
@pytest.mark.skipif(not os.environ.get("ELASTICSEARCH_URL"), reason="ELASTICSEARCH_URL not set")
def test_elasticsearch_engine_relevance():
    from cms.search import service

    engine = service.elastic_engine()
    service.rebuild()
    engine.client.indices.refresh(index=engine.alias)
    labels = service.type_labels()

    def search(q):
        return [h.title for h in engine.search(SearchQuery(q=q), labels).hits]

    figures = evaluate_set(JUDGED_QUERIES, search)
    print("\n" + report("elasticsearch, issue 5 set", figures))
    assert figures["mrr"] >= MIN_MRR
    figures = evaluate_set(JUDGED_TYPING, search)
    print("\n" + report("elasticsearch, typing set", figures))
    assert figures["mrr"] >= MIN_TYPING_MRR
    assert figures["recall_at_10"] >= MIN_TYPING_RECALL
