"""The render path in-process: CPU-ms per page (median), without HTTP or a load generator.

Runs against a bench database seeded by `bench/run.py` (bench/out/bench-<N>.sqlite3) with the
production settings, the page cache bypassed by the `ocop_auth` marker cookie (chrome and cards
cached after the first request), and either a throw-away Redis as in production (default) or the
per-process cache (`--locmem`). `--profile PAGE` prints a cProfile of that page instead.

  .venv/bin/python bench/inprocess.py --extra-products 0
  .venv/bin/python bench/inprocess.py --extra-products 0 --profile listing --sort tottime
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import OUT, Bench  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extra-products", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--locmem", action="store_true", help="per-process cache, no Redis")
    parser.add_argument("--profile", default="", help="a page name: print its cProfile")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--limit", type=int, default=60)
    parser.add_argument(
        "--gunicorn", action="store_true", help="serial requests to gunicorn, its CPU per request"
    )
    parser.add_argument(
        "--wsgi", action="store_true", help="call the WSGI application (as gunicorn does)"
    )
    parser.add_argument(
        "--code-root",
        default="",
        help="with --gunicorn: serve the code of this checkout (e.g. an older commit exported)",
    )
    parser.add_argument("--dump", default="", help="write the profile to this file")
    parser.add_argument("--only", default="", help="page names, comma-separated")
    args = parser.parse_args(argv)

    if args.locmem:
        os.environ["BENCH_REDIS"] = "0"
        os.environ["PAGE_CACHE_LOCAL"] = "1"
    database = OUT / f"bench-{args.extra_products}.sqlite3"
    if not database.exists():
        print(f"{database} is missing: run bench/run.py --extra-products {args.extra_products}")
        return 1
    bench = Bench(f"sqlite:///{database}")
    if args.locmem:
        bench.env["PAGE_CACHE_LOCAL"] = "1"
    try:
        from bench import scenario_pages

        paths = scenario_pages._paths(bench)
        client = bench.setup_django()

        def get(path):
            # The marker cookie on every request: the answer deletes it (not logged in).
            client.cookies["ocop_auth"] = "1"
            return client.get(path)

        if args.wsgi:
            get = _wsgi_get()

        names = [n for n in paths if n != "static" and paths[n]]
        if args.only:
            names = [n for n in names if n in args.only.split(",")]
        if args.gunicorn:
            if args.code_root:
                from bench import harness

                harness.ROOT = Path(args.code_root).resolve()  # gunicorn's working directory
            return _served(bench, paths, names, args.rounds * 5)
        for name in names:
            path = paths[name][0]
            for _ in range(3):  # route, chrome, cards, renditions
                response = get(path)
                assert response.status_code == 200, (path, response.status_code)
            if args.profile == name:
                profiler = cProfile.Profile()
                profiler.enable()
                for _ in range(args.rounds):
                    get(path)
                profiler.disable()
                if args.dump:
                    profiler.dump_stats(args.dump)
                stats = pstats.Stats(profiler).strip_dirs().sort_stats(args.sort)
                stats.print_stats(args.limit)
                continue
            if args.profile:
                continue
            times = []
            for _ in range(args.rounds):
                started = time.process_time()
                get(path)
                times.append((time.process_time() - started) * 1000)
            print(
                f"{name:<10} median {statistics.median(times):5.1f} CPU-ms"
                f"  min {min(times):5.1f}  ({path})",
                flush=True,
            )
    finally:
        bench.stop()
    return 0


class _Answer:
    def __init__(self, status: str):
        self.status_code = int(status.split()[0])


def _wsgi_get():
    """Requests through the site's WSGI application, as gunicorn makes them (request_started
    and request_finished fire: database connections are closed unless kept)."""
    import io

    from cms.wsgi import application

    def get(path):
        base, _, query = path.partition("?")
        environ = {
            "REQUEST_METHOD": "GET",
            "SCRIPT_NAME": "",
            "PATH_INFO": base,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_COOKIE": "ocop_auth=1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": io.StringIO(),
            "wsgi.version": (1, 0),
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        status = []
        body = application(environ, lambda s, h, e=None: status.append(s))
        try:
            b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        return _Answer(status[0])

    return get


def _served(bench, paths, names, rounds) -> int:
    """One request at a time to gunicorn (2 workers), its CPU (master + workers) per request."""
    import urllib.request

    from bench.harness import process_cpu_seconds

    bench.base_url = bench.start_server()
    headers = {"Cookie": "ocop_auth=1"}
    for name in names:
        url = bench.base_url + paths[name][0]

        def get(url=url):
            request = urllib.request.Request(url, headers=headers)
            with urllib.request.urlopen(request, timeout=60) as answer:
                answer.read()

        for _ in range(10):
            get()
        before = process_cpu_seconds(bench.server_pid)
        for _ in range(rounds):
            get()
        cpu = (process_cpu_seconds(bench.server_pid) - before) * 1000 / rounds
        print(f"{name:<10} gunicorn {cpu:5.1f} CPU-ms per request ({rounds} serial)", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
