"""Against a live Elasticsearch (8 or 9): runs only when ELASTICSEARCH_URL is set."""

import os

import pytest

from cms.search.query import SearchQuery

pytestmark = [
    pytest.mark.elasticsearch_live,
    pytest.mark.django_db,
    pytest.mark.skipif(not os.environ.get("ELASTICSEARCH_URL"), reason="ELASTICSEARCH_URL not set"),
]


@pytest.fixture
def engine():
    from cms.search import service

    engine = service.elastic_engine()
    service.rebuild()
    engine.client.indices.refresh(index=engine.alias)
    return engine


def search(engine, **kwargs):
    from cms.search.service import type_labels

    return engine.search(SearchQuery(**kwargs), type_labels())


def test_folding_and_d_stroke(engine):
    titles = [h.title for h in search(engine, q="duc dong").hits]
    assert "Lọ Song Ngư đúc đồng" in titles[:2]


def test_exact_tone_first(engine):
    assert "nghệ" in search(engine, q="nghệ").hits[0].title.lower()


def test_typo(engine):
    assert search(engine, q="gom bat trnag").count > 0


def test_facets_disjunctive(engine):
    everything = search(engine, q="lang")
    sites = search(engine, q="lang", types=("site",))
    assert {e["value"]: e["count"] for e in sites.facets["type"]} == {
        e["value"]: e["count"] for e in everything.facets["type"]
    }


def test_near(engine):
    result = search(engine, near=(21.0285, 105.8542), radius_km=20.0, types=("site",))
    distances = [h.distance_km for h in result.hits]
    assert distances == sorted(distances) and distances


def test_alias_swap_on_rebuild(engine):
    from cms.search import service

    before = set(engine.client.indices.get_alias(name=engine.alias))
    service.rebuild()
    after = set(engine.client.indices.get_alias(name=engine.alias))
    assert len(after) == 1 and after != before


def test_suggest(engine):
    assert any("Bát Tràng" in s["title"] for s in engine.suggest("gom ba"))
