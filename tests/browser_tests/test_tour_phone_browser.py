"""A visitor takes a tour on a 360 px phone in a real Chromium (software WebGL): the page does not
scroll sideways, the viewer waits for a tap, hotspots are 44 px with one icon per kind and stand
still (no auto-rotate on a phone), scenes change by touch on the mini-map and by keyboard in the
list, and a product hotspot leads to the product."""

import os

import pytest

from tests.browser import requires_chromium, seed_live_demo, wait_until

from .test_tours_browser import webgl_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), requires_chromium]


@pytest.fixture
def phone(live_server):
    size = {"width": 360, "height": 740}
    with webgl_page(live_server, viewport=size, is_mobile=True, has_touch=True) as page:
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.errors = errors
        yield page


def _scene(page):
    return page.evaluate("document.querySelector('[data-tour]').dataset.currentScene || ''")


def test_tour_on_a_phone(phone, demo_password):
    from tours.models import Hotspot, TourSitePage, VirtualTourPage

    seed_live_demo(demo_password)
    site = TourSitePage.objects.get(title="Làng gốm Bát Tràng")
    tour = VirtualTourPage.objects.child_of(site).get()
    page = phone
    page.goto(tour.url)

    # Nothing scrolls sideways at 360 px, and the viewer has not started by itself.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    start = page.locator("[data-tour-start]")
    start.wait_for(state="visible")
    assert page.evaluate("window.pannellum === undefined")
    assert page.locator("#tour-viewer").is_hidden()
    assert page.locator("#tour-fallback-img").is_visible()
    assert start.bounding_box()["height"] >= 44

    # Touch: the mini-map moves to another scene even before the viewer runs.
    page.locator(".tour-minimap a[data-scene='lo-gom']").tap()
    wait_until(page, "document.querySelector('[data-tour]').dataset.currentScene === 'lo-gom'")
    assert page.locator(".tour-minimap a[data-scene='lo-gom']").get_attribute("class") == (
        "is-current"
    )

    start.tap()
    wait_until(page, "document.querySelector('[data-tour]').dataset.loadedScene === 'lo-gom'")
    assert page.locator("[data-tour]").get_attribute("data-viewer") == "pannellum"
    # No auto-rotate on a phone: hotspots stay where the finger expects them.
    assert not page.evaluate("window.tourViewer.getConfig().autoRotate")
    hotspots = page.locator(".pnlm-hotspot-base.tour-hotspot")
    hotspots.first.wait_for(state="visible")
    kinds = set()
    for i in range(hotspots.count()):
        box = hotspots.nth(i).bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44
        cls = hotspots.nth(i).get_attribute("class")
        kinds |= {k for k in ("scene", "info", "product") if f"tour-hotspot-{k}" in cls}
        image = hotspots.nth(i).evaluate("e => getComputedStyle(e).backgroundImage")
        assert "/static/tours/icons/" in image
    assert kinds == {"scene", "info", "product"}
    before = hotspots.first.bounding_box()
    page.wait_for_timeout(1200)
    after = hotspots.first.bounding_box()
    assert abs(before["x"] - after["x"]) < 1  # it does not drift
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # Keyboard: the scene list still drives the viewer.
    link = page.locator(".tour-scenes a[data-scene='cho-gom']")
    link.focus()
    page.keyboard.press("Enter")
    wait_until(page, "window.tourViewer.getScene() === 'cho-gom'")
    assert _scene(page) == "cho-gom"
    assert page.locator("#tour-status").inner_text() == "Đang xem: Chợ gốm"

    # Touch on a panorama hotspot: back to the kiln, then its product.
    page.locator(".tour-scenes a[data-scene='lo-gom']").tap()
    wait_until(page, "document.querySelector('[data-tour]').dataset.loadedScene === 'lo-gom'")
    product = Hotspot.objects.get(scene__page=tour, scene__key="lo-gom", kind="product").product
    if os.environ.get("TOUR_SCREENSHOT"):
        page.screenshot(path=os.environ["TOUR_SCREENSHOT"], full_page=True)
    hotspot = page.locator(".pnlm-hotspot-base.tour-hotspot-product").first
    hotspot.wait_for(state="visible")
    hotspot.tap()
    page.wait_for_url(f"**{product.url}")
    assert page.errors == []
