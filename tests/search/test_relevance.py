"""Judged queries: MRR and recall@10 per engine; the suite fails below MRR 0.85."""

import os

import pytest

from cms.search.query import SearchQuery

from .judged_queries import JUDGED_QUERIES, evaluate

MIN_MRR = 0.85


def _report(engine: str, figures: dict) -> None:
    print(
        f"\n[{engine}] {figures['queries']} judged queries: MRR {figures['mrr']:.3f}, "
        f"recall@10 {figures['recall_at_10']:.3f}"
    )
    for kind, value in figures["mrr_by_kind"].items():
        print(f"  {kind:10s} MRR {value:.3f}")
    for query, rank, top in figures["not_first"]:
        print(f"  not first: {query!r} rank={rank} top={top}")


def test_judged_set_is_big_and_varied():
    assert len(JUDGED_QUERIES) >= 40
    kinds = {kind for _q, kind, _rel in JUDGED_QUERIES}
    assert kinds == {"plain", "accented", "typo", "english", "commune", "multiword"}


@pytest.mark.django_db
def test_database_engine_relevance():
    from cms.search.service import database_engine, type_labels

    engine, labels = database_engine(), type_labels()
    figures = evaluate(lambda q: [h.title for h in engine.search(SearchQuery(q=q), labels).hits])
    _report("database", figures)
    assert figures["mrr"] >= MIN_MRR
    assert figures["recall_at_10"] >= 0.8


@pytest.mark.elasticsearch_live
@pytest.mark.django_db
@pytest.mark.skipif(not os.environ.get("ELASTICSEARCH_URL"), reason="ELASTICSEARCH_URL not set")
def test_elasticsearch_engine_relevance():
    from cms.search import service

    engine = service.elastic_engine()
    service.rebuild()
    engine.client.indices.refresh(index=engine.alias)
    labels = service.type_labels()
    figures = evaluate(lambda q: [h.title for h in engine.search(SearchQuery(q=q), labels).hits])
    _report("elasticsearch", figures)
    assert figures["mrr"] >= MIN_MRR
