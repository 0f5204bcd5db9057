"""The strict Content-Security-Policy (issue 20) breaks nothing: the map (Leaflet + clusters,
tiles through the site's relay), a 360° tour (Pannellum, WebGL), the catalogue, a product page
with its cart script and the search box run in Chromium with no CSP violation reported — neither a
`securitypolicyviolation` event nor a console message. The policy is the one production sends
(it is in the base settings; production adds only HSTS and the HTTPS redirect)."""

import pytest

from tests.browser import requires_chromium, seed_live_demo, wait_until

from .test_tours_browser import tour_page  # noqa: F401 (fixture: WebGL Chromium, local tiles)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), requires_chromium]


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), (232, 237, 227)).save(buffer, "PNG")
    return buffer.getvalue()


WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sourceFile || ''));
});
"""


def test_no_csp_violation_on_map_tour_and_shop_pages(
    tour_page,  # noqa: F811
    demo_password,
    monkeypatch,
):
    seed_live_demo(demo_password)
    from products.models import ProductIndexPage, ProductPage
    from tours.models import VirtualTourPage

    page = tour_page
    console = []
    page.on(
        "console",
        lambda m: (
            console.append(m.text)
            if "Content Security Policy" in m.text or "Content-Security-Policy" in m.text
            else None
        ),
    )
    page.add_init_script(WATCH)
    # Real (tiny) tiles, from the site's tile relay (tours/tilerelay.py, same process as the
    # live server): a failed tile would switch the map to its offline background
    # (tests/browser_tests/test_map_browser.py covers that).
    from tours import tilerelay

    monkeypatch.setattr(tilerelay, "fetch", lambda url: _png())

    response = page.goto("/ban-do/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    page.wait_for_selector(".leaflet-marker-icon, .marker-cluster", timeout=20_000)
    page.wait_for_selector(".leaflet-tile", state="attached")
    assert page.evaluate("window.tourMap.isOffline()") is False
    assert page.evaluate("window.__csp") == []

    tour = VirtualTourPage.objects.live().first()
    page.goto(tour.url)
    wait_until(page, "document.querySelector('[data-tour]').dataset.viewer")
    page.wait_for_timeout(500)
    assert page.evaluate("window.__csp") == []

    product = ProductPage.objects.live().first()
    for url in ("/", ProductIndexPage.objects.get().url, product.url, "/tim-kiem/?q=che"):
        page.goto(url)
        page.wait_for_load_state("load")
        assert page.evaluate("window.__csp") == [], url
    # The header search box fetches suggestions (connect-src 'self').
    box = page.locator("input[type=search]").first
    box.fill("gom")
    page.wait_for_timeout(600)
    assert page.evaluate("window.__csp") == []
    assert console == [], console

    # The watch itself works: an inline script is refused and reported.
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1';"
        " document.head.appendChild(s); }"
    )
    wait_until(page, "window.__csp.length > 0")
    assert page.evaluate("window.__ran") is None
