"""`make bench`: seed a separate database, serve it with gunicorn, run every scenario.

Environment: BENCH_DATABASE_URL (default: bench/out/bench.sqlite3), BENCH_EXTRA_PRODUCTS
(override the number of synthetic products), BENCH_ONLY (comma-separated scenario names).
"""

import importlib
import os
import sys
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import Bench  # noqa: E402


def scenarios():
    only = {s.strip() for s in os.environ.get("BENCH_ONLY", "").split(",") if s.strip()}
    for path in sorted((ROOT / "bench").glob("scenario_*.py")):
        name = path.stem.removeprefix("scenario_")
        if not only or name in only:
            yield name, importlib.import_module(f"bench.{path.stem}")


def main() -> int:
    modules = list(scenarios())
    extra = int(
        os.environ.get("BENCH_EXTRA_PRODUCTS")
        or max([getattr(m, "EXTRA_PRODUCTS", 0) for _, m in modules] + [2000])
    )
    bench = Bench(os.environ.get("BENCH_DATABASE_URL"))
    failures = 0
    try:
        bench.prepare(extra)
        bench.base_url = bench.start_server()
        print(f"server: {bench.base_url} (gunicorn, 2 workers, DEBUG off, whitenoise)")
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
