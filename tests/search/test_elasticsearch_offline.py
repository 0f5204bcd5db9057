"""The Elasticsearch mapping and query bodies, checked as JSON without a server."""

import json

import pytest

from cms.search.backends import elastic
from cms.search.backends.common import prepare
from cms.search.query import SearchQuery


def test_mapping_analyzers():
    body = elastic.index_settings()
    analysis = body["settings"]["analysis"]
    assert analysis["char_filter"]["vi_d"] == {"type": "mapping", "mappings": ["đ => d", "Đ => D"]}
    assert analysis["filter"]["vi_folding"] == {"type": "asciifolding", "preserve_original": True}
    fold = analysis["analyzer"]["vi_fold"]
    assert fold["char_filter"] == ["vi_d"] and fold["filter"] == ["lowercase", "vi_folding"]
    assert analysis["analyzer"]["vi_exact"]["filter"] == ["lowercase"]
    assert "char_filter" not in analysis["analyzer"]["vi_exact"]
    shingles = analysis["filter"]["vi_shingles"]
    assert shingles["type"] == "shingle" and shingles["max_shingle_size"] == 3
    json.dumps(body)  # serialisable as sent


def test_mapping_fields():
    props = elastic.index_settings()["mappings"]["properties"]
    for name in ("title", "alt_titles", "body"):
        assert props[name]["analyzer"] == "vi_fold"
        assert props[name]["fields"]["exact"]["analyzer"] == "vi_exact"
        assert props[name]["fields"]["shingle"]["analyzer"] == "vi_shingle"
    assert props["suggest"]["type"] == "search_as_you_type"
    assert props["location"]["type"] == "geo_point"
    for keyword in ("doc_type", "category", "group_code", "commune", "commune_keys"):
        assert props[keyword]["type"] == "keyword"
    assert props["price"]["type"] == "long" and props["in_stock"]["type"] == "boolean"


def test_document_source():
    prepared = prepare(
        "site",
        7,
        {
            "title": "Làng gốm Bát Tràng",
            "alt_titles": ["Bát Tràng pottery village"],
            "body": "Làng nghề",
            "url": "/du-lich/lang-gom-bat-trang/",
            "commune": "00577",
            "commune_label": "Bát Tràng",
            "commune_aliases": ["Bát Tràng, Gia Lâm"],
            "geo": (21.0, 105.9),
        },
    )
    source = elastic.to_source(prepared)
    assert source["location"] == {"lat": 21.0, "lon": 105.9}
    assert set(source["commune_keys"]) == {"00577", "bat trang", "bat trang, gia lam"}
    assert source["suggest"].startswith("Làng gốm Bát Tràng")
    assert elastic.doc_id("site", 7) == "site-7"


def test_text_query_body():
    body = elastic.build_search(SearchQuery(q="nước mắm ocop")).to_dict()
    function_score = body["query"]["function_score"]
    assert function_score["functions"] == [
        {"field_value_factor": {"field": "boost", "missing": 1.0}}
    ]
    text = json.dumps(function_score["query"], ensure_ascii=False)
    assert '"fuzziness": "AUTO:4,8"' in text
    assert "title.exact^4" in text and "title.shingle^4" in text
    assert '"match_phrase"' in text
    assert "nuoc mam moi xa mot san pham" in text  # synonym alternative, folded
    assert body["track_total_hits"] is True
    assert body["from"] == 0 and body["size"] == 20


def test_browse_has_no_text_query_and_sorts_by_boost():
    body = elastic.build_search(SearchQuery(page=3)).to_dict()
    assert body["query"]["function_score"]["query"] == {"match_all": {}}
    assert body["sort"][0] == {"boost": "desc"}
    assert body["from"] == 40


def test_disjunctive_facets_use_post_filter_and_scoped_aggregations():
    query = SearchQuery(q="gom", types=("product",), stars=(5,), communes=("Kiêu Kỵ",))
    body = elastic.build_search(query).to_dict()
    post = body["post_filter"]["bool"]["filter"]
    assert {"terms": {"doc_type": ["product"]}} in post
    assert {"terms": {"stars": [5]}} in post
    assert {"terms": {"commune_keys": ["kieu ky"]}} in post
    aggs = body["aggs"]
    type_scope = aggs["type"]["filter"]["bool"]["filter"]
    assert {"terms": {"doc_type": ["product"]}} not in type_scope  # own filter left out
    assert {"terms": {"stars": [5]}} in type_scope
    stars_scope = aggs["stars"]["filter"]["bool"]["filter"]
    assert {"terms": {"stars": [5]}} not in stars_scope
    assert {"terms": {"doc_type": ["product"]}} in stars_scope
    category_scope = aggs["category"]["filter"]["bool"]["filter"]
    assert len(category_scope) == len(post)  # no category filter: every other filter applies
    assert aggs["type"]["aggs"]["values"]["terms"]["field"] == "doc_type"
    ranges = aggs["price"]["aggs"]["values"]["range"]["ranges"]
    assert ranges[0] == {"key": "0-100000", "to": 100000}
    assert ranges[-1] == {"key": "5000000-", "from": 5000000}


def test_geo_filter_and_distance_sort():
    body = elastic.build_search(SearchQuery(near=(21.03, 105.85), radius_km=15.0)).to_dict()
    inner = body["query"]["function_score"]["query"]["bool"]
    assert inner["filter"][0]["geo_distance"] == {
        "distance": "15.0km",
        "location": {"lat": 21.03, "lon": 105.85},
    }
    assert body["sort"][0]["_geo_distance"]["order"] == "asc"


def test_price_and_stock_filters():
    body = elastic.build_search(
        SearchQuery(price_min=100, price_max=500, in_stock=True, categories=("IV", "I.5"))
    ).to_dict()
    post = body["post_filter"]["bool"]["filter"]
    assert {"range": {"price": {"gte": 100, "lte": 500}}} in post
    assert {"term": {"in_stock": True}} in post
    category = next(f for f in post if "bool" in f)["bool"]["should"]
    assert {"terms": {"group_code": ["IV"]}} in category
    assert {"terms": {"category": ["I.5"]}} in category


def test_suggest_body():
    body = elastic.build_suggest("gom ba").to_dict()
    match = body["query"]["multi_match"]
    assert match["type"] == "bool_prefix"
    assert match["fields"] == ["suggest", "suggest._2gram", "suggest._3gram"]
    assert body["size"] == 8


def test_facet_rows_from_aggregations():
    aggregations = {
        "type": {"values": {"buckets": [{"key": "product", "doc_count": 3}]}},
        "category": {
            "values": {
                "buckets": [
                    {"key": "IV", "doc_count": 2, "label": {"buckets": [{"key": "Thủ công"}]}}
                ]
            }
        },
        "stars": {"values": {"buckets": [{"key": 5, "doc_count": 2}]}},
        "commune": {"values": {"buckets": []}},
        "price": {"values": {"buckets": [{"key": "0-100000", "doc_count": 1}]}},
        "in_stock": {"values": {"doc_count": 2}},
    }
    rows = elastic.facet_rows(aggregations)
    assert ("category", "IV", "Thủ công", 2) in rows
    assert ("stars", "5", "", 2) in rows
    assert ("in_stock", "1", "", 2) in rows


@pytest.mark.django_db
def test_unreachable_elasticsearch_falls_back_to_database(settings, caplog):
    from cms.search import service

    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens there
    result = service.search(SearchQuery(q="gom bat trang"))
    assert result.engine == "database" and result.count > 0
    assert service.suggest("gom ba")
    assert "Elasticsearch unavailable" in caplog.text


class FakeIndices:
    """Just enough of the indices API to follow a rebuild's alias swap."""

    def __init__(self):
        self.indices: dict[str, set[str]] = {}  # index -> aliases
        self.actions = []

    def create(self, index, settings, mappings):
        assert mappings["properties"]["suggest"]["type"] == "search_as_you_type"
        self.indices[index] = set()

    def exists_alias(self, name):
        return any(name in aliases for aliases in self.indices.values())

    def get_alias(self, name):
        class Response:
            body = {i: {} for i, aliases in self.indices.items() if name in aliases}

        return Response()

    def put_alias(self, index, name):
        self.indices[index].add(name)

    def update_aliases(self, actions):
        self.actions.append(actions)
        for action in actions:  # applied atomically by Elasticsearch
            for verb, spec in action.items():
                aliases = self.indices[spec["index"]]
                (aliases.add if verb == "add" else aliases.discard)(spec["alias"])

    def refresh(self, index):
        pass

    def delete(self, index, ignore_unavailable=False):
        del self.indices[index]


def test_rebuild_builds_a_new_index_and_swaps_the_alias(monkeypatch):
    engine = elastic.ElasticsearchEngine("http://127.0.0.1:9", alias="test-alias")
    fake = FakeIndices()
    monkeypatch.setattr(engine.client, "indices", fake)
    written = []
    monkeypatch.setattr(engine, "_bulk", lambda index, prepared: written.append((index, prepared)))

    first = engine.rebuild(iter([["doc-a"], ["doc-b"]]))
    assert fake.indices == {first: {"test-alias"}}
    assert [index for index, _docs in written] == [first, first]
    second = engine.rebuild(iter([["doc-c"]]))
    assert second != first and fake.indices == {second: {"test-alias"}}  # old index deleted
    last = fake.actions[-1]
    assert {"add": {"index": second, "alias": "test-alias"}} in last
    assert {"remove": {"index": first, "alias": "test-alias"}} in last
