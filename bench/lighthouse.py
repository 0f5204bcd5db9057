"""`make lighthouse`: Lighthouse (mobile preset) on every public page type, as a table.

Seeds the demo data into bench/out/lighthouse.sqlite3 (the bench harness: production settings,
gunicorn, whitenoise, DEBUG off), installs Lighthouse with npm into .lighthouse/ (ignored by
git; `LIGHTHOUSE_VERSION` to pin another) the first time, then runs it with the system Chromium
(`CHROMIUM_PATH`, else /usr/bin/chromium) headless on the home, listing, product, producer,
tourism-site, tour, map, search, cart, checkout, order and tracking pages (Lighthouse does not
audit a 404 answer; axe-core checks that page in the browser suite), and prints
accessibility / SEO / best practices / performance. Not part of the unit suite.

Targets (issue 14): accessibility 100, SEO 100, best practices ≥ 96, performance ≥ 95 (tour ≥ 85).
The cart, checkout and order pages are measured with a cart (and an order) made through the
site, with the session cookie handed to Lighthouse.

Options: `--pages producer,site,map` measures only those pages; `--runs 3` measures each page
three times and keeps the median score of each category (performance is noisy on a shared
machine). Every report is kept as JSON in bench/out/lighthouse/<page>-<run>.json, to read the
failing audits (`audits[id].details`).
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import OUT, Bench  # noqa: E402

TOOL = ROOT / ".lighthouse"
VERSION = os.environ.get("LIGHTHOUSE_VERSION", "13.5.0")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CATEGORIES = ("accessibility", "seo", "best-practices", "performance")
TARGETS = {"accessibility": 100, "seo": 100, "best-practices": 96, "performance": 95}
PAGES = (
    "home",
    "listing",
    "product",
    "producer",
    "site",
    "tour",
    "map",
    "search",
    "cart",
    "checkout",
    "order",
    "tracking",
    "404",
)
REPORTS = OUT / "lighthouse"


def lighthouse_binary() -> Path:
    binary = TOOL / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        TOOL.mkdir(exist_ok=True)
        subprocess.run(
            [
                "npm",
                "install",
                "--prefix",
                str(TOOL),
                "--no-audit",
                "--no-fund",
                f"lighthouse@{VERSION}",
            ],
            check=True,
        )
    return binary


def django(code: str, env: dict) -> str:
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip()


def page_urls(env: dict) -> dict[str, str]:
    code = """
import json
from products.models import ProducerPage, ProductIndexPage, ProductPage, ProductVariant
from tours.models import TourSitePage, VirtualTourPage
from products.purchasable import get_purchasables
variants = ProductVariant.objects.filter(page__live=True).select_related("page").order_by("sku")
items = get_purchasables(v.sku for v in variants)
product = next(v for v in variants if v.sku in items and items[v.sku].available > 0)
print(json.dumps({
    "home": "/",
    "listing": ProductIndexPage.objects.live().first().url,
    "product": product.page.url,
    "producer": ProducerPage.objects.live().first().url,
    "site": TourSitePage.objects.live().first().url,
    "tour": VirtualTourPage.objects.live().first().url,
    "map": "/ban-do/",
    "search": "/tim-kiem/?q=g%E1%BB%91m",
    "tracking": "/shop/track/",
    "404": "/khong-co-trang-nay/",
    "_sku": product.sku,
}))
"""
    return json.loads(django(code, env))


class Buyer:
    """A browser session made with urllib: a cart, then an order, then a second cart."""

    def __init__(self, base: str):
        self.base = base
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> str:
        return self.opener.open(self.base + path, timeout=30).read().decode()

    def post(self, path: str, data: dict, form_page: str = "") -> tuple[str, str]:
        """POST like the page's form does, with the CSRF token of `form_page` (or `path`)."""
        html = self.get(form_page or path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        token = token.group(1) if token else self.cookie("csrftoken")
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(
            self.base + path, body, headers={"Referer": self.base + path}
        )
        response = self.opener.open(request, timeout=30)
        return response.geturl(), response.read().decode()

    def cookie(self, name: str) -> str:
        return next((c.value for c in self.jar if c.name == name), "")

    def add(self, sku: str) -> None:
        form = f"/shop/cart/add/?sku={sku}&quantity=1"
        self.post("/shop/cart/add/", {"sku": sku, "quantity": "1"}, form_page=form)

    def order(self, sku: str) -> str:
        self.add(sku)
        html = self.get("/shop/checkout/")
        commune = re.search(r'<select name="commune"[^>]*>.*?<option value="(\d+)"', html, re.S)
        shipping = {name: "delivery" for name in re.findall(r'name="(ship_\d+)"', html)}
        self.post(
            "/shop/checkout/",
            {
                "recipient": "Lê Thị Hoa",
                "phone": "0983123456",
                "province": "01",
                "commune": commune.group(1),
                "street": "Số 8, thôn Đông",
                "payment_method": "cod",
                "accept_terms": "on",
                "data_consent": "on",
                **shipping,
            },
        )
        html = self.get("/shop/checkout/review/")
        token = re.search(r'name="checkout_token" value="([^"]+)"', html).group(1)
        url, _html = self.post("/shop/checkout/review/", {"checkout_token": token})
        if "/shop/orders/" not in url:
            raise RuntimeError(f"the order was not placed (ended on {url})")
        return url.removeprefix(self.base)


class FrontProxy:
    """What the reverse proxy does in production (docs/deploy.md): /media/ from disk, the rest
    from gunicorn. Production settings do not serve uploaded files themselves."""

    def __init__(self, upstream: str, media_root: Path):
        import http.server
        import mimetypes
        import threading

        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):  # noqa: N802 - http.server's naming
                path = urllib.parse.urlsplit(self.path).path
                if path.startswith("/media/"):
                    file = (media_root / urllib.parse.unquote(path[len("/media/") :])).resolve()
                    if media_root.resolve() in file.parents and file.is_file():
                        body = file.read_bytes()
                        self.send_response(200)
                        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
                        self.send_header("Content-Type", kind)
                        self.send_header("Cache-Control", "public, max-age=31536000")
                        self.send_header("Content-Length", str(len(body)))
                        self.end_headers()
                        self.wfile.write(body)
                        return
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                request = urllib.request.Request(proxy.upstream + self.path, headers=headers)
                try:
                    response = urllib.request.urlopen(request, timeout=60)
                except urllib.error.HTTPError as error:
                    response = error
                body = response.read()
                self.send_response(response.status)
                for name, value in response.headers.items():
                    if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.upstream = upstream
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()


def run_lighthouse(binary: Path, url: str, cookie: str, keep: Path) -> dict:
    command = [
        str(binary),
        url,
        "--output=json",
        "--output-path=stdout",
        "--quiet",
        "--form-factor=mobile",
        "--screenEmulation.mobile",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-background-networking",
    ]
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    for attempt in (1, 2):
        # Lighthouse now and then loses its own trace on a busy machine ("NO_NAVSTART"): such a
        # run measured nothing, so it is made again once.
        result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        if result.returncode == 0 and result.stdout.strip():
            break
        if attempt == 2:
            raise RuntimeError(result.stderr[-2000:])
    keep.write_text(result.stdout)
    report = json.loads(result.stdout)
    scores = {c: round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES}
    failing = {
        c: [
            ref["id"]
            for ref in report["categories"][c]["auditRefs"]
            if ref.get("weight") and (report["audits"][ref["id"]].get("score") or 0) < 0.9
        ]
        for c in CATEGORIES
    }
    return {"scores": scores, "failing": failing}


def median_run(runs: list[dict]) -> dict:
    """The median score of each category over the runs, and the audits that failed in any."""
    scores = {c: round(statistics.median(r["scores"][c] for r in runs)) for c in CATEGORIES}
    failing = {c: sorted({audit for r in runs for audit in r["failing"][c]}) for c in CATEGORIES}
    return {"scores": scores, "failing": failing, "all": [r["scores"] for r in runs]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pages", default=",".join(PAGES), help="comma-separated page names")
    parser.add_argument("--runs", type=int, default=1, help="runs per page (median kept)")
    options = parser.parse_args()
    wanted = [name.strip() for name in options.pages.split(",") if name.strip()]
    unknown = sorted(set(wanted) - set(PAGES))
    if unknown:
        parser.error(f"unknown pages: {', '.join(unknown)} (known: {', '.join(PAGES)})")
    REPORTS.mkdir(parents=True, exist_ok=True)
    binary = lighthouse_binary()
    bench = Bench(f"sqlite:///{OUT / 'lighthouse.sqlite3'}")
    failures = []
    rows = []
    proxy = None
    try:
        bench.prepare(0)
        proxy = FrontProxy(bench.start_server(), Path(bench.env["MEDIA_ROOT"]))
        base = proxy.url
        urls = page_urls(bench.env)
        sku = urls.pop("_sku")
        buyer = Buyer(proxy.upstream)  # cookies are per host, whatever the port
        urls["order"] = buyer.order(sku)
        buyer.add(sku)
        urls["cart"] = "/shop/cart/"
        urls["checkout"] = "/shop/checkout/"
        session = "; ".join(f"{c.name}={c.value}" for c in buyer.jar)
        for name in [p for p in PAGES if p in wanted]:
            if name == "404":
                # Lighthouse refuses to audit a page answered with an error status; the 404
                # page is checked by axe-core in the browser suite.
                continue
            personal = name in ("cart", "checkout", "order")
            runs = []
            for run in range(1, options.runs + 1):
                keep = REPORTS / f"{name}-{run}.json"
                one = run_lighthouse(binary, base + urls[name], session if personal else "", keep)
                runs.append(one)
                print(f"  {name} #{run}: {one['scores']} {one['failing']}", flush=True)
            rows.append((name, median_run(runs)))
    finally:
        if proxy is not None:
            proxy.stop()
        bench.stop()
    print()
    print(f"| page | {' | '.join(CATEGORIES)} |")
    print("|" + " --- |" * (len(CATEGORIES) + 1))
    for name, result in rows:
        print(f"| {name} | " + " | ".join(str(result["scores"][c]) for c in CATEGORIES) + " |")
        for category in CATEGORIES:
            target = 85 if (name == "tour" and category == "performance") else TARGETS[category]
            if result["scores"][category] < target:
                failures.append(
                    f"{name} {category} {result['scores'][category]} < {target}: "
                    f"{', '.join(result['failing'][category]) or '-'}"
                )
    if failures:
        print("\nBelow target:\n  " + "\n  ".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
