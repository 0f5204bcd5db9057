"""The Elasticsearch engine (elasticsearch-dsl; works with ES 8 and 9 servers).

Text analysis mirrors the database engine: `vi_fold` maps đ → d with a char filter (ICU is not
assumed to be installed) and folds the other diacritics with `asciifolding` keeping the original
token, so an exact-tone match scores above a folded one; a `.exact` subfield is lowercase only;
`.shingle` subfields reward multi-syllable phrases ("nước mắm"); `.en` subfields stem English
lightly (`light_english`: "baskets" → basket); `suggest` is a `search_as_you_type` field.
Place names are keyword arrays of whole folded names (`own_places` above `places`: a query
names a whole place or none), intent-rule targets a keyword array `tags`.

Queries come from the same analysis as the database engine's (`cms.search.analysis`, with the
vocabulary and the editable rules the database keeps): a bool of readings, each a bool of spans,
each a bool of its terms, every term boosted by its weight. Fuzziness follows the syllable:
none up to 3 letters (the analysis adds the short-syllable corrections itself), 1 from 4, 2 from
8, and only on the words as typed; synonyms and intents are expanded in the query JSON, so an
officer's edit applies at once, with no reindex. The best `RERANK_WINDOW` hits are then
re-ordered by `cms.search.scoring` from each hit's `rank_data`, exactly as on the databases.

Facets are disjunctive: filters go in `post_filter` and each aggregation is wrapped in a filter
aggregation with every other facet's filter. Rebuilds write a new index and swap the alias.
"""

from __future__ import annotations

import datetime

import elastic_transport
import elasticsearch
from elasticsearch_dsl import A, Q, Search, analyzer, char_filter, token_filter

from .. import scoring
from ..analysis import AnalyzedQuery, Lexicon, Rules, Term, analyze
from ..query import DEFAULT_RADIUS_KM, PRICE_BUCKETS, Hit, SearchQuery, SearchResult, commune_key
from ..text import DEFAULT_SYNONYM_GROUPS, edit_budget, highlight, snippet
from .common import PreparedDocument, place_runs
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
vi_english_stem = token_filter("vi_english_stem", type="stemmer", language="light_english")
vi_english = analyzer(
    "vi_english",
    tokenizer="standard",
    char_filter=[vi_d],
    filter=["lowercase", "asciifolding", vi_english_stem],
)
vi_shingle = analyzer(
    "vi_shingle",
    tokenizer="standard",
    char_filter=[vi_d],
    filter=["lowercase", "asciifolding", vi_shingles],
)


def _text_field(english: bool = False) -> dict:
    fields = {
        "exact": {"type": "text", "analyzer": "vi_exact"},
        "shingle": {"type": "text", "analyzer": "vi_shingle"},
    }
    if english:
        fields["en"] = {"type": "text", "analyzer": "vi_english"}
    return {"type": "text", "analyzer": "vi_fold", "fields": fields}


def index_settings() -> dict:
    """Settings (analysis) and mappings of the search index, as sent to Elasticsearch."""
    analysis: dict = {}
    for item in (vi_fold, vi_plain_fold, vi_exact, vi_shingle, vi_english):
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
                "alt_titles": _text_field(english=True),
                "body": _text_field(english=True),
                "own_places": {"type": "keyword"},
                "places": {"type": "keyword"},
                "tags": {"type": "keyword"},
                "rank_data": {"type": "keyword", "index": False, "doc_values": False},
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
    from ..analysis import tag_token

    data = p.data
    geo = data.get("geo")
    own, others = place_runs(data)
    return {
        "doc_type": p.doc_type,
        "object_id": p.object_id,
        "title": data.get("title") or "",
        "alt_titles": [a for a in data.get("alt_titles") or [] if a],
        "body": " ".join(
            [
                data.get("body") or "",
                *(data.get("keywords") or []),
                *(t for t in data.get("other_language") or [] if t),
            ]
        ),
        "own_places": own,
        "places": others,
        "tags": [tag_token(t) for t in data.get("tags") or [] if t],
        "rank_data": p.rank_data,
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

TEXT_FIELDS = ["title^6", "alt_titles^4", "body", "alt_titles.en^3", "body.en^0.5"]
TITLE_FIELDS = ["title^6", "alt_titles^4", "alt_titles.en^3"]
EXACT_FIELDS = ["title.exact^4", "alt_titles.exact^2", "body.exact"]
OWN_PLACE_BOOST = 1.0 + scoring.OWN_PLACE_BONUS
PLACE_BOOST = 1.0 + scoring.PLACE_BONUS


def fuzziness(word: str) -> str:
    """Edits allowed for a typed word, by the length of its syllable after folding: none up to
    3 letters, one from 4, two from 8 (what `text.edit_budget` allows the database engine)."""
    return str(edit_budget(word))


def offline_analysis(q: str, suggest: bool = False) -> AnalyzedQuery:
    """The analysis with no index vocabulary and the built-in synonyms (tests, previews)."""
    return analyze(q, Lexicon(), Rules(DEFAULT_SYNONYM_GROUPS), suggest=suggest)


def term_clause(term: Term, suggest: bool = False) -> Q:
    if term.field == "tag":
        return Q("term", tags={"value": term.words[0], "boost": term.weight})
    if term.field == "place":
        run = " ".join(term.words)
        return Q(
            "bool",
            should=[
                Q("term", own_places={"value": run, "boost": term.weight * OWN_PLACE_BOOST}),
                Q("term", places={"value": run, "boost": term.weight * PLACE_BOOST}),
            ],
            minimum_should_match=1,
        )
    fields = TITLE_FIELDS if suggest else TEXT_FIELDS
    text = " ".join(term.words)
    fuzzy = term.kind == "typed" and len(term.words) == 1 and edit_budget(text) > 0
    if len(term.words) > 1 and not term.prefix:
        match = Q("multi_match", query=text, type="phrase", fields=fields, boost=term.weight)
    elif fuzzy:  # a word as typed: its typos, by the length of its syllable
        match = Q(
            "multi_match",
            query=text,
            fields=fields,
            fuzziness=fuzziness(text),
            prefix_length=1,
            boost=term.weight,
        )
    else:  # alternatives are words of the index already: matched as they are
        match = Q("multi_match", query=text, fields=fields, boost=term.weight)
    if term.prefix:  # the last word may be unfinished
        prefix = Q(
            "multi_match", query=text, type="phrase_prefix", fields=fields, boost=term.weight
        )
        match = Q("bool", should=[match, prefix], minimum_should_match=1)
    if term.exact and not suggest:  # the tones as typed rank first
        exact = Q(
            "multi_match",
            query=" ".join(term.exact),
            type="phrase",
            fields=EXACT_FIELDS,
            boost=term.weight,
        )
        return Q("bool", must=[match], should=[exact])
    return match


def span_clause(span, suggest: bool = False) -> Q:
    clauses = [term_clause(t, suggest) for t in span.terms]
    if len(clauses) == 1:
        return clauses[0]
    return Q("bool", should=clauses, minimum_should_match=1)


def text_query(q, *, relaxed: bool = False, suggest: bool = False) -> Q:
    """The query for `q` (a string, analysed offline, or an `AnalyzedQuery`): OR of readings,
    AND of a reading's spans, OR of a span's terms; optional words and the typed phrase in the
    titles only add score."""
    analyzed = q if isinstance(q, AnalyzedQuery) else offline_analysis(q, suggest)
    if analyzed.empty:
        return Q("match_all")
    if relaxed:
        spans = [span_clause(s, suggest) for s in analyzed.spans()]
        must = Q("bool", should=spans, minimum_should_match=1)
    else:
        readings = [
            Q("bool", must=[span_clause(s, suggest) for s in reading])
            for reading in analyzed.readings
        ]
        must = (
            readings[0]
            if len(readings) == 1
            else Q("bool", should=readings, minimum_should_match=1)
        )
    bonus = [span_clause(s, suggest) for s in analyzed.optional]
    typed = [s.terms[0] for s in analyzed.readings[0]]
    if len(typed) > 1 and not suggest:
        phrase = " ".join(w for t in typed for w in t.words)
        bonus.append(Q("multi_match", query=phrase, fields=["title.shingle^4", "body.shingle^2"]))
        bonus.append(Q("match_phrase", title={"query": phrase, "slop": 1, "boost": 4}))
    return Q("bool", must=[must], should=bonus) if bonus else must


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


def reranks(query: SearchQuery) -> bool:
    """Whether the page comes from the re-ordered best RERANK_WINDOW (as on the databases)."""
    return (
        bool(query.q)
        and not query.sort
        and not query.near
        and query.offset + query.page_size <= scoring.RERANK_WINDOW
    )


def build_search(
    query: SearchQuery,
    index: str = DEFAULT_ALIAS,
    analyzed: AnalyzedQuery | None = None,
    relaxed: bool = False,
) -> Search:
    search = Search(index=index)
    if query.q:
        base = text_query(analyzed or offline_analysis(query.q), relaxed=relaxed)
    else:
        base = Q("match_all")
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
    if reranks(query):
        return search[0 : scoring.RERANK_WINDOW]
    return search[query.offset : query.offset + query.page_size]


SUGGEST_CANDIDATES = 40


def build_suggest(
    q: str, limit: int = 8, index: str = DEFAULT_ALIAS, analyzed: AnalyzedQuery | None = None
) -> Search:
    """Titles as typed so far (`search_as_you_type`), or through the analysis's alternatives
    (Telex decoded, Northern spellings…) in the titles; re-ordered like search results."""
    typed = Q(
        "multi_match",
        query=q,
        type="bool_prefix",
        fields=["suggest", "suggest._2gram", "suggest._3gram"],
    )
    if analyzed is not None and not analyzed.empty:
        typed = Q(
            "bool", should=[typed, text_query(analyzed, suggest=True)], minimum_should_match=1
        )
    size = limit if analyzed is None else max(limit, SUGGEST_CANDIDATES)
    return (
        Search(index=index)
        .query(typed)
        .source(["doc_type", "title", "url", "rank_data", "boost"])[:size]
    )


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
        from . import vocabulary

        analyzed = vocabulary.analyze_query(query.q) if query.q else None
        response = self._search(query, analyzed)
        total = response["hits"]["total"]["value"]
        if total == 0 and analyzed is not None and len(analyzed.spans()) > 1:
            response = self._search(query, analyzed, relaxed=True)
            total = response["hits"]["total"]["value"]
        items = response["hits"]["hits"]
        if analyzed is not None and reranks(query):
            by_key = {i: item for i, item in enumerate(items)}
            rows = [
                (i, item["_source"].get("rank_data"), item["_source"].get("boost"), item["_score"])
                for i, item in by_key.items()
            ]
            order = scoring.rerank(analyzed, rows)[query.offset : query.offset + query.page_size]
            items = [dict(by_key[i], _score=value) for i, value in order]
        extra = analyzed.highlight_words() if analyzed is not None else []
        hits = []
        for item in items:
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
                    snippet=snippet(text, query.q, 160, prefer_exact=True, extra=extra),
                    score=float(item.get("_score") or 0.0),
                    title_html=(
                        highlight(source["title"], query.q, prefer_exact=True, extra=extra)
                        if query.q
                        else ""
                    ),
                    distance_km=distance,
                )
            )
        facets = format_facets(facet_rows(response.get("aggregations", {})), query, type_labels)
        return SearchResult(query=query, count=total, hits=hits, facets=facets, engine=self.name)

    def _search(self, query, analyzed, relaxed=False):
        body = build_search(query, self.alias, analyzed, relaxed=relaxed).to_dict()
        return self.client.search(index=self.alias, body=body)

    def suggest(self, q: str, limit: int = 8) -> list[dict]:
        from . import vocabulary

        analyzed = vocabulary.analyze_query(q, suggest=True)
        body = build_suggest(q, limit, self.alias, analyzed).to_dict()
        items = self.client.search(index=self.alias, body=body)["hits"]["hits"]
        rows = [
            (i, h["_source"].get("rank_data"), h["_source"].get("boost"), h["_score"])
            for i, h in enumerate(items)
        ]
        order = [i for i, _score in scoring.rerank(analyzed, rows)[:limit]]
        return [
            {
                "type": items[i]["_source"]["doc_type"],
                "title": items[i]["_source"]["title"],
                "url": items[i]["_source"]["url"],
            }
            for i in order
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
