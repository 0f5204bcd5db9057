"""The digital map on a 390 px phone in a real Chromium, with the tile server unreachable: the
offline background (outline and commune labels) replaces the tiles without a script error nor
any console error (the site's tile relay answers 204, tours/tilerelay.py), the
legend is there, layer checkboxes add and remove markers and table sections, the table lists
the markers shown; and the embedded map renders in an iframe of an allowed portal only."""

import os

import pytest

from tests.browser import LAUNCH_ARGS, offline_phone, requires_chromium, seed_live_demo, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), requires_chromium]

PORTAL = "http://cong-thong-tin.test"
OTHER = "http://trang-khac.test"
# The portal pages are answered by Playwright (no address), the site by the local live server:
# Chromium's Local Network Access checks would block a "public" page framing a local one, which
# in production (both on the internet) never happens. Off, so frame-ancestors alone decides.
ARGS = [
    *LAUNCH_ARGS,
    "--disable-features=LocalNetworkAccessChecks,PrivateNetworkAccessForNavigations",
]


@pytest.fixture
def phone(live_server):
    # Any console error is a fault of the page: a script error, a CSP violation, and a failed
    # tile too (the relay's 204 is not an error for the browser's console).
    with offline_phone(live_server.url, args=ARGS) as page:
        yield page


def _visible_rows(page) -> set[str]:
    return set(
        page.evaluate(
            "Array.from(document.querySelectorAll('tr[data-feature-id]'))"
            ".filter(r => r.offsetParent !== null).map(r => r.dataset.featureId)"
        )
    )


def _shown_markers(page) -> set[str]:
    return set(
        page.evaluate(
            "Object.keys(window.tourMap.layers).flatMap(id => window.tourMap.layers[id]"
            ".filter(m => window.tourMap.cluster.hasLayer(m))"
            ".map(m => m.feature.id))"
        )
    )


def test_map_layers_legend_table_and_offline_background_on_a_phone(phone, demo_password):
    seed_live_demo(demo_password)
    page = phone
    page.goto("/ban-do/")
    wait_until(page, "window.tourMap !== undefined")

    # Tiles unreachable: the offline background is drawn locally, and the visitor is told.
    wait_until(page, "window.tourMap.isOffline()")
    wait_until(page, "document.getElementById('tour-map').dataset.outline === 'drawn'")
    assert page.locator("#tour-map").get_attribute("data-background") == "offline"
    assert page.locator("#tour-map path.leaflet-interactive, #tour-map svg path").count() >= 1
    assert page.locator("#map-offline-note").is_visible()
    assert "nền đơn giản" in page.locator("#map-offline-note").inner_text()
    labels = page.locator("#tour-map .commune-label")
    assert labels.count() >= 5
    assert "Bát Tràng" in page.locator("#tour-map .leaflet-marker-pane").inner_text()

    # The legend: NTM statuses with their level, and the point kinds.
    legend = page.locator(".map-legend")
    assert legend.is_visible()
    for text in ("Chưa đạt", "Đạt chuẩn NTM", "NTM nâng cao", "NTM kiểu mẫu", "Chủ thể OCOP"):
        assert legend.get_by_text(text, exact=False).first.is_visible()

    counts = page.evaluate("window.tourMap.counts")
    assert counts["ntm"] >= 5 and counts["sites"] == 26 and counts["producers"] > 0
    assert counts["products"] > 0
    # Every marker is in the one cluster group (no two targets overlap); a group holding
    # communes shows their statuses as coloured squares.
    assert page.evaluate("window.tourMap.visible('ntm')") == counts["ntm"]
    squares = page.locator("#tour-map .marker-cluster .cluster-ntm i")
    shown = page.locator("#tour-map .map-marker-ntm")
    assert squares.count() + shown.count() >= 1
    assert all(
        cls.startswith("ntm-") for cls in squares.evaluate_all("els => els.map(e => e.className)")
    )
    # Zoomed in, a commune is its own numbered square in its status colour.
    page.evaluate(
        "() => window.tourMap.cluster.zoomToShowLayer(window.tourMap.layers.ntm[0],"
        " () => { document.getElementById('tour-map').dataset.ntmShown = '1'; })"
    )
    wait_until(page, "document.getElementById('tour-map').dataset.ntmShown === '1'")
    assert shown.count() >= 1
    assert "ntm-" in shown.first.get_attribute("class")
    assert page.evaluate("window.tourMap.visible('producers')") == counts["producers"]
    # The table lists exactly what the map shows.
    assert _visible_rows(page) == _shown_markers(page)
    assert len(_visible_rows(page)) == sum(counts.values())

    # Layer toggles, by keyboard: focus the checkbox, Space.
    producers_box = page.locator("input[data-layer-toggle][value='producers']")
    producers_box.focus()
    page.keyboard.press("Space")
    assert not producers_box.is_checked()
    wait_until(page, "window.tourMap.visible('producers') === 0")
    assert page.locator("[data-layer-table='producers']").is_hidden()
    assert page.locator("[data-layer-count='producers']").is_hidden()
    assert "layer=" in page.url and "producers" not in page.url
    ntm_box = page.locator("input[data-layer-toggle][value='ntm']")
    ntm_box.uncheck()
    wait_until(page, "window.tourMap.visible('ntm') === 0")
    assert page.locator("#tour-map .map-marker-ntm, #tour-map .cluster-ntm").count() == 0
    assert page.locator("[data-legend-layer='ntm']").first.is_hidden()
    assert _visible_rows(page) == _shown_markers(page)
    assert not any(r.startswith(("ntm-", "producer-")) for r in _visible_rows(page))
    ntm_box.check()
    wait_until(page, f"window.tourMap.visible('ntm') === {counts['ntm']}")
    assert page.locator("[data-layer-table='ntm']").is_visible()
    assert _visible_rows(page) == _shown_markers(page)

    # The address keeps the layers: a reload (no JavaScript needed) shows the same.
    page.reload()
    wait_until(page, "window.tourMap !== undefined")
    assert not page.locator("input[data-layer-toggle][value='producers']").is_checked()
    assert _visible_rows(page) == _shown_markers(page)
    assert page.evaluate("window.tourMap.visible('producers')") == 0

    # No horizontal scrolling at 390 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    if os.environ.get("MAP_SCREENSHOT"):
        page.screenshot(path=os.environ["MAP_SCREENSHOT"], full_page=False)

    # The table view alone: no map script, the same rows.
    page.goto("/ban-do/?layer=ntm&layer=sites&view=table")
    assert page.locator("#tour-map").count() == 0
    rows = _visible_rows(page)
    assert any(r.startswith("ntm-") for r in rows) and any(r.startswith("site-") for r in rows)
    assert not any(r.startswith(("producer-", "product-")) for r in rows)
    # A folded section shows that it opens (a flex summary has no browser triangle).
    assert _marker(page, ".map-more-filters summary") == "▾"

    # The open-data page fits the phone in both languages; its map snippet unfolds.
    for url in ("/open-data/", "/en/open-data/"):
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, url
    summary = page.locator(".embed-snippet summary").first
    assert _marker(page, ".embed-snippet summary") == "▾"
    summary.click()
    assert page.locator(".embed-code").first.is_visible()
    assert _marker(page, ".embed-snippet summary") == "▴"
    box = page.locator(".embed-code").first.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390

    assert page.problems == []


def _marker(page, selector: str) -> str:
    """The disclosure arrow drawn after a summary (CSS content, alt text stripped)."""
    content = page.evaluate(
        f"getComputedStyle(document.querySelector({selector!r}), '::after').content"
    )
    return content.split("/")[0].strip().strip('"')


def test_embedded_map_renders_in_an_allowed_portal_only(
    phone, demo_password, live_server, settings
):
    seed_live_demo(demo_password)
    settings.EMBED_ALLOWED_ORIGINS = [PORTAL]
    page = phone
    host = (
        '<!DOCTYPE html><html lang="vi"><head><title>Cổng thông tin</title></head><body>'
        f'<h1>Cổng thông tin</h1><iframe src="{live_server.url}/embed/map/" '
        'title="Bản đồ" width="100%" height="520"></iframe></body></html>'
    )
    for origin in (PORTAL, OTHER):
        page.context.route(
            f"{origin}/**",
            lambda route: route.fulfill(status=200, body=host, content_type="text/html"),
        )

    response = page.request.get(f"{live_server.url}/embed/map/")
    assert f"frame-ancestors {PORTAL}" in response.headers["content-security-policy"]
    assert "x-frame-options" not in response.headers

    page.goto(f"{PORTAL}/tin-tuc/ban-do.html")
    frame = page.frame_locator("iframe")
    frame.locator("#tour-map").wait_for()
    embedded = next(f for f in page.frames if "/embed/map/" in f.url)
    wait_until(embedded, "window.tourMap !== undefined")
    wait_until(embedded, "window.tourMap.isOffline()")
    assert embedded.evaluate("window.tourMap.counts.sites") == 26
    # No site chrome inside the frame.
    assert frame.locator(".site-header, .site-footer, .main-nav").count() == 0
    assert frame.locator(".map-legend").count() == 1
    assert page.problems == []

    # Another site cannot frame it: the browser refuses to render the page in its frame.
    refusals = []
    page.on(
        "console",
        lambda m: refusals.append(m.text) if "frame-ancestors" in m.text else None,
    )
    page.goto(f"{OTHER}/ban-do.html")
    page.wait_for_timeout(1500)
    blocked = [f for f in page.frames if f is not page.main_frame]
    assert blocked
    assert all(f.evaluate("document.getElementById('tour-map')") is None for f in blocked)
    assert any("frame-ancestors" in text for text in refusals)
