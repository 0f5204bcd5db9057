"""Tours: tiling an 8192×4096 panorama (time, peak memory) and bytes for a tour's first view.

* Tiling runs ``tours.tiles.build_tiles`` in a fresh subprocess and reads its peak resident
  memory (``ru_maxrss``) next to the baseline of the same interpreter with NumPy/Pillow loaded.
* First view: which tiles Pannellum 2.5 fetches for its first frame, from its own rules —
  level ``L`` is the lowest with ``canvasWidth <= tileResolution·2^(L-1)·tan(hfov/2)·0.707``
  (libpannellum ``drawMultiresScene``), and every tile of levels 1..L whose square the view
  frustum touches (rays sampled over the canvas) — against downloading the whole panorama.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Drawing-buffer sizes of the viewer (16:10): a 412-CSS-px phone at 2× and a desktop.
VIEWPORTS = {"phone 824×515": (824, 515), "desktop 1280×800": (1280, 800)}
HFOV = 100.0

MAKE_PANORAMA = r"""
import sys, numpy as np
from PIL import Image
w, h = 8192, 4096
rng = np.random.default_rng(7)
y = np.linspace(0, 1, h, dtype=np.float32)[:, None]
x = np.linspace(0, 1, w, dtype=np.float32)[None, :]
img = np.empty((h, w, 3), np.uint8)
for c, f in enumerate((3.0, 5.0, 7.0)):
    band = 127 + 100 * np.sin(2 * np.pi * (f * x + 2 * y)) * np.cos(2 * np.pi * f * y)
    img[..., c] = np.clip(band + rng.normal(0, 12, (h, w)), 0, 255)
Image.fromarray(img).save(sys.argv[1], quality=85)
"""

TILE = r"""
import json, resource, sys, time
import numpy, PIL.Image  # baseline includes the libraries
sys.path.insert(0, sys.argv[3])
from tours.tiles import build_tiles
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
config = build_tiles(sys.argv[1], sys.argv[2])
seconds = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "baseline_kb": base, "peak_kb": peak, "config": config}))
"""


def _direction(yaw, pitch):
    cp = math.cos(pitch)
    return (math.sin(yaw) * cp, math.sin(pitch), math.cos(yaw) * cp)


def _face_coords(x, y, z):
    """(face, a, b) with a, b in [-1, 1] (left→right, top→bottom), as tours.tiles lays faces."""
    ax, ay, az = abs(x), abs(y), abs(z)
    if az >= ax and az >= ay:
        return ("f", x / az, -y / az) if z > 0 else ("b", -x / az, -y / az)
    if ax >= ay:
        return ("r", -z / ax, -y / ax) if x > 0 else ("l", z / ax, -y / ax)
    return ("u", x / ay, z / ay) if y > 0 else ("d", x / ay, -z / ay)


def pannellum_level(config: dict, canvas_width: int, hfov_deg: float = HFOV) -> int:
    level = 1
    tan = math.tan(math.radians(hfov_deg) / 2)
    while level < config["maxLevel"] and canvas_width > (
        config["tileResolution"] * 2 ** (level - 1) * tan * 0.707
    ):
        level += 1
    return level


def visible_tiles(config, width, height, yaw=0.0, pitch=0.0, hfov_deg=HFOV, step=4):
    """{(level, face, row, col)} of tiles the first frame needs, levels 1..L."""
    level = pannellum_level(config, width, hfov_deg)
    tan_h = math.tan(math.radians(hfov_deg) / 2)
    tan_v = tan_h * height / width
    yaw_r, pitch_r = math.radians(yaw), math.radians(pitch)
    cy, sy, cp, sp = math.cos(yaw_r), math.sin(yaw_r), math.cos(pitch_r), math.sin(pitch_r)
    tiles = set()
    for py in range(0, height + 1, step):
        v = (1 - 2 * py / height) * tan_v
        for px in range(0, width + 1, step):
            u = (2 * px / width - 1) * tan_h
            x, y, z = u, v, 1.0
            y, z = y * cp + z * sp, -y * sp + z * cp  # pitch (look up is positive)
            x, z = x * cy + z * sy, -x * sy + z * cy  # yaw (clockwise from above)
            face, a, b = _face_coords(x, y, z)
            for lv in range(1, level + 1):
                size = config["cubeResolution"] // 2 ** (config["maxLevel"] - lv)
                tile = config["tileResolution"]
                col = min(int((a + 1) / 2 * size) // tile, math.ceil(size / tile) - 1)
                row = min(int((b + 1) / 2 * size) // tile, math.ceil(size / tile) - 1)
                tiles.add((lv, face, row, col))
    return level, tiles


def run(bench) -> None:
    env = bench.env
    with tempfile.TemporaryDirectory(prefix="bench-tours-") as tmp:
        source = Path(tmp) / "pano-8192.jpg"
        subprocess.run([sys.executable, "-c", MAKE_PANORAMA, str(source)], check=True, env=env)
        out = Path(tmp) / "tiles"
        result = subprocess.run(
            [sys.executable, "-c", TILE, str(source), str(out), str(ROOT)],
            check=True,
            env=env,
            capture_output=True,
            text=True,
        )
        figures = json.loads(result.stdout.strip().splitlines()[-1])
        config = figures["config"]
        all_tiles = [p for p in out.rglob("*.jpg") if p.parent.name.isdigit()]
        bench.report(
            "tiling 8192×4096",
            seconds=round(figures["seconds"], 2),
            peak_rss_mb=round(figures["peak_kb"] / 1024, 1),
            baseline_rss_mb=round(figures["baseline_kb"] / 1024, 1),
            tiler_extra_mb=round((figures["peak_kb"] - figures["baseline_kb"]) / 1024, 1),
            cube=config["cubeResolution"],
            levels=config["maxLevel"],
            tiles=len(all_tiles),
            tiles_total_kb=round(sum(p.stat().st_size for p in all_tiles) / 1024),
        )

        panorama_bytes = source.stat().st_size
        tour_page_bytes = _tour_page_bytes(bench)
        for name, (width, height) in VIEWPORTS.items():
            level, tiles = visible_tiles(config, width, height)
            tile_bytes = sum(
                (out / str(lv) / f"{face}{row}_{col}.jpg").stat().st_size
                for lv, face, row, col in tiles
            )
            first_view = tile_bytes + tour_page_bytes
            bench.report(
                f"first view {name}",
                level=level,
                tiles=len(tiles),
                tiles_kb=round(tile_bytes / 1024),
                page_and_config_kb=round(tour_page_bytes / 1024),
                first_view_kb=round(first_view / 1024),
                full_panorama_kb=round(panorama_bytes / 1024),
                ratio=f"{first_view / panorama_bytes:.0%}",
            )


def _tour_page_bytes(bench) -> int:
    """Bytes of a demo tour page (HTML with the embedded tour config), fetched from the server."""
    import urllib.request

    bench.queries_per_request("/")  # sets up Django in this process
    from tours.models import VirtualTourPage

    tour = VirtualTourPage.objects.live().order_by("path").first()
    if tour is None:
        return 0
    with urllib.request.urlopen(bench.base_url.rstrip("/") + tour.url) as response:
        return len(response.read())
