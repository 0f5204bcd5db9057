"""Public pages (issue 22): the page cache, the render path and a side-by-side site.

For each page — home, listing, filtered listing, product, producer, tour — four figures:

* `hit`: anonymous visitors served from the page cache (every answer should say
  `X-Page-Cache: hit`);
* `after purge`: the first request after a "site" purge (what a publish does), one at a time —
  a page-cache miss that also resolves the header and footer again;
* `render`: the render path under load — a logged-in visitor's page, or any page-cache miss
  once the chrome and cards are cached (the `ocop_auth` marker cookie bypasses the cache);
* `static`: a static file from the same gunicorn (whitenoise), the ceiling to compare with.

Each line gives req/s, latency, the server's CPU per request (gunicorn master + workers, from
/proc) and the render path's SQL per request. With `--compare-url`, the same loads run against
another site (its paths from `--compare-map`), its CPU when `--compare-pid` names its server.
The figures also go to bench/out/pages-<extra products>.json.
"""

import json
import random

from bench.harness import OUT

EXTRA_PRODUCTS = 0  # the curated 49 unless --extra-products says otherwise
COOKIE_RENDER = "ocop_auth=1"


def _paths(bench) -> dict[str, list[str]]:
    bench.setup_django()
    from django.db.models import Count

    from products.models import ProducerPage, ProductIndexPage, ProductPage
    from tours.models import VirtualTourPage

    def relative(page):
        return "/" + page.url_path.split("/", 2)[2]

    listing = relative(ProductIndexPage.objects.live().get())
    products = [relative(p) for p in ProductPage.objects.live().only("url_path")]
    random.Random(7).shuffle(products)
    biggest = ProducerPage.objects.live().annotate(n=Count("products")).order_by("-n", "pk").first()
    tour = VirtualTourPage.objects.live().order_by("pk").first()
    return {
        "home": ["/"],
        "listing": [listing],
        "filtered": [f"{listing}?group=I&stars=4&stars=5&in_stock=on&sort=price"],
        "product": products[:50],
        "producer": [relative(biggest)],
        "tour": [relative(tour)] if tour else [],
        "static": ["/static/css/site.css"],
    }


def run(bench) -> None:
    requests = bench.options.get("requests", 200)
    compare = bench.options.get("compare_url", "").rstrip("/")
    compare_paths = bench.options.get("compare_paths", {})
    compare_pid = bench.options.get("compare_pid")
    results: dict[str, dict] = {}
    paths = _paths(bench)

    static = bench.http_load("static file", paths["static"], requests=requests * 2, sql=False)
    results["static"] = static
    if compare:
        other = [compare_paths.get("static", paths["static"][0])]
        results["compare static"] = bench.http_load(
            "  compare static", other, requests * 2, base_url=compare, cpu_pid=compare_pid
        )

    for name, page_paths in paths.items():
        if name == "static" or not page_paths:
            continue
        results[f"{name} hit"] = bench.http_load(f"{name} hit", page_paths, requests=requests)
        results[f"{name} after purge"] = bench.after_purge(f"{name} after purge", page_paths[0])
        results[f"{name} render"] = bench.http_load(
            f"{name} render", page_paths, requests=max(requests // 2, 20), cookie=COOKIE_RENDER
        )
        if compare:
            mapped = compare_paths.get(name)
            other = [mapped] if mapped else page_paths
            results[f"compare {name}"] = bench.http_load(
                f"  compare {name}", other, requests, base_url=compare, cpu_pid=compare_pid
            )

    extra = bench.options.get("extra_products", 0)
    hit_share = {
        name: f"{results[f'{name} hit']['rps'] / static['rps']:.2f}"
        for name in ("home", "listing", "product")
    }
    bench.report("hit rate / static rate", **hit_share)
    out = OUT / f"pages-{extra}.json"
    out.write_text(json.dumps({"extra_products": extra, "results": results}, indent=2))
    print(f"figures written to {out}")
