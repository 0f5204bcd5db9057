"""Cached product pages in a real browser: adding to the cart with the script (token fetched
on demand, count shown in the header from the cookie, the result announced) and without it
(the form leads to a confirmation page that posts)."""

import pytest

from tests.browser import CHROMIUM, LAUNCH_ARGS, requires_chromium
from tests.shop.conftest import in_stock_skus, seed_after_flush

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), requires_chromium]


def test_add_to_cart_from_a_cached_page_updates_the_header(browser_page, demo_password):
    seed_after_flush(demo_password)
    [variant] = in_stock_skus(1)
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    first = page.goto(variant.page.url)
    assert first.headers.get("x-page-cache") == "miss"
    page.context.clear_cookies()
    again = page.goto(variant.page.url)
    assert again.headers.get("x-page-cache") == "hit"
    assert page.locator(".cart-link [data-cart-count]").is_hidden()

    page.locator("#buy-qty").fill("2")
    page.get_by_role("button", name="Thêm vào giỏ").first.click()
    status = page.locator("#cart-toast")
    status.wait_for()
    assert "Đã thêm vào giỏ hàng" in status.inner_text()
    badge = page.locator(".cart-link [data-cart-count]")
    badge.wait_for(state="visible")
    assert badge.locator("[data-n]").inner_text() == "2"
    assert badge.locator("[data-label]").inner_text() == "2 sản phẩm trong giỏ"
    # Another page, served from the cache, shows the same count.
    page.goto("/")
    page.locator(".cart-link [data-cart-count]").wait_for(state="visible")
    assert page.locator(".cart-link [data-n]").inner_text() == "2"


def test_add_to_cart_without_javascript(live_server, demo_password):
    from playwright.sync_api import sync_playwright

    seed_after_flush(demo_password)
    [variant] = in_stock_skus(1)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
        context = browser.new_context(
            base_url=live_server.url, java_script_enabled=False, locale="vi-VN"
        )
        page = context.new_page()
        try:
            page.goto(variant.page.url)
            page.get_by_role("button", name="Thêm vào giỏ").first.click()
            page.wait_for_url("**/shop/cart/add/**")
            page.get_by_label("Số lượng").fill("3")
            page.get_by_role("button", name="Thêm vào giỏ").click()
            page.wait_for_url(f"**{variant.page.url}")
            assert "Đã thêm vào giỏ hàng" in page.locator("main").inner_text()
            page.goto("/shop/cart/")
            assert variant.page.title in page.locator("main").inner_text()
        finally:
            context.close()
            browser.close()
