"""`make bench`: seed a separate database, serve it with gunicorn, run every scenario.

Options (or the environment variables in brackets):

  --extra-products N   synthetic products on top of the 49 curated ones [BENCH_EXTRA_PRODUCTS];
                       each size gets its own database (bench/out/bench-N.sqlite3)
  --only a,b           scenarios to run [BENCH_ONLY], e.g. pages,catalogue
  --requests N         requests per load run in the pages scenario [BENCH_REQUESTS] (default 200)
  --compare-url URL    a second site measured side by side in the pages scenario
  --compare-map K=P,…  its path for each page (home, listing, filtered, product, producer, tour,
                       static); unmapped pages use the same path as here
  --compare-pid PID    that site's server process (master), to report its CPU per request
  --database-url URL   [BENCH_DATABASE_URL]; BENCH_REDIS=0 runs without the shared cache
  --skip-setup         use the database as it is (no migrate, seed or collectstatic): a second
                       run at 10,000 products without seeding again

Examples: `make bench`, `.venv/bin/python bench/run.py --only pages --extra-products 10000`,
`.venv/bin/python bench/run.py --only pages --compare-url http://127.0.0.1:8001
 --compare-map listing=/products/,product=/products/tea/`.
"""

import argparse
import importlib
import os
import sys
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import OUT, Bench  # noqa: E402


def scenarios(only: set[str]):
    for path in sorted((ROOT / "bench").glob("scenario_*.py")):
        name = path.stem.removeprefix("scenario_")
        if not only or name in only:
            yield name, importlib.import_module(f"bench.{path.stem}")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Load figures against the production server.")
    parser.add_argument("--extra-products", type=int, default=None)
    parser.add_argument("--only", default=os.environ.get("BENCH_ONLY", ""))
    parser.add_argument("--requests", type=int, default=int(os.environ.get("BENCH_REQUESTS", 200)))
    parser.add_argument("--compare-url", default="")
    parser.add_argument("--compare-map", default="")
    parser.add_argument("--compare-pid", type=int, default=None)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--skip-setup", action="store_true")
    args = parser.parse_args(argv)
    args.compare_paths = dict(
        item.split("=", 1) for item in args.compare_map.split(",") if "=" in item
    )
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    modules = list(scenarios(only))
    extra = args.extra_products
    if extra is None:
        extra = int(
            os.environ.get("BENCH_EXTRA_PRODUCTS")
            or max([getattr(m, "EXTRA_PRODUCTS", 0) for _, m in modules] + [2000])
        )
    OUT.mkdir(parents=True, exist_ok=True)
    bench = Bench(args.database_url or f"sqlite:///{OUT / f'bench-{extra}.sqlite3'}")
    bench.options = vars(args) | {"extra_products": extra}
    failures = 0
    try:
        if not args.skip_setup:
            bench.prepare(extra)
        bench.base_url = bench.start_server()
        cache = "Redis (page cache on)" if bench.redis else "per-process (page cache off)"
        print(f"server: {bench.base_url} (gunicorn, 2 workers, DEBUG off, whitenoise, {cache})")
        for name, module in modules:
            print(f"--- {name}")
            try:
                module.run(bench)
            except Exception:  # noqa: BLE001 - report and go on with the other scenarios
                failures += 1
                traceback.print_exc()
    finally:
        bench.stop()
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
