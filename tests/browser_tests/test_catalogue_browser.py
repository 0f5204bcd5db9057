"""A buyer browses the catalogue in a real browser, and the README screenshot is taken."""

import os
from pathlib import Path

import pytest

from tests.browser import requires_chromium, seed_live_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), requires_chromium]

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_buyer_filters_catalogue_and_opens_a_product(browser_page, demo_password):
    seed_live_demo(demo_password)
    page = browser_page
    page.goto("/")
    assert "Sản phẩm nổi bật" in page.content()
    if os.environ.get("UPDATE_SCREENSHOTS"):
        page.screenshot(path=str(DOCS / "screenshot-home.png"), full_page=False)

    page.get_by_role("link", name="Xem sản phẩm OCOP").click()
    page.wait_for_url("**/san-pham/")
    assert "51 sản phẩm" in page.locator(".result-count").inner_text()

    page.select_option("#id_group", "I")
    page.get_by_label("5 sao").check()
    page.get_by_role("button", name="Lọc").click()
    page.wait_for_url("**group=I**")
    cards = page.locator(".product-card .card-title")
    names = cards.all_inner_texts()
    assert names and set(names) == {"Trà Phúc", "Trà Lộc", "Trà Thọ"}

    cards.filter(has_text="Trà Lộc").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Trà Lộc"
    assert "120.000" in page.locator(".buy-box").inner_text()
    # The picture element offers WebP first.
    assert page.locator("picture source[type='image/webp']").count() >= 1
