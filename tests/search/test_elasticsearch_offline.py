"""The Elasticsearch mapping and query bodies, checked as JSON without a server."""

import json

import pytest

from cms.search.analysis import Intent, Lexicon, Rules, analyze, tag_token
from cms.search.backends import elastic
from cms.search.backends.common import prepare
from cms.search.query import SearchQuery

LEXICON = Lexicon(
    words={"nuoc", "mam", "gom", "bat", "trang", "lang", "dong", "duc", "basket", "tra"},
    places={"bat trang", "duong xa", "gia lam", "duong xa gia lam"},
)
RULES = Rules(
    synonyms=[("ocop", "moi xa mot san pham")],
    intents=[Intent(("qua tet",), tags=(tag_token("I.5"),), keywords=("mứt sen",))],
)


def _body(q, **params):
    analyzed = analyze(q, LEXICON, RULES)
    return elastic.build_search(SearchQuery(q=q, **params), analyzed=analyzed).to_dict()


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
    assert analysis["filter"]["vi_english_stem"] == {"type": "stemmer", "language": "light_english"}
    english = analysis["analyzer"]["vi_english"]
    assert english["filter"] == ["lowercase", "asciifolding", "vi_english_stem"]
    json.dumps(body)  # serialisable as sent


def test_mapping_fields():
    props = elastic.index_settings()["mappings"]["properties"]
    for name in ("title", "alt_titles", "body"):
        assert props[name]["analyzer"] == "vi_fold"
        assert props[name]["fields"]["exact"]["analyzer"] == "vi_exact"
        assert props[name]["fields"]["shingle"]["analyzer"] == "vi_shingle"
    for name in ("alt_titles", "body"):  # English names and category names
        assert props[name]["fields"]["en"]["analyzer"] == "vi_english"
    assert "en" not in props["title"]["fields"]
    for keyword in ("own_places", "places", "tags"):
        assert props[keyword]["type"] == "keyword"
    assert props["rank_data"]["index"] is False
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
            "places": ["Thôn Giang Cao, xã Bát Tràng, Gia Lâm, Hà Nội"],
            "province": "Thành phố Hà Nội",
            "tags": ["craft_village"],
            "geo": (21.0, 105.9),
        },
    )
    source = elastic.to_source(prepared)
    assert source["location"] == {"lat": 21.0, "lon": 105.9}
    # whole place names (folded, administrative words and the province left out)
    assert "giang cao bat trang gia lam" in source["own_places"]
    assert "bat trang" in source["own_places"] and "gia lam" in source["own_places"]
    assert source["places"] == ["ha noi"]  # the commune's names are the producer's own here
    assert source["tags"] == ["ztcraftvillage"]
    assert "Bát Tràng" not in source["body"]  # place words are matched as places only
    assert json.loads(source["rank_data"])["t"] == ["làng", "gốm", "bát", "tràng"]
    assert set(source["commune_keys"]) == {"00577", "bat trang", "bat trang, gia lam"}
    assert source["suggest"].startswith("Làng gốm Bát Tràng")
    assert elastic.doc_id("site", 7) == "site-7"


def test_text_query_body():
    body = _body("nước mắm ocop")
    function_score = body["query"]["function_score"]
    assert function_score["functions"] == [
        {"field_value_factor": {"field": "boost", "missing": 1.0}}
    ]
    text = json.dumps(function_score["query"], ensure_ascii=False)
    assert "title.exact^4" in text and "title.shingle^4" in text
    assert '"match_phrase"' in text
    assert "moi xa mot san pham" in text  # synonym alternative, folded
    assert "alt_titles.en^3" in text  # English, lightly stemmed
    assert body["track_total_hits"] is True
    # relevance pages come from the re-ordered best RERANK_WINDOW
    assert body["from"] == 0 and body["size"] == elastic.scoring.RERANK_WINDOW
    deep = _body("nước mắm", page=6)
    assert deep["from"] == 100 and deep["size"] == 20


def _clauses(node, name):
    """Every `name` clause in a query body."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == name:
                found.append(value)
            found += _clauses(value, name)
    elif isinstance(node, list):
        for item in node:
            found += _clauses(item, name)
    return found


def test_fuzziness_follows_the_syllable_length():
    matches = {
        m["query"]: m
        for m in _clauses(_body("gom nuoc thuongmai"), "multi_match")
        if m.get("type") != "phrase_prefix"
    }
    assert "fuzziness" not in matches["gom"]  # 3 letters: the analysis corrects, not ES
    assert matches["nuoc"]["fuzziness"] == "1"
    assert matches["thuongmai"]["fuzziness"] == "2"  # the last word: also as a prefix


def test_telex_and_places_and_intents_in_the_query():
    body = _body("nuowcs mawm")
    queries = {m["query"] for m in _clauses(body, "multi_match")}
    assert {"nuowcs", "nuoc", "mam"} <= queries  # the token as typed, and its decoding
    exact = [m for m in _clauses(body, "multi_match") if m.get("type") == "phrase"]
    assert any(m["query"] == "nước" for m in exact)  # the decoded reading's tones
    body = _body("gom bat trang")
    places = _clauses(body, "own_places")
    assert {"value": "bat trang", "boost": elastic.OWN_PLACE_BOOST} in places
    tags = _clauses(_body("quà tết"), "tags")
    assert tags and tags[0]["value"] == "zti05"


def test_readings_are_or_of_ands_and_relaxed_is_any_span():
    analyzed = analyze("gom bat trang", LEXICON, RULES)
    strict = elastic.text_query(analyzed).to_dict()
    readings = strict["bool"]["must"][0]["bool"]["should"]
    assert len(readings) == len(analyzed.readings) == 2
    assert all("must" in r["bool"] for r in readings)
    relaxed = elastic.text_query(analyzed, relaxed=True).to_dict()
    assert relaxed["bool"]["must"][0]["bool"]["minimum_should_match"] == 1


def test_question_words_only_add_score():
    body = elastic.text_query(analyze("mua gom o dau", LEXICON, RULES)).to_dict()
    must = json.dumps(body["bool"]["must"], ensure_ascii=False)
    assert '"gom"' in must and '"mua"' not in must and '"dau"' not in must
    assert '"mua"' in json.dumps(body["bool"]["should"])


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
    analyzed = analyze("gooms ba", LEXICON, RULES, suggest=True)
    body = elastic.build_suggest("gooms ba", analyzed=analyzed).to_dict()
    assert body["size"] == elastic.SUGGEST_CANDIDATES  # re-ordered, then cut to 8
    assert "rank_data" in body["_source"]
    assert '"gom"' in json.dumps(body["query"])  # the decoded word, in the titles


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
