"""Map tiles through the site (tours/tilerelay.py): cached, a quiet 204 when the tile server is
out of reach, only real tile numbers, and the pages' maps ask the relay, not the tile server."""

import http.server
import json
import threading

import pytest
from django.core.cache import caches

from products.models import ProducerPage
from tours import tilerelay
from tours.models import TourSitePage

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)

pytestmark = pytest.mark.django_db


def _map_data(html: str) -> dict:
    marker = '<script id="map-data" type="application/json">'
    return json.loads(html.split(marker)[1].split("</script>")[0])


@pytest.fixture
def tile_server(settings):
    """A local tile server: /<z>/<x>/<y>.png is a PNG, /html/… answers a web page. It records
    the paths and User-Agents it was asked."""
    asked = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):  # noqa: N802 - http.server's naming
            asked.append((self.path, self.headers.get("User-Agent")))
            html = self.path.startswith("/html/")
            body = b"<html>rate limited</html>" if html else PNG
            self.send_response(200)
            self.send_header("Content-Type", "text/html" if html else "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.MAP_TILE_URL = f"http://127.0.0.1:{server.server_address[1]}/{{z}}/{{x}}/{{y}}.png"
    yield server, asked
    server.shutdown()
    server.server_close()


def test_a_tile_is_fetched_once_then_served_from_the_cache(client, tile_server, settings):
    _server, asked = tile_server
    first = client.get("/ban-do/o/9/406/225.png")
    assert first.status_code == 200
    assert first["Content-Type"] == "image/png" and first.content == PNG
    assert "public" in first["Cache-Control"] and "max-age=604800" in first["Cache-Control"]
    assert not first.cookies  # shareable by any cache on the way
    again = client.get("/ban-do/o/9/406/225.png")
    assert again.status_code == 200 and again.content == PNG
    assert [path for path, _ua in asked] == ["/9/406/225.png"]
    assert asked[0][1] == settings.MAP_TILE_USER_AGENT


def test_an_unreachable_tile_server_gives_a_quiet_204_and_is_not_asked_again_at_once(
    client, settings, monkeypatch
):
    settings.MAP_TILE_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"  # nothing listens there
    calls = []
    real_fetch = tilerelay.fetch
    monkeypatch.setattr(tilerelay, "fetch", lambda url: calls.append(url) or real_fetch(url))
    response = client.get("/ban-do/o/14/13011/7215.png")
    assert response.status_code == 204 and response.content == b""
    assert "no-store" in response["Cache-Control"]
    # The other tiles of the page: answered at once, the tile server is known to be down.
    for x in (13012, 13013, 13014):
        assert client.get(f"/ban-do/o/14/{x}/7215.png").status_code == 204
    assert len(calls) == 1


def test_a_web_page_instead_of_a_picture_is_not_relayed(client, tile_server, settings):
    server, _asked = tile_server
    settings.MAP_TILE_URL = f"http://127.0.0.1:{server.server_address[1]}/html/{{z}}/{{x}}/{{y}}"
    assert client.get("/ban-do/o/3/1/2.png").status_code == 204
    assert caches["default"].get("maptile:3:1:2") is None


@pytest.mark.parametrize(
    "path", ["/ban-do/o/20/0/0.png", "/ban-do/o/2/4/0.png", "/ban-do/o/2/0/4.png"]
)
def test_only_tiles_that_exist_are_relayed(client, tile_server, path):
    _server, asked = tile_server
    assert client.get(path).status_code == 404
    assert asked == []


def test_the_relay_can_be_turned_off(client, tile_server, settings):
    settings.MAP_TILE_RELAY = False
    assert client.get("/ban-do/o/1/0/0.png").status_code == 404
    assert _map_data(client.get("/ban-do/").content.decode())["tileUrl"] == settings.MAP_TILE_URL


def test_every_map_asks_the_relay(client, settings):
    assert (
        _map_data(client.get("/ban-do/").content.decode())["tileUrl"] == "/ban-do/o/{z}/{x}/{y}.png"
    )
    for page in (TourSitePage.objects.live().first(), ProducerPage.objects.live().first()):
        page_html = client.get(page.url).content.decode()
        assert 'data-tile-url="/ban-do/o/{z}/{x}/{y}.png"' in page_html, page.url
        assert settings.MAP_TILE_URL not in page_html, page.url


def test_close_up_tiles_are_relayed_only_around_hanoi(client, tile_server):
    """From zoom 9 on, a tile far from Hà Nội is answered 204 without asking the tile server
    (the relay is not a way to copy the world's tiles); the whole world at low zoom is fine."""
    _server, asked = tile_server
    hanoi = client.get("/ban-do/o/15/26018/14425.png")  # Hoàn Kiếm, 21.03 N 105.85 E
    paris = client.get("/ban-do/o/15/16597/11274.png")
    world = client.get("/ban-do/o/3/2/3.png")
    assert hanoi.status_code == 200 and world.status_code == 200
    assert paris.status_code == 204 and not paris.content
    assert [path for path, _ua in asked] == ["/15/26018/14425.png", "/3/2/3.png"]
    assert tilerelay.in_area(9, 406, 225) and not tilerelay.in_area(9, 259, 176)
