"""Pages with a map, on a phone screen (412 px, 1.75 device pixels per CSS pixel, Lighthouse's
mobile preset), with the tile server out of reach: the tourism-site, producer and map pages log
no console error at all (their tiles come through the site's relay, which answers 204 —
tours/tilerelay.py), the small map is drawn (it has a height on every page that shows it), and
the pictures that Lighthouse measures for density are sharp: the producer's logo offers a 2×
rendition and the browser takes it, the small map's pin is Leaflet's 2× picture and has no
shadow picture (Leaflet ships none in 2×)."""

import pytest

from tests.browser import offline_phone, requires_chromium, seed_live_demo, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), requires_chromium]


@pytest.fixture
def phone(live_server):
    with offline_phone(live_server.url, width=412, height=823, device_scale_factor=1.75) as page:
        page.tiles = []
        page.on(
            "response",
            lambda r: page.tiles.append(r.status) if "/ban-do/o/" in r.url else None,
        )
        yield page


def _wait_for_tiles(page) -> None:
    """Until the small map has asked for its tiles and each has failed (a 204 each)."""
    page.locator(".mini-map").scroll_into_view_if_needed()
    wait_until(page, "document.querySelector('.mini-map .leaflet-tile-pane') !== null")
    wait_until(
        page,
        "document.querySelectorAll('.mini-map img.leaflet-tile').length > 0 && "
        "Array.from(document.querySelectorAll('.mini-map img.leaflet-tile'))"
        ".every(t => t.complete)",
    )
    page.wait_for_timeout(300)


def _shown(image) -> dict:
    """The picture the browser chose, its width on screen (CSS px) and in its file (pixels:
    naturalWidth is divided by the srcset density, so the file is decoded again on its own)."""
    return image.evaluate(
        """async img => {
          const file = new Image();
          file.src = img.currentSrc;
          await file.decode();
          return {src: img.currentSrc, css: img.getBoundingClientRect().width,
                  pixels: file.naturalWidth};
        }"""
    )


def test_site_producer_and_map_pages_log_no_error_when_tiles_are_unreachable(phone, demo_password):
    seed_live_demo(demo_password)
    from products.models import ProducerPage
    from tours.models import TourSitePage

    page = phone
    site = TourSitePage.objects.live().exclude(latitude=None).first()
    producer = ProducerPage.objects.live().exclude(latitude=None).exclude(logo=None).first()
    for url in (site.url, producer.url):
        page.goto(url)
        _wait_for_tiles(page)
        box = page.locator(".mini-map").bounding_box()
        assert box["height"] >= 200 and box["width"] > 300, url  # drawn, not 0 px high
        assert page.problems == [], (url, page.problems)
    page.goto("/ban-do/")
    wait_until(page, "window.tourMap !== undefined && window.tourMap.isOffline()")
    page.wait_for_timeout(300)
    assert page.problems == [], page.problems
    # The maps did ask for tiles (through the relay), and each was refused quietly.
    assert page.tiles and set(page.tiles) == {204}


def test_producer_logo_and_map_pin_are_sharp_on_a_dense_screen(phone, demo_password):
    seed_live_demo(demo_password)
    from products.models import ProducerPage

    page = phone
    producer = ProducerPage.objects.live().exclude(latitude=None).exclude(logo=None).first()
    page.goto(producer.url)
    logo = page.locator(".producer header img").first
    srcset = logo.get_attribute("srcset")
    assert "120w" in srcset and "240w" in srcset, srcset
    wait_until(page, "document.querySelector('.producer header img').complete")
    shown = _shown(logo)
    # 120 CSS px at 1.75 device pixels each: the 240 px rendition, not the 120 px one.
    assert "fill-240x240" in shown["src"], shown
    assert shown["pixels"] >= 1.75 * shown["css"], shown

    _wait_for_tiles(page)
    pins = page.locator(".mini-map img.leaflet-marker-icon")
    assert pins.count() >= 1
    wait_until(page, "document.querySelector('.mini-map img.leaflet-marker-icon').complete")
    pin = _shown(pins.first)
    assert "marker-icon-2x" in pin["src"] and pin["pixels"] >= 1.75 * pin["css"], pin
    assert page.locator(".mini-map img.leaflet-marker-shadow").count() == 0
