"""Benchmark harness: a seeded database of its own, the production server, and load figures.

Scenarios live in `bench/scenario_*.py`; each defines `run(bench)` and may set `EXTRA_PRODUCTS`.
"""

import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PY = sys.executable
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its children (a gunicorn master and its
    workers), from /proc/<pid>/stat (fields 14 and 15, in clock ticks). 0 if it is gone."""
    total = 0.0
    for one in [pid, *_children(pid)]:
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return total


def _children(pid: int) -> list[int]:
    """Child processes, recursively (by their parent id in /proc/<n>/stat)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if parent == pid:
            found.append(int(entry.name))
    return found + [g for c in found for g in _children(c)]


def free_redis(port: int) -> subprocess.Popen | None:
    """A throw-away Redis on the loopback (no persistence), when redis-server is installed."""
    import shutil

    binary = shutil.which("redis-server")
    if not binary:
        return None
    server = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.time() + 10
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return server
        time.sleep(0.1)
    server.kill()
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


class Bench:
    def __init__(self, database_url: str | None = None):
        OUT.mkdir(parents=True, exist_ok=True)
        self.database_url = database_url or f"sqlite:///{OUT / 'bench.sqlite3'}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cms.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DEBUG": "0",
            "DATABASE_URL": self.database_url,
            "MEDIA_ROOT": str(OUT / "media"),
            "STATIC_ROOT": str(OUT / "static"),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_COOKIES": "0",
            "SECURE_SSL_REDIRECT": "0",  # plain HTTP on the loopback
            "EMAIL_BACKEND": "dummy",  # production refuses the console backend
            "LOG_LEVEL": "ERROR",
            "VIETQR_ACCOUNT": "1903123456789",  # production settings refuse the demo account
            "BANK_WEBHOOK_API_KEY": secrets.token_urlsafe(24),
        }
        self._servers: list[subprocess.Popen] = []
        self.base_url = ""
        self.server_pid: int | None = None
        self.options: dict = {}  # bench/run.py's command-line options
        self._client = None
        # A shared cache (Redis), so that the page cache is on as in production
        # (BENCH_REDIS=0: the per-process cache, page cache off).
        self.redis = None
        if os.environ.get("BENCH_REDIS", "1") != "0" and not os.environ.get("REDIS_URL"):
            port = free_port()
            self.redis = free_redis(port)
            if self.redis is not None:
                self.env["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
                self._servers.append(self.redis)

    # --- setup -----------------------------------------------------------------------------
    def manage(self, *args: str, env: dict | None = None) -> None:
        subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env or self.env, check=True)

    def prepare(self, extra_products: int) -> None:
        started = time.perf_counter()
        self.manage("migrate", "--noinput", "-v", "0")
        self.manage(
            "seed_demo",
            "--extra-products",
            str(extra_products),
            "--password",
            "bench",
            "--allow-production",
        )
        self.manage("collectstatic", "--noinput", "-v", "0")
        self.report("setup", extra_products=extra_products, seconds=time.perf_counter() - started)

    def start_server(self, env_overrides: dict | None = None, workers: int = 2) -> str:
        port = free_port()
        env = {**self.env, **(env_overrides or {})}
        server = subprocess.Popen(
            [
                str(Path(PY).parent / "gunicorn"),
                "cms.wsgi:application",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        self._servers.append(server)
        self.server_pid = server.pid
        url = f"http://127.0.0.1:{port}"
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(url + "/", timeout=5).read()
                return url
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if server.poll() is not None:
                    raise RuntimeError("gunicorn exited during start-up") from None
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def stop(self) -> None:
        for server in self._servers:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGTERM)
                try:
                    server.wait(10)
                except subprocess.TimeoutExpired:
                    os.killpg(server.pid, signal.SIGKILL)

    def postgres_url(self, dbname: str) -> str | None:
        """A fresh PostgreSQL database on the local server, or None if none is reachable."""
        try:
            import psycopg

            with psycopg.connect(
                "postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True, connect_timeout=3
            ) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{dbname}"')
                conn.execute(f'CREATE DATABASE "{dbname}"')
        except Exception as exc:  # noqa: BLE001 - any failure means "no PostgreSQL here"
            print(f"  (PostgreSQL unavailable: {exc})")
            return None
        return f"postgres://postgres@127.0.0.1:5432/{dbname}"

    # --- measuring -------------------------------------------------------------------------
    def setup_django(self):
        """Configure Django in this process against the bench database (idempotent)."""
        return self._django_client()

    def _django_client(self):
        if self._client is None:
            os.environ.update(self.env)  # the same settings as the served site
            sys.path.insert(0, str(ROOT))
            import django

            django.setup()
            from django.test import Client

            self._client = Client(HTTP_HOST="127.0.0.1")
        return self._client

    def queries_per_request(self, path: str) -> int:
        """Queries of the render path (the marker cookie bypasses the page cache)."""
        client = self._django_client()
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client.cookies["ocop_auth"] = "1"
        client.get(path)  # warm caches
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        if response.status_code >= 400:
            raise RuntimeError(f"{path} answered {response.status_code}")
        return len(ctx.captured_queries)

    def http_load(
        self,
        name,
        paths,
        requests=300,
        concurrency=8,
        method="GET",
        data=None,
        *,
        base_url=None,
        cookie=None,
        cpu_pid="server",
        sql=True,
        warm=True,
    ):
        """Load `paths` (cycled) with `concurrency` threads. Figures: req/s, latency, server
        CPU per request (CPU time of `cpu_pid` and its children over the run — the served
        site's gunicorn by default; None: not measured), how many answers said
        `X-Page-Cache: hit` / `miss`, and the render path's SQL per request."""
        paths = list(paths)
        base = self.base_url if base_url is None else base_url
        urls = [base + p for p in paths]
        headers = {"Cookie": cookie} if cookie else {}
        pid = self.server_pid if cpu_pid == "server" else cpu_pid
        if warm:
            for url in urls[: min(len(urls), 50)]:  # warm up (renditions, caches)
                urllib.request.urlopen(
                    urllib.request.Request(url, headers=headers), timeout=60
                ).read()
        latencies: list[float] = []
        errors = 0
        cache_states: dict[str, int] = {}
        lock = threading.Lock()
        body = urllib.parse.urlencode(data).encode() if data else None

        def one(i: int) -> None:
            nonlocal errors
            request = urllib.request.Request(
                urls[i % len(urls)], data=body, method=method, headers=headers
            )
            t0 = time.perf_counter()
            state = "-"
            try:
                with urllib.request.urlopen(request, timeout=60) as answer:
                    answer.read()
                    state = answer.headers.get("X-Page-Cache") or "-"
                ok = True
            except Exception:  # noqa: BLE001 - counted as an error
                ok = False
            elapsed = time.perf_counter() - t0
            with lock:
                latencies.append(elapsed)
                errors += 0 if ok else 1
                cache_states[state] = cache_states.get(state, 0) + 1

        cpu_before = process_cpu_seconds(pid) if pid else None
        started = time.perf_counter()
        with ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(one, range(requests)))
        wall = time.perf_counter() - started
        figures = {
            "requests": requests,
            "concurrency": concurrency,
            "rps": requests / wall,
            "p50_ms": percentile(latencies, 0.50) * 1000,
            "p95_ms": percentile(latencies, 0.95) * 1000,
            "mean_ms": statistics.fmean(latencies) * 1000,
            "errors": errors,
        }
        if pid:
            figures["cpu_ms_per_req"] = (process_cpu_seconds(pid) - cpu_before) * 1000 / requests
        figures["cache"] = ",".join(f"{k}:{v}" for k, v in sorted(cache_states.items()))
        if sql and base == self.base_url and method == "GET" and paths and paths[0].startswith("/"):
            try:
                figures["sql_per_req"] = self.queries_per_request(paths[0])
            except Exception as exc:  # noqa: BLE001
                figures["sql_per_req"] = f"n/a ({exc})"
        self.report(name, **figures)
        return figures

    def after_purge(self, name: str, path: str, rounds: int = 20, tags=("site",)) -> dict:
        """The first request after a purge, `rounds` times, one at a time: each round purges
        `tags` (as a publish does) and fetches `path` once — a page-cache miss that renders
        the header and footer again; cards stay cached (their keys are their content)."""
        self.setup_django()
        from cms import cache

        urllib.request.urlopen(self.base_url + path, timeout=60).read()  # renditions exist
        latencies, states = [], {}
        before = process_cpu_seconds(self.server_pid)  # the server is idle between requests
        for _ in range(rounds):
            cache.purge(*tags)
            t0 = time.perf_counter()
            with urllib.request.urlopen(self.base_url + path, timeout=60) as answer:
                answer.read()
                state = answer.headers.get("X-Page-Cache") or "-"
            latencies.append(time.perf_counter() - t0)
            states[state] = states.get(state, 0) + 1
        cpu = process_cpu_seconds(self.server_pid) - before
        figures = {
            "rounds": rounds,
            "p50_ms": percentile(latencies, 0.50) * 1000,
            "mean_ms": statistics.fmean(latencies) * 1000,
            "cpu_ms_per_req": cpu * 1000 / rounds,
            "cache": ",".join(f"{k}:{v}" for k, v in sorted(states.items())),
        }
        self.report(name, **figures)
        return figures

    def report(self, name: str, **figures) -> None:
        parts = []
        for key, value in figures.items():
            shown = f"{value:.1f}" if isinstance(value, float) else str(value)
            parts.append(f"{key}={shown}")
        print(f"{name:<28} " + "  ".join(parts), flush=True)
