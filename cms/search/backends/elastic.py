"""The Elasticsearch engine (elasticsearch-dsl; works with ES 8 and 9 servers).

Text analysis mirrors the database engine: `vi_fold` maps đ → d with a char filter (ICU is not
assumed to be installed) and folds the other diacritics with `asciifolding` keeping the original
token, so an exact-tone match scores above a folded one; a `.exact` subfield is lowercase only;
`.shingle` subfields reward multi-syllable phrases ("nước mắm"); `suggest` is a
`search_as_you_type` field. Typos use fuzziness AUTO:4,8 (one edit from 4 letters, two from 8),
synonyms are expanded in Python exactly as on the database engine.

Facets are disjunctive: filters go in `post_filter` and each aggregation is wrapped in a filter
aggregation with every other facet's filter. Rebuilds write a new index and swap the alias.
"""

from __future__ import annotations

import datetime

import elastic_transport
import elasticsearch
from elasticsearch_dsl import A, Q, Search, analyzer, char_filter, token_filter

from ..query import DEFAULT_RADIUS_KM, PRICE_BUCKETS, Hit, SearchQuery, SearchResult, commune_key
from ..text import expand_synonyms, folded_tokens, highlight, snippet
from .common import PreparedDocument, commune_words
from .facets import format_facets

DEFAULT_ALIAS = "ocop-search"

vi_d = char_filter("vi_d", type="mapping", mappings=["đ => d", "Đ => D"])
vi_folding = token_filter("vi_folding", type="asciifolding", preserve_original=True)
vi_shingles = token_filter(
    "vi_shingles", type="shingle", min_shingle_size=2, max_shingle_size=3, output_unigrams=False
)
vi_fold = analyzer(
    "vi_fold", tokenizer="standard", char_filter=[vi_d], filter=["lowercase", vi_folding]
)
vi_plain_fold = analyzer(
    "vi_plain_fold", tokenizer="standard", char_filter=[vi_d], filter=["lowercase", "asciifolding"]
)
vi_exact = analyzer("vi_exact", tokenizer="standard", filter=["lowercase"])
vi_shingle = analyzer(
    "vi_shingle",
    tokenizer="standard",
    char_filter=[vi_d],
    filter=["lowercase", "asciifolding", vi_shingles],
)


def _text_field() -> dict:
    return {
        "type": "text",
        "analyzer": "vi_fold",
        "fields": {
            "exact": {"type": "text", "analyzer": "vi_exact"},
            "shingle": {"type": "text", "analyzer": "vi_shingle"},
        },
    }


def index_settings() -> dict:
    """Settings (analysis) and mappings of the search index, as sent to Elasticsearch."""
    analysis: dict = {}
    for item in (vi_fold, vi_plain_fold, vi_exact, vi_shingle):
        definition = item.get_analysis_definition()
        for section, entries in definition.items():
            analysis.setdefault(section, {}).update(entries)
        analysis.setdefault("analyzer", {}).update({item._name: item.get_definition()})
    return {
        "settings": {"number_of_shards": 1, "analysis": analysis},
        "mappings": {
            "dynamic": "strict",
            "properties": {
                "doc_type": {"type": "keyword"},
                "object_id": {"type": "long"},
                "title": _text_field(),
                "alt_titles": _text_field(),
                "body": _text_field(),
                "suggest": {"type": "search_as_you_type", "analyzer": "vi_plain_fold"},
                "snippet_text": {"type": "text", "index": False},
                "url": {"type": "keyword", "index": False},
                "boost": {"type": "float"},
                "category": {"type": "keyword"},
                "category_label": {"type": "keyword"},
                "group_code": {"type": "keyword"},
                "group_label": {"type": "keyword"},
                "stars": {"type": "integer"},
                "commune": {"type": "keyword"},
                "commune_label": {"type": "keyword"},
                "commune_keys": {"type": "keyword"},
                "price": {"type": "long"},
                "in_stock": {"type": "boolean"},
                "rating": {"type": "float"},
                "rating_count": {"type": "integer"},
                "location": {"type": "geo_point"},
            },
        },
    }


def to_source(p: PreparedDocument) -> dict:
    data = p.data
    geo = data.get("geo")
    return {
        "doc_type": p.doc_type,
        "object_id": p.object_id,
        "title": data.get("title") or "",
        "alt_titles": [a for a in data.get("alt_titles") or [] if a],
        "body": " ".join(
            [data.get("body") or "", *(data.get("keywords") or []), *commune_words(data)]
        ),
        "suggest": " ".join([data.get("title") or "", *(data.get("alt_titles") or [])]),
        "snippet_text": p.snippet_text,
        "url": data.get("url") or "",
        "boost": float(data.get("boost") or 1.0),
        "category": data.get("category") or None,
        "category_label": data.get("category_label") or None,
        "group_code": data.get("group") or None,
        "group_label": data.get("group_label") or None,
        "stars": data.get("stars"),
        "commune": data.get("commune") or None,
        "commune_label": data.get("commune_label") or None,
        "commune_keys": [k for k in p.commune_keys.split("|") if k],
        "price": data.get("price"),
        "in_stock": data.get("in_stock"),
        "rating": data.get("rating"),
        "rating_count": data.get("rating_count") or 0,
        "location": {"lat": geo[0], "lon": geo[1]} if geo else None,
    }


def doc_id(doc_type: str, object_id) -> str:
    return f"{doc_type}-{object_id}"


# --------------------------------------------------------------------------- #
# Query bodies (pure functions, testable offline with .to_dict())
# --------------------------------------------------------------------------- #

TEXT_FIELDS = ["title^6", "alt_titles^4", "body"]


def text_query(q: str):
    """Relevance query: folded match (+ fuzzy), exact-tone bonus, phrase bonus, synonyms."""
    folded = folded_tokens(q)
    must = Q(
        "bool",
        should=[
            Q("multi_match", query=q, type="cross_fields", fields=TEXT_FIELDS, operator="and"),
            Q(
                "multi_match",
                query=q,
                type="best_fields",
                fields=TEXT_FIELDS,
                operator="and",
                fuzziness="AUTO:4,8",
                prefix_length=1,
                boost=0.5,
            ),
            *[
                Q("multi_match", query=alt, type="cross_fields", fields=TEXT_FIELDS, operator="and")
                for alt in expand_synonyms(folded)[:4]
            ],
        ],
        minimum_should_match=1,
    )
    bonus = [
        Q("multi_match", query=q, fields=["title.exact^4", "alt_titles.exact^2", "body.exact"]),
    ]
    if len(folded) > 1:
        bonus.append(Q("multi_match", query=q, fields=["title.shingle^4", "body.shingle^2"]))
        bonus.append(Q("match_phrase", title={"query": q, "slop": 1, "boost": 4}))
    return Q("bool", must=[must], should=bonus)


def facet_filters(query: SearchQuery) -> dict[str, Q]:
    filters: dict[str, Q] = {}
    if query.types:
        filters["type"] = Q("terms", doc_type=list(query.types))
    if query.categories:
        groups = [c for c in query.categories if "." not in c]
        subs = [c for c in query.categories if "." in c]
        options = []
        if groups:
            options.append(Q("terms", group_code=groups))
        if subs:
            options.append(Q("terms", category=subs))
        filters["category"] = Q("bool", should=options, minimum_should_match=1)
    if query.stars:
        filters["stars"] = Q("terms", stars=list(query.stars))
    if query.communes:
        keys = [c if c.isdigit() else commune_key(c) for c in query.communes]
        filters["commune"] = Q("terms", commune_keys=keys)
    if query.price_min is not None or query.price_max is not None:
        bounds = {}
        if query.price_min is not None:
            bounds["gte"] = query.price_min
        if query.price_max is not None:
            bounds["lte"] = query.price_max
        filters["price"] = Q("range", price=bounds)
    if query.in_stock:
        filters["in_stock"] = Q("term", in_stock=True)
    return filters


def build_search(query: SearchQuery, index: str = DEFAULT_ALIAS) -> Search:
    search = Search(index=index)
    base = text_query(query.q) if query.q else Q("match_all")
    if query.near:
        lat, lon = query.near
        base = Q(
            "bool",
            must=[base],
            filter=[
                Q(
                    "geo_distance",
                    distance=f"{query.radius_km or DEFAULT_RADIUS_KM}km",
                    location={"lat": lat, "lon": lon},
                )
            ],
        )
    search = search.query(
        Q(
            "function_score",
            query=base,
            functions=[{"field_value_factor": {"field": "boost", "missing": 1.0}}],
            boost_mode="multiply",
        )
    )
    filters = facet_filters(query)
    if filters:
        search = search.post_filter(Q("bool", filter=list(filters.values())))

    def scoped(name: str, agg):
        others = [f for key, f in filters.items() if key != name]
        wrapper = A("filter", filter=Q("bool", filter=others) if others else Q("match_all"))
        wrapper.bucket("values", agg)
        return wrapper

    labelled = {"size": 1}
    category = A("terms", field="group_code", size=20)
    category.bucket("label", "terms", field="group_label", **labelled)
    commune = A("terms", field="commune", size=100)
    commune.bucket("label", "terms", field="commune_label", **labelled)
    ranges = []
    for value, low, high in PRICE_BUCKETS:
        bucket = {"key": value}
        if low is not None:
            bucket["from"] = low
        if high is not None:
            bucket["to"] = high
        ranges.append(bucket)
    search.aggs.bucket("type", scoped("type", A("terms", field="doc_type", size=10)))
    search.aggs.bucket("category", scoped("category", category))
    search.aggs.bucket("stars", scoped("stars", A("terms", field="stars", size=10)))
    search.aggs.bucket("commune", scoped("commune", commune))
    search.aggs.bucket("price", scoped("price", A("range", field="price", ranges=ranges)))
    search.aggs.bucket("in_stock", scoped("in_stock", A("filter", filter=Q("term", in_stock=True))))
    if query.sort:
        field = query.sort.lstrip("-")
        order = "asc" if query.sort == "price" else "desc"
        keys = [{field: {"order": order, "missing": "_last"}}]
        if field == "rating":
            keys.append({"rating_count": {"order": "desc"}})
        search = search.sort(*keys, "_score")
    elif query.near:
        lat, lon = query.near
        search = search.sort(
            {"_geo_distance": {"location": {"lat": lat, "lon": lon}, "order": "asc", "unit": "km"}},
            "_score",
        )
    elif not query.q:
        search = search.sort({"boost": "desc"}, "_score")
    search = search.extra(track_total_hits=True, track_scores=True)
    return search[query.offset : query.offset + query.page_size]


def build_suggest(q: str, limit: int = 8, index: str = DEFAULT_ALIAS) -> Search:
    search = Search(index=index).query(
        Q(
            "multi_match",
            query=q,
            type="bool_prefix",
            fields=["suggest", "suggest._2gram", "suggest._3gram"],
        )
    )
    return search.source(["doc_type", "title", "url"])[:limit]


def facet_rows(aggregations: dict) -> list[tuple]:
    """ES aggregations → (facet, value, label, count) rows, as the database engine returns."""
    rows = []
    for name in ("type", "category", "stars", "commune"):
        for bucket in aggregations.get(name, {}).get("values", {}).get("buckets", []):
            labels = bucket.get("label", {}).get("buckets", [])
            label = labels[0]["key"] if labels else ""
            rows.append((name, str(bucket["key"]), label, bucket["doc_count"]))
    for bucket in aggregations.get("price", {}).get("values", {}).get("buckets", []):
        rows.append(("price", bucket["key"], "", bucket["doc_count"]))
    stock = aggregations.get("in_stock", {}).get("values", {}).get("doc_count", 0)
    rows.append(("in_stock", "1", "", stock))
    return rows


# --------------------------------------------------------------------------- #
# The engine
# --------------------------------------------------------------------------- #


class ElasticsearchEngine:
    name = "elasticsearch"
    unavailable = (elastic_transport.TransportError, elasticsearch.ApiError)

    def __init__(self, url: str, alias: str = DEFAULT_ALIAS):
        self.url = url
        self.alias = alias
        self.client = elasticsearch.Elasticsearch(
            url, request_timeout=3, max_retries=0, retry_on_timeout=False
        )

    def search(self, query: SearchQuery, type_labels: dict[str, str]) -> SearchResult:
        response = self.client.search(
            index=self.alias, body=build_search(query, self.alias).to_dict()
        )
        hits = []
        for item in response["hits"]["hits"]:
            source = item["_source"]
            distance = None
            if query.near and not query.sort and item.get("sort"):
                distance = float(item["sort"][0])
            text = source.get("snippet_text") or source.get("title", "")
            hits.append(
                Hit(
                    type=source["doc_type"],
                    id=source["object_id"],
                    title=source["title"],
                    url=source["url"],
                    snippet=snippet(text, query.q, 160, prefer_exact=True),
                    score=float(item.get("_score") or 0.0),
                    title_html=(
                        highlight(source["title"], query.q, prefer_exact=True) if query.q else ""
                    ),
                    distance_km=distance,
                )
            )
        facets = format_facets(facet_rows(response.get("aggregations", {})), query, type_labels)
        total = response["hits"]["total"]["value"]
        return SearchResult(query=query, count=total, hits=hits, facets=facets, engine=self.name)

    def suggest(self, q: str, limit: int = 8) -> list[dict]:
        response = self.client.search(index=self.alias, body=build_suggest(q, limit).to_dict())
        return [
            {
                "type": h["_source"]["doc_type"],
                "title": h["_source"]["title"],
                "url": h["_source"]["url"],
            }
            for h in response["hits"]["hits"]
        ]

    def _ensure_alias(self) -> None:
        if not self.client.indices.exists_alias(name=self.alias):
            name = self._new_index()
            self.client.indices.put_alias(index=name, name=self.alias)

    def _new_index(self) -> str:
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d%H%M%S%f")
        name = f"{self.alias}-{stamp}"
        body = index_settings()
        self.client.indices.create(index=name, settings=body["settings"], mappings=body["mappings"])
        return name

    def _bulk(self, index: str, prepared: list[PreparedDocument]) -> None:
        from elasticsearch.helpers import bulk

        bulk(
            self.client,
            (
                {"_index": index, "_id": doc_id(p.doc_type, p.object_id), "_source": to_source(p)}
                for p in prepared
            ),
        )

    def index(self, prepared: list[PreparedDocument]) -> None:
        self._ensure_alias()
        self._bulk(self.alias, prepared)

    def remove(self, doc_type: str, object_ids) -> None:
        from elasticsearch.helpers import bulk

        self._ensure_alias()
        bulk(
            self.client,
            (
                {"_op_type": "delete", "_index": self.alias, "_id": doc_id(doc_type, oid)}
                for oid in object_ids
            ),
            raise_on_error=False,
        )

    def rebuild(self, batches) -> str:
        """Build a fresh index, then point the alias at it in one atomic action."""
        name = self._new_index()
        for prepared in batches:
            self._bulk(name, prepared)
        self.client.indices.refresh(index=name)
        old = []
        if self.client.indices.exists_alias(name=self.alias):
            old = list(self.client.indices.get_alias(name=self.alias).body)
        actions = [{"add": {"index": name, "alias": self.alias}}]
        actions += [{"remove": {"index": o, "alias": self.alias}} for o in old]
        self.client.indices.update_aliases(actions=actions)
        for o in old:
            self.client.indices.delete(index=o, ignore_unavailable=True)
        return name

    def status(self) -> dict:
        self._ensure_alias()
        count = self.client.count(index=self.alias)["count"]
        indices = list(self.client.indices.get_alias(name=self.alias).body)
        return {"alias": self.alias, "indices": indices, "documents": count}
