"""On a 390×844 phone, a farmer lists a product with two photos, a variant, a price and an
opening stock of 12 and sends it for review in at most 10 interactions after login; an officer
approves; the public page says "Còn hàng" with 12 available."""

import io
import os
from pathlib import Path

import pytest
from PIL import Image as PILImage

from tests.browser import admin_login, requires_chromium, seed_live_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), requires_chromium]

TITLE = "Bình gốm men lam thử trên điện thoại"
SHOTS = Path(os.environ.get("BROWSER_SHOTS", "/tmp"))


def _photos(tmp_path) -> list[str]:
    paths = []
    for n, colour in enumerate(((30, 80, 160), (200, 200, 220)), start=1):
        path = tmp_path / f"IMG_{n:04d}.jpg"
        buffer = io.BytesIO()
        PILImage.new("RGB", (1600, 1200), colour).save(buffer, "JPEG", quality=85)
        path.write_bytes(buffer.getvalue())
        paths.append(str(path))
    return paths


class Counter:
    """Counts what the farmer does: each tap, typed field, file pick or choice is one."""

    def __init__(self, page):
        self.page, self.n = page, 0

    def click(self, selector):
        self.n += 1
        self.page.locator(selector).first.click()

    def fill(self, selector, value):
        self.n += 1
        self.page.fill(selector, value)

    def files(self, selector, paths):
        self.n += 1
        self.page.set_input_files(selector, paths)

    def choose(self, selector, value):
        self.n += 1
        self.page.select_option(selector, value)


def test_farmer_lists_a_product_on_a_phone_in_ten_interactions(
    browser_page, demo_password, tmp_path
):
    seed_live_demo(demo_password)
    from products.models import OcopCategory, ProducerPage, ProductPage

    producer = ProducerPage.objects.order_by("title").first()
    category = OcopCategory.objects.filter(parent__isnull=False).order_by("code").first()
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        admin_login(page, producer.slug, demo_password)
        farmer = Counter(page)
        farmer.click("a.ocop-home__add")
        page.wait_for_url("**/admin/pages/add/products/productpage/**")
        farmer.fill("#id_title", TITLE)
        farmer.files("#id_new_photos", _photos(tmp_path))
        farmer.fill("#id_variants-0-label", "Bình cao 30 cm")
        farmer.fill("#id_variants-0-price", "450000")
        farmer.fill("#id_variants-0-stock", "12")
        farmer.choose("#id_category", str(category.pk))
        farmer.click("footer button[name='action-submit']")  # the main button: Gửi duyệt
        page.wait_for_url("**/admin/pages/**")
        assert farmer.n <= 10, farmer.n
        product = ProductPage.objects.get(title=TITLE)
        assert not product.live and product.current_workflow_state is not None
        assert product.slug == "binh-gom-men-lam-thu-tren-dien-thoai"
        assert product.images.count() == 2
        from products.stock import availability

        [variant] = product.variants.all()
        assert availability([variant.sku]) == {variant.sku: 12}, variant.sku

        page.context.clear_cookies()
        page.set_viewport_size({"width": 1280, "height": 900})  # the officer, on a laptop
        admin_login(page, "officer", demo_password)
        page.goto(f"/admin/pages/{product.pk}/edit/")
        page.locator("footer [data-w-dropdown-target='toggle']").first.click()
        page.locator("button[data-workflow-action-name='approve']").first.click()
        page.wait_for_url("**/admin/pages/**")
        product.refresh_from_db()
        assert product.live

        page.context.clear_cookies()
        page.goto(product.url)
        text = page.locator("main").inner_text()
        assert "Còn hàng" in text
        assert page.locator("input[name=quantity]").first.get_attribute("max") == "12"
        assert page.locator("main img").count() >= 2
    except Exception:
        page.screenshot(path=str(SHOTS / "farmer-phone-listing-failure.png"), full_page=True)
        raise
