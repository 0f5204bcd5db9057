"""The Plan 236 dashboard in a real browser: the public /so-lieu/ page in Vietnamese and English
and the officers' admin page, at 390 px (phone) and 1280 px (laptop): no sideways scrolling,
every chart drawn (SVG with a title) beside its table, no console error (the site's CSP
forbids inline styles: the charts use none). Screenshots go to $BROWSER_SHOTS (/tmp)."""

import os
from pathlib import Path

import pytest

from tests.browser import admin_login, requires_chromium, seed_live_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), requires_chromium]

SHOTS = Path(os.environ.get("BROWSER_SHOTS", "/tmp"))


def _check(page, name: str) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{name}: scrolls sideways ({widths})"
    charts = page.locator("section.dash-indicator svg[role=img]")
    assert charts.count() >= 6, name
    for i in range(charts.count()):
        box = charts.nth(i).bounding_box()
        assert box and box["width"] > 200 and box["x"] >= 0, f"{name}: chart {i} {box}"
        assert box["x"] + box["width"] <= widths[1] + 0.5, f"{name}: chart {i} overflows"
    assert page.locator("section.dash-indicator table").count() == charts.count()
    page.screenshot(path=str(SHOTS / f"dash-{name}.png"), full_page=True)


def test_dashboard_fits_phone_and_laptop_in_both_languages(browser_page, demo_password):
    seed_live_demo(demo_password)
    page = browser_page
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/so-lieu/")
        assert page.locator("h1").inner_text() == "Số liệu chuyển đổi số nông thôn mới"
        _check(page, f"public-vi-{width}")
        page.goto("/en/so-lieu/")
        assert "figures" in page.locator("h1").inner_text()
        _check(page, f"public-en-{width}")
    assert errors == [], errors
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto("/so-lieu/?year=abc")  # answered 400 (the console notes it), with the message
    assert "không hợp lệ" in page.locator("[role=alert]").inner_text()
    page.select_option("#dash-year", str(page.evaluate("new Date().getFullYear() - 1")))
    page.locator(".dashboard-filters button[type=submit]").click()
    page.wait_for_url("**/so-lieu/?year=*")
    assert page.locator("[role=alert]").count() == 0

    admin_login(page, "officer", demo_password)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/admin/ocop/so-lieu/")
        assert page.locator("#sales-communes").count() == 1  # officers see the commune sales
        _check(page, f"admin-{width}")
