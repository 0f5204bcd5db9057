"""Shop: a checkout flow (add to cart → place a COD order) and a stock contention run
(200 concurrent buyers for the last 20 units of one product, on PostgreSQL).

Every buyer is a real HTTP client with its own cookies and CSRF token, against gunicorn.
"""

import http.cookiejar
import os
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from bench.harness import percentile, process_cpu_seconds

CHECKOUT_BUYERS = 60
CHECKOUT_CONCURRENCY = 8
CONTENTION_BUYERS = 200
CONTENTION_UNITS = 20


def checkout_form(target) -> dict:
    """The checkout form a test buyer submits: cash on delivery to a commune of `target`."""
    return {
        "recipient": "Khách thử tải",
        "phone": "0912345678",
        "province": target.get("province", "01"),
        "commune": target["commune"],
        "street": "Số 1, đường Thử",
        "payment_method": "cod",
        "accept_terms": "on",
        "data_consent": "on",
        f"ship_{target['producer']}": "delivery",
    }


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 302 itself is the answer: where would the buyer be sent?


class Buyer:
    def __init__(self, base_url: str):
        self.base = base_url
        self.jar = http.cookiejar.CookieJar()
        cookies = urllib.request.HTTPCookieProcessor(self.jar)
        self.opener = urllib.request.build_opener(cookies)
        self.no_redirect = urllib.request.build_opener(cookies, _NoRedirect())

    def _csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def get(self, path):
        with self.opener.open(self.base + path, timeout=120) as r:
            return r.geturl(), r.read()

    def post(self, path, data):
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self._csrf()}).encode()
        request = urllib.request.Request(
            self.base + path, data=body, headers={"Referer": self.base + path}
        )
        with self.opener.open(request, timeout=120) as r:
            return r.geturl(), r.read()

    def prepare(self, target):
        """Everything before the final click: cart and checkout form."""
        self.get("/shop/csrf/")  # CSRF cookie (public pages are cacheable: they set none)
        self.post("/shop/cart/add/", {"sku": target["sku"], "quantity": "1"})
        self.post("/shop/checkout/", checkout_form(target))

    def place(self) -> bool:
        """The final click, timed alone (the redirect target is not fetched): True if the
        order was placed (sent to its order page), False if sold out (sent back to the cart)."""
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": self._csrf()}).encode()
        path = "/shop/checkout/review/"
        request = urllib.request.Request(
            self.base + path, data=body, headers={"Referer": self.base + path}
        )
        try:
            with self.no_redirect.open(request, timeout=120) as r:
                location = r.headers.get("Location", "")
        except urllib.error.HTTPError as exc:
            if exc.code != 302:
                raise
            location = exc.headers.get("Location", "")
        return "/shop/orders/DH" in location


def final_click_bytes(buyer: Buyer) -> tuple[tuple[str, int], bytes]:
    """The final click as raw HTTP bytes, built before the burst (cookies, token, body), so that
    200 simultaneous buyers cost the load generator — which shares the server's cores — a
    socket write and a read each, not urllib's opener chain and cookie jar."""
    parsed = urllib.parse.urlsplit(buyer.base)
    path = "/shop/checkout/review/"
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": buyer._csrf()}).encode()
    cookies = "; ".join(f"{c.name}={c.value}" for c in buyer.jar)
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {parsed.netloc}\r\nCookie: {cookies}\r\n"
        f"Referer: {buyer.base}{path}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return (parsed.hostname, parsed.port), head.encode("latin-1") + body


def send_final_click(address, raw: bytes) -> bool:
    """Send the prepared click; True if the answer sends the buyer to an order page (placed),
    False if back to the cart (sold out); anything but a 302 is an error."""
    import socket

    with socket.create_connection(address, timeout=120) as connection:
        connection.sendall(raw)
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = connection.recv(65536)
            if not chunk:
                break
            answer += chunk
    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    status = head.split(" ", 2)[1] if " " in head else "?"
    if status != "302":
        raise RuntimeError(f"final click answered {status}")
    location = next(
        (
            line.split(":", 1)[1].strip()
            for line in head.split("\r\n")
            if line.lower().startswith("location:")
        ),
        "",
    )
    return "/shop/orders/DH" in location


def _target_from_orm(units: int):
    from products import stock
    from products.models import ProductVariant
    from products.reference import Commune

    variant = (
        ProductVariant.objects.filter(page__live=True, page__producer__isnull=False)
        .select_related("page")
        .order_by("sku")
        .first()
    )
    held = stock.levels([variant.sku]).get(variant.sku)
    if held is not None and held.reserved:
        stock.release([(variant.sku, held.reserved)])
    stock.set_on_hand(variant.sku, units, reason="bench")
    return {
        "sku": variant.sku,
        "producer": variant.page.producer_id,
        "commune": Commune.objects.filter(province__code="01").order_by("pk").first().code,
    }


# As in production (docs/deploy.md): the buyer's and producer's e-mails and the index update
# are queued for the worker, not run inside the final click.
PRODUCTION_TASKS = {"TASKS_BACKEND": "database"}


def order_post_cpu(bench, rounds: int = 20) -> None:
    """The final click in-process (Django test client, no HTTP): CPU ms of a placed order and
    of a sold-out answer, with the tasks queued as in production (median of `rounds`)."""
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from products import stock

    bench.queries_per_request("/shop/cart/")  # sets up Django in this process
    target = _target_from_orm(1_000_000)
    tasks = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    def ready_buyer():
        client = Client(HTTP_HOST="127.0.0.1")
        client.post("/shop/cart/add/", {"sku": target["sku"], "quantity": "1"})
        response = client.post("/shop/checkout/", checkout_form(target))
        if response.status_code != 302:
            raise RuntimeError(f"checkout form answered {response.status_code}")
        return client

    def click(client) -> tuple[float, int, str]:
        with CaptureQueriesContext(connection) as queries:
            started = time.process_time()
            response = client.post("/shop/checkout/review/", {})
            cpu = (time.process_time() - started) * 1000
        return cpu, len(queries), response.headers.get("Location", "")

    with override_settings(TASKS=tasks):
        figures = {}
        for outcome in ("placed", "sold out"):
            stock.set_on_hand(target["sku"], 1_000_000, reason="bench")
            buyers = [ready_buyer() for _ in range(rounds + 3)]
            if outcome == "sold out":  # every unit held by orders being paid for
                held = stock.levels([target["sku"]])[target["sku"]].reserved
                stock.set_on_hand(target["sku"], held, reason="bench")
            runs = [click(b) for b in buyers]
            if outcome == "placed" and not all("/shop/orders/DH" in loc for *_, loc in runs):
                raise RuntimeError("an order was not placed")
            runs = runs[3:]  # warm-up
            key = outcome.replace(" ", "_")
            figures[f"{key}_cpu_ms"] = statistics.median(r[0] for r in runs)
            figures[f"{key}_sql"] = max(r[1] for r in runs)
    bench.report("order POST in-process", rounds=rounds, **figures)


def checkout(bench, target=None, base_url=None, name="shop checkout flow") -> dict:
    """CHECKOUT_BUYERS buyers, CHECKOUT_CONCURRENCY at a time: cart, address, review, order."""
    bench.queries_per_request("/shop/cart/")  # sets up Django in this process
    target = target or _target_from_orm(100_000)
    base_url = base_url or bench.base_url
    flows, places, errors = [], [], 0
    lock = threading.Lock()

    def one(_i):
        nonlocal errors
        buyer = Buyer(base_url)
        t0 = time.perf_counter()
        try:
            buyer.prepare(target)
            t1 = time.perf_counter()
            ok = buyer.place()
        except Exception:  # noqa: BLE001 - counted
            ok, t1 = False, time.perf_counter()
        t2 = time.perf_counter()
        with lock:
            flows.append(t2 - t0)
            places.append(t2 - t1)
            errors += 0 if ok else 1

    started = time.perf_counter()
    with ThreadPoolExecutor(CHECKOUT_CONCURRENCY) as pool:
        list(pool.map(one, range(CHECKOUT_BUYERS)))
    wall = time.perf_counter() - started
    figures = dict(
        buyers=CHECKOUT_BUYERS,
        concurrency=CHECKOUT_CONCURRENCY,
        orders_per_s=(CHECKOUT_BUYERS - errors) / wall,
        flow_p50_ms=percentile(flows, 0.5) * 1000,
        flow_p95_ms=percentile(flows, 0.95) * 1000,
        place_p95_ms=percentile(places, 0.95) * 1000,
        errors=errors,
    )
    bench.report(name, **figures)
    return figures


def _pg_state(url, sku):
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://")) as conn:
        orders = conn.execute(
            "SELECT count(DISTINCT order_id), coalesce(sum(quantity), 0) "
            "FROM shop_orderline WHERE sku = %s",
            [sku],
        ).fetchone()
        stock = conn.execute(
            "SELECT on_hand, reserved FROM products_stockitem WHERE sku = %s", [sku]
        ).fetchone()
    return orders, stock


def _pg_target(url):
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://")) as conn:
        sku, producer = conn.execute(
            "SELECT v.sku, p.producer_id FROM products_productvariant v "
            "JOIN products_productpage p ON p.page_ptr_id = v.page_id "
            "JOIN wagtailcore_page w ON w.id = p.page_ptr_id "
            "WHERE w.live AND p.producer_id IS NOT NULL ORDER BY v.sku LIMIT 1"
        ).fetchone()
        commune = conn.execute(
            "SELECT min(c.code) FROM products_commune c JOIN products_province p "
            "ON p.id = c.province_id WHERE p.code = '01'"
        ).fetchone()[0]
        conn.execute("DELETE FROM shop_orderline WHERE sku = %s", [sku])
        conn.execute(
            "UPDATE products_stockitem SET on_hand = %s, reserved = 0 WHERE sku = %s",
            [CONTENTION_UNITS, sku],
        )
    return {"sku": sku, "producer": producer, "commune": commune}


def contention(bench) -> None:
    url = bench.postgres_url("ocop_bench_shop")
    if url is None:
        bench.report("shop contention", skipped="no PostgreSQL")
        return
    env = {**bench.env, "DATABASE_URL": url}
    bench.manage("migrate", "--noinput", "-v", "0", env=env)
    bench.manage("seed_demo", "--password", "bench", "--allow-production", env=env)
    # Served as in production (cms/gunicorn_conf.py: 2×CPU+1 sync workers, at most 8), so that
    # a worker waiting on PostgreSQL does not leave a core idle.
    workers = int(os.environ.get("BENCH_SHOP_WORKERS", min(2 * (os.cpu_count() or 1) + 1, 8)))
    base = bench.start_server({"DATABASE_URL": url, **PRODUCTION_TASKS}, workers=workers)
    target = _pg_target(url)

    buyers = [Buyer(base) for _ in range(CONTENTION_BUYERS)]
    with ThreadPoolExecutor(16) as pool:  # fill 200 carts (not measured)
        list(pool.map(lambda b: b.prepare(target), buyers))

    clicks = [final_click_bytes(b) for b in buyers]
    barrier = threading.Barrier(CONTENTION_BUYERS)
    latencies, outcomes = [], []
    lock = threading.Lock()

    def go(click):
        barrier.wait()
        t0 = time.perf_counter()
        try:
            outcome = "placed" if send_final_click(*click) else "sold out"
        except Exception as exc:  # noqa: BLE001
            outcome = f"error {type(exc).__name__}"
        with lock:
            latencies.append(time.perf_counter() - t0)
            outcomes.append(outcome)

    threads = [threading.Thread(target=go, args=(c,)) for c in clicks]
    cpu_before = process_cpu_seconds(bench.server_pid)
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    server_cpu_ms = (process_cpu_seconds(bench.server_pid) - cpu_before) * 1000
    (orders, units), (on_hand, reserved) = _pg_state(url, target["sku"])
    bench.report(
        "shop contention (PostgreSQL)",
        buyers=CONTENTION_BUYERS,
        units=CONTENTION_UNITS,
        workers=workers,
        orders_placed=orders,
        units_sold=units,
        final_available=on_hand - reserved,
        on_hand=on_hand,
        reserved=reserved,
        sold_out_answers=outcomes.count("sold out"),
        errors=sum(1 for o in outcomes if o.startswith("error")),
        p50_ms=statistics.median(latencies) * 1000,
        p95_ms=percentile(latencies, 0.95) * 1000,
        server_cpu_ms_per_req=server_cpu_ms / CONTENTION_BUYERS,
    )
    if units > CONTENTION_UNITS or on_hand - reserved < 0:
        raise AssertionError("OVERSOLD")


def run(bench) -> None:
    checkout(bench)
    order_post_cpu(bench)
    contention(bench)
