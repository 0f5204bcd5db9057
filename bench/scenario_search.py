"""Search and suggest latency and throughput on the database engine, 10,000 extra products.

Targets (issues 5 and 16): search p95 ≤ 50 ms, suggest p95 ≤ 30 ms, with 2 and with 8 clients.
Reported three ways: over HTTP with one client per gunicorn worker (latency), over HTTP with
8 clients (throughput), and in-process through the service (the engine alone, no HTTP or
template work) — there both with the engine's per-process result cache (what repeated queries
cost) and without it (what a query never seen costs: analysis, SQL, re-ranking, snippets).
The queries include the ways people type (Telex, question words, places, intents, run-together
words), not only clean ones.
"""

import statistics
import time
import urllib.parse

EXTRA_PRODUCTS = 10000

SEARCHES = [
    {"q": "gom bat trang"},
    {"q": "nghệ"},
    {"q": "duc dongg"},
    {"q": "san pham thu nghiem"},  # matches all 10,000 synthetic products
    {"q": "san pham thu nghiem 4242"},
    {"q": "lang nghe", "type": "site"},
    {"q": "tra", "stars": "4,5", "in_stock": "1"},
    {"q": "perfume pagoda"},
    {"q": "kieu ky"},
    {"q": "htx bo sua ba vi"},
    {"q": ""},  # browse everything with all facets
    {"category": "IV", "price_min": "100000", "price_max": "500000"},
    {"commune": "Gia Lâm", "page": "3"},
    {"near": "21.0285,105.8542", "radius_km": "25", "type": "site"},
    {"q": "nuowcs tuwowng"},  # Telex residue
    {"q": "mua trà sen ở đâu"},  # question words
    {"q": "dương xá gia lâm"},  # an old commune and district
    {"q": "quà tết"},  # an intent rule
    {"q": "battrang"},  # run together
    {"q": "chà sen"},  # a Northern spelling
]
SUGGESTS = [
    "g",
    "go",
    "gom b",
    "gom bat tr",
    "nghe",
    "chua huo",
    "san pham thu",
    "lang co duongg",
    "gooms",
    "nuowcs m",
]


def _paths(prefix: str, params_list) -> list[str]:
    return [prefix + "?" + urllib.parse.urlencode(params) for params in params_list]


def _percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)

    def pick(fraction):
        return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))] * 1000

    return {"p50_ms": pick(0.5), "p95_ms": pick(0.95), "mean_ms": statistics.fmean(ordered) * 1000}


def run(bench) -> None:
    search_paths = _paths("/api/search/", SEARCHES)
    suggest_paths = _paths("/api/search/suggest/", [{"q": q} for q in SUGGESTS])

    bench.queries_per_request(search_paths[0])  # sets up Django in this process
    from django.http import QueryDict

    from cms.search import service

    status = service.status()
    bench.report("search index", **status["database"]["documents"])

    bench.http_load("search api (latency)", search_paths, requests=280, concurrency=2)
    bench.http_load("search api (throughput)", search_paths, requests=420, concurrency=8)
    bench.http_load("suggest api (latency)", suggest_paths, requests=320, concurrency=2)
    bench.http_load("suggest api (throughput)", suggest_paths, requests=480, concurrency=8)
    bench.http_load("search page /tim-kiem/", _paths("/tim-kiem/", SEARCHES[:6]), requests=120)

    queries = [QueryDict(urllib.parse.urlencode(p)) for p in SEARCHES]
    engine = service.database_engine()
    for cached in (True, False):
        label = "" if cached else ", uncached"
        size = engine.result_cache.size
        if not cached:
            engine.result_cache.size = 0  # every query computed afresh
        try:
            for q in queries:  # warm the vocabulary (and, if on, the result cache)
                service.search(q)
            timings = []
            for _round in range(10):
                for q in queries:
                    started = time.perf_counter()
                    service.search(q)
                    timings.append(time.perf_counter() - started)
            bench.report(f"search in-process{label}", samples=len(timings), **_percentiles(timings))
            timings = []
            for _round in range(20):
                for q in SUGGESTS:
                    started = time.perf_counter()
                    service.suggest(q)
                    timings.append(time.perf_counter() - started)
            bench.report(
                f"suggest in-process{label}", samples=len(timings), **_percentiles(timings)
            )
        finally:
            engine.result_cache.size = size
