"""A visitor takes a demo virtual tour and uses the map, in a real Chromium.

Chromium runs with SwiftShader (software WebGL) so Pannellum renders and its hotspots exist
as DOM elements; media (tiles) are served to the page from MEDIA_ROOT through Playwright,
because Django's live server only serves static files.
"""

import contextlib
import mimetypes
import os
from pathlib import Path

import pytest
from django.conf import settings

from tests.browser import CHROMIUM, LAUNCH_ARGS, requires_chromium, seed_live_demo, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), requires_chromium]

WEBGL_ARGS = [a for a in LAUNCH_ARGS if a != "--disable-gpu"] + [
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
    "--ignore-gpu-blocklist",
]


def _serve_media(route):
    path = route.request.url.split(settings.MEDIA_URL, 1)[1].split("?")[0]
    file = (Path(settings.MEDIA_ROOT) / path).resolve()
    if not file.is_file() or Path(settings.MEDIA_ROOT).resolve() not in file.parents:
        route.fulfill(status=404, body="")
        return
    ctype = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    route.fulfill(status=200, body=file.read_bytes(), headers={"Content-Type": ctype})


@contextlib.contextmanager
def webgl_page(live_server, **context_options):
    """A page in a Chromium with software WebGL, media served from MEDIA_ROOT and no internet."""
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=WEBGL_ARGS, headless=True)
        context = browser.new_context(base_url=live_server.url, locale="vi-VN", **context_options)
        # No internet: map tiles from the default OpenStreetMap server are answered locally.
        context.route("**/tile.openstreetmap.org/**", lambda r: r.fulfill(status=204, body=""))
        context.route(f"**{settings.MEDIA_URL}**", _serve_media)
        page = context.new_page()
        page.set_default_timeout(20_000)
        try:
            yield page
        finally:
            context.close()
            browser.close()


@pytest.fixture
def tour_page(live_server):
    # Reduced motion turns the tour's auto-rotate off, so hotspots stand still to be clicked.
    with webgl_page(live_server, reduced_motion="reduce") as page:
        yield page


def test_visitor_tours_bat_trang_and_finds_sites_on_the_map(tour_page, demo_password):
    seed_live_demo(demo_password)
    from tours.models import Hotspot, TourSitePage, VirtualTourPage

    site = TourSitePage.objects.get(title="Làng gốm Bát Tràng")
    tour = VirtualTourPage.objects.child_of(site).get()
    product = Hotspot.objects.get(scene__page=tour, scene__key="lo-gom", kind="product").product

    page = tour_page
    page.goto(site.url)
    page.get_by_role("link", name=tour.title).click()
    page.wait_for_url(f"**{tour.url}")
    root = page.locator("[data-tour]")
    wait_until(page, "document.querySelector('[data-tour]').dataset.viewer")
    mode = root.get_attribute("data-viewer")
    assert root.get_attribute("data-current-scene") in (None, "cong-lang")

    # 1. Through the accessible list (keyboard): focus the link and press Enter.
    scenes = page.get_by_role("list").filter(has=page.locator("a[data-scene='lo-gom']")).first
    link = scenes.locator("a[data-scene='lo-gom']")
    link.focus()
    page.keyboard.press("Enter")
    wait_until(page, "document.querySelector('[data-tour]').dataset.currentScene === 'lo-gom'")
    assert link.get_attribute("aria-current") == "true"
    assert page.locator("#tour-status").inner_text() == "Đang xem: Lò gốm"
    assert page.locator("[data-scene-panel='lo-gom']").is_visible()
    assert not page.locator("[data-scene-panel='cong-lang']").is_visible()
    assert "scene=lo-gom" in page.url

    if mode == "pannellum":
        # 2. Through a hotspot rendered by Pannellum in the panorama.
        wait_until(page, "window.tourViewer && window.tourViewer.getScene() === 'lo-gom'")
        wait_until(page, "document.querySelector('[data-tour]').dataset.loadedScene === 'lo-gom'")
        hotspot = page.locator(".pnlm-hotspot-base.hs-lo-gom-0")  # "Đi tiếp: Chợ gốm"
        hotspot.wait_for(state="visible")
        # Made keyboard-operable by tour.js (Pannellum renders a bare <div>), as soon as it is
        # in the DOM (a MutationObserver: on a busy machine a moment after it shows).
        wait_until(
            page,
            "Array.from(document.querySelectorAll('.pnlm-hotspot-base.hs-lo-gom-0'))"
            ".every(el => el.getAttribute('tabindex') === '0')",
        )
        assert hotspot.get_attribute("tabindex") == "0"
        assert hotspot.get_attribute("aria-label") == "Đi tới cảnh: Chợ gốm"
        hotspot.click()
        wait_until(page, "window.tourViewer.getScene() === 'cho-gom'")
        wait_until(page, "document.querySelector('[data-tour]').dataset.currentScene === 'cho-gom'")
        # Back to the kiln, then follow its product hotspot to the product page.
        page.locator(".tour-scenes a[data-scene='lo-gom']").click()
        wait_until(page, "document.querySelector('[data-tour]').dataset.loadedScene === 'lo-gom'")
        if os.environ.get("TOUR_SCREENSHOT"):
            page.screenshot(path=os.environ["TOUR_SCREENSHOT"], full_page=True)
        product_hotspot = page.locator(".pnlm-hotspot-base.tour-hotspot-product").first
        product_hotspot.wait_for(state="visible")
        product_hotspot.click()  # Pannellum wraps URL hotspots in an <a>
    else:
        # No WebGL here: the flat fallback is shown and the list's links do the work.
        assert page.locator("#tour-fallback-img").is_visible()
        page.locator("[data-scene-panel='lo-gom'] a[data-scene='cho-gom']").click()
        wait_until(page, "document.querySelector('[data-tour]').dataset.currentScene === 'cho-gom'")
        page.locator(".tour-scenes a[data-scene='lo-gom']").click()
        page.locator("[data-scene-panel='lo-gom']").get_by_role("link", name=product.title).click()
    page.wait_for_url(f"**{product.url}")
    assert page.locator("h1").inner_text() == product.title
    print(f"tour viewer mode: {mode}")

    # The map shows all 26 tourism sites (clustered markers + the list).
    page.goto("/ban-do/")
    wait_until(page, "window.tourMap !== undefined")
    assert page.evaluate("window.tourMap.counts.sites") == 26
    assert page.locator("tr[data-feature-id^='site-']").count() == 26
    # Markers (or clusters) are keyboard-focusable buttons.
    first_marker = page.locator("#tour-map .leaflet-marker-icon").first
    assert first_marker.get_attribute("tabindex") == "0"
    assert first_marker.get_attribute("role") == "button"

    # Without WebGL: the flat preview and the list still take the visitor through the tour.
    context = page.context.browser.new_context(
        base_url=page.url.split("/ban-do/")[0], locale="vi-VN"
    )
    context.add_init_script("HTMLCanvasElement.prototype.getContext = () => null;")
    context.route(f"**{settings.MEDIA_URL}**", _serve_media)
    flat = context.new_page()
    try:
        flat.goto(tour.url)
        wait_until(flat, "document.querySelector('[data-tour]').dataset.viewer")
        assert flat.locator("[data-tour]").get_attribute("data-viewer") == "fallback"
        preview = flat.locator("#tour-fallback-img")
        assert preview.is_visible() and not flat.locator("#tour-viewer").is_visible()
        before = preview.get_attribute("src")
        flat.locator(".tour-scenes a[data-scene='cho-gom']").click()
        assert flat.locator("#tour-status").inner_text() == "Đang xem: Chợ gốm"
        assert preview.get_attribute("src") != before
        # The new scene's preview loads (waits for the download instead of racing it).
        wait_until(
            flat,
            "(() => { const img = document.getElementById('tour-fallback-img');"
            " return img.complete && img.naturalWidth > 0; })()",
        )
    finally:
        context.close()
