"""Map tiles through the site itself: `/ban-do/o/<z>/<x>/<y>.png` (MAP_TILE_RELAY, on by default).

Leaflet asks this site for its tiles instead of the tile server (MAP_TILE_URL). The relay keeps
each tile in Django's cache for a week (what OpenStreetMap's tile usage policy asks of a
service that shows its tiles: cache, and send a User-Agent that names the site), and:

- the visitor's browser talks to no third party (its address and the pages it looks at stay
  with this site), and the CSP's img-src is 'self' alone;
- when the tile server cannot be reached the answer is a quiet "204 No Content" (not cached):
  the browser counts it a failed tile with no "Failed to load resource" error in the console,
  and the map draws its offline background (cms/static/js/map.js) as before. A failure is
  remembered for DOWN_SECONDS, so the other tiles of the page are answered at once instead of
  each waiting for the timeout.

Only tile numbers that exist are relayed (0 ≤ z ≤ MAX_ZOOM, 0 ≤ x, y < 2^z), and from zoom 9 on
only around Hà Nội (AREA; elsewhere a quiet 204, nothing fetched); the URL asked for is always
MAP_TILE_URL filled with them, so the relay cannot be pointed anywhere else.
"""

import math
import random
import urllib.error
import urllib.request

from django.conf import settings
from django.core.cache import caches

MAX_ZOOM = 19
TILE_SECONDS = 7 * 24 * 3600  # kept in the cache, and in browsers (Cache-Control)
DOWN_SECONDS = 60
TIMEOUT = 4
MAX_BYTES = 512 * 1024
DOWN_KEY = "maptile:down"
PATH = "/ban-do/o/{z}/{x}/{y}.png"


def enabled() -> bool:
    return bool(getattr(settings, "MAP_TILE_RELAY", True))


def valid(z: int, x: int, y: int) -> bool:
    return 0 <= z <= MAX_ZOOM and 0 <= x < 2**z and 0 <= y < 2**z


# The relay serves this site's maps, which show Hà Nội: from zoom OPEN_ZOOM on, only tiles that
# touch this box (Hà Nội with a wide margin: west, south, east, north in degrees) are fetched,
# so the relay cannot be used to copy the world's tiles through the site.
OPEN_ZOOM = 9
AREA = (104.8, 20.0, 106.8, 22.0)


def _tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    n = 2**z

    def lat(row: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return (x / n * 360 - 180, lat(y + 1), (x + 1) / n * 360 - 180, lat(y))


def in_area(z: int, x: int, y: int) -> bool:
    if z < OPEN_ZOOM:
        return True
    west, south, east, north = _tile_bounds(z, x, y)
    return west <= AREA[2] and east >= AREA[0] and south <= AREA[3] and north >= AREA[1]


def upstream_url(z: int, x: int, y: int) -> str:
    template = settings.MAP_TILE_URL
    return template.format(s=random.choice("abc"), z=z, x=x, y=y, r="")


def fetch(url: str) -> bytes | None:
    """The tile's bytes, or None when the tile server does not give a picture."""
    request = urllib.request.Request(
        url, headers={"User-Agent": getattr(settings, "MAP_TILE_USER_AGENT", "ocop-hanoi")}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            if response.status != 200:
                return None
            if not response.headers.get("Content-Type", "").startswith("image/"):
                return None
            data = response.read(MAX_BYTES + 1)
    except (urllib.error.URLError, OSError, ValueError):
        return None
    return data if 0 < len(data) <= MAX_BYTES else None


def tile(z: int, x: int, y: int) -> bytes | None:
    """The tile (from the cache, else from the tile server), or None: not a tile, or the tile
    server is unreachable (then every tile is None for DOWN_SECONDS)."""
    if not valid(z, x, y) or not in_area(z, x, y):
        return None
    cache = caches["default"]
    key = f"maptile:{z}:{x}:{y}"
    data = cache.get(key)
    if data is not None:
        return data
    if cache.get(DOWN_KEY):
        return None
    data = fetch(upstream_url(z, x, y))
    if data is None:
        cache.set(DOWN_KEY, True, DOWN_SECONDS)
        return None
    cache.set(key, data, TILE_SECONDS)
    return data
