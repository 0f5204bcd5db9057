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
        self._client = None

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
        client = self._django_client()
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client.get(path)  # warm caches
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        if response.status_code >= 400:
            raise RuntimeError(f"{path} answered {response.status_code}")
        return len(ctx.captured_queries)

    def http_load(self, name, paths, requests=300, concurrency=8, method="GET", data=None):
        paths = list(paths)
        urls = [self.base_url + p for p in paths]
        for url in urls[: min(len(urls), 50)]:  # warm up (renditions, caches)
            urllib.request.urlopen(url, timeout=60).read()
        latencies: list[float] = []
        errors = 0
        lock = threading.Lock()
        body = urllib.parse.urlencode(data).encode() if data else None

        def one(i: int) -> None:
            nonlocal errors
            request = urllib.request.Request(urls[i % len(urls)], data=body, method=method)
            t0 = time.perf_counter()
            try:
                urllib.request.urlopen(request, timeout=60).read()
                ok = True
            except Exception:  # noqa: BLE001 - counted as an error
                ok = False
            elapsed = time.perf_counter() - t0
            with lock:
                latencies.append(elapsed)
                errors += 0 if ok else 1

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
        if method == "GET" and paths and paths[0].startswith("/"):
            try:
                figures["sql_per_req"] = self.queries_per_request(paths[0])
            except Exception as exc:  # noqa: BLE001
                figures["sql_per_req"] = f"n/a ({exc})"
        self.report(name, **figures)
        return figures

    def report(self, name: str, **figures) -> None:
        parts = []
        for key, value in figures.items():
            shown = f"{value:.1f}" if isinstance(value, float) else str(value)
            parts.append(f"{key}={shown}")
        print(f"{name:<28} " + "  ".join(parts), flush=True)
