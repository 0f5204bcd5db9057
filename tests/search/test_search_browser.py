"""Header suggestions in a real browser: debounced fetch, ARIA combobox, keyboard selection."""

import pytest

from tests.browser import requires_chromium, seed_live_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), requires_chromium]


def test_suggestions_by_keyboard_and_search_page_without_js(browser_page, demo_password):
    seed_live_demo(demo_password)
    page = browser_page
    page.goto("/")
    box = page.get_by_role("combobox", name="Tìm sản phẩm, điểm du lịch")
    assert box.get_attribute("aria-expanded") == "false"
    box.press_sequentially("gom bat tr", delay=30)
    listbox = page.get_by_role("listbox")
    listbox.wait_for(state="visible")
    options = page.get_by_role("option")
    assert "Bát Tràng" in options.first.inner_text()
    assert box.get_attribute("aria-expanded") == "true"
    assert "gợi ý" in page.locator("[data-search-status]").inner_text()

    box.press("ArrowDown")
    active = box.get_attribute("aria-activedescendant")
    assert active and page.locator(f"#{active}").get_attribute("aria-selected") == "true"
    title = page.locator(f"#{active}").inner_text().split("\n")[0]
    box.press("Enter")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().strip() in title

    # Escape closes the popup; submitting the form opens the full results page.
    page.goto("/")
    box = page.get_by_role("combobox", name="Tìm sản phẩm, điểm du lịch")
    box.press_sequentially("duc dong", delay=30)
    page.get_by_role("listbox").wait_for(state="visible")
    box.press("Escape")
    assert box.get_attribute("aria-expanded") == "false"
    box.press("Enter")
    page.wait_for_url("**/tim-kiem/?q=duc+dong")
    # The two bronze-cast products come first; sites in communes formed from old Thiên Đức /
    # Phù Đổng or Dục Tú / Đông Hội may follow (the address register's old names).
    hits = page.locator(".search-hits > li").all_inner_texts()
    assert len(hits) >= 2 and all("đúc đồng" in h.lower() for h in hits[:2]), hits
    assert page.locator(".search-hits mark").first.inner_text() in {"đúc", "đồng"}
