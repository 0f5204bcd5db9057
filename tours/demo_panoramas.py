"""Procedural equirectangular panoramas for the demo tours (NumPy + Pillow, no downloads).

Each picture is a 2:1 scene: a sky gradient with a sun, distant hills, a ground plane, and a
ring of coloured "houses" along the horizon; compass letters at yaw 0/90/180/-90 help editors
check orientation. Same seed, same bytes.
"""

from __future__ import annotations

import hashlib
import io
import math

import numpy as np
from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 2048, 1024


def _rng(seed: str) -> np.random.Generator:
    return np.random.default_rng(int(hashlib.sha1(seed.encode()).hexdigest()[:12], 16))


def _x_for_yaw(yaw: float, width: int = WIDTH) -> int:
    return int(round((yaw + 180.0) / 360.0 * width)) % width


def render_panorama(
    seed: str, *, ground=(120, 140, 70), accent=(170, 70, 40), label: str = ""
) -> bytes:
    rng = _rng(seed)
    h, w = HEIGHT, WIDTH
    rows = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None]
    sky_top, sky_bottom = np.array([40, 90, 170]), np.array([200, 225, 245])
    sky = sky_top + (sky_bottom - sky_top) * (rows[: h // 2] * 2.0)[..., None]
    g = np.array(ground, dtype=np.float32)
    ground_rows = (rows[h // 2 :] - 0.5) * 2.0
    earth = g * (1.0 - 0.45 * ground_rows[..., None])
    img = np.concatenate(
        [np.broadcast_to(sky, (h // 2, w, 3)), np.broadcast_to(earth, (h - h // 2, w, 3))]
    )
    # Distant hills: a smooth random skyline just above the horizon.
    xs = np.arange(w)
    skyline = np.zeros(w, dtype=np.float32)
    for k in range(1, 6):
        phase = rng.uniform(0, 2 * math.pi)
        skyline += rng.uniform(4, 14) / k * np.sin(2 * math.pi * k * xs / w + phase)
    skyline = h // 2 - (24 + skyline).astype(int)
    yy = np.arange(h)[:, None]
    hills = (yy >= skyline[None, :]) & (yy < h // 2)
    img = np.where(hills[..., None], np.array([70, 110, 80], dtype=np.float32), img)
    picture = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(picture)
    # Sun.
    sx, sy = int(rng.uniform(0, w)), int(rng.uniform(h * 0.12, h * 0.3))
    draw.ellipse([sx - 28, sy - 28, sx + 28, sy + 28], fill=(255, 236, 160))
    # Houses along the horizon.
    for _ in range(14):
        cx = int(rng.uniform(0, w))
        bw, bh = int(rng.uniform(40, 110)), int(rng.uniform(40, 130))
        base = h // 2 + int(rng.uniform(6, 30))
        tone = tuple(int(c * rng.uniform(0.7, 1.15)) % 256 for c in accent)
        draw.rectangle([cx - bw // 2, base - bh, cx + bw // 2, base], fill=tone)
        draw.polygon(
            [
                (cx - bw // 2 - 8, base - bh),
                (cx, base - bh - bw // 2),
                (cx + bw // 2 + 8, base - bh),
            ],
            fill=(110, 50, 35),
        )
    font = ImageFont.load_default(size=36)
    for yaw, letter in ((0, "N"), (90, "E"), (180, "S"), (-90, "W")):
        x = _x_for_yaw(yaw)
        draw.text((x, h // 2 + 60), letter, fill=(255, 255, 255), font=font, anchor="mm")
    if label:
        draw.text(
            (_x_for_yaw(0), h // 2 - 150), label, fill=(255, 255, 255), font=font, anchor="mm"
        )
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=82)
    return out.getvalue()
