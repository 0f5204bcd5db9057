"""A farmer lists a product with a photo and submits it; an officer approves; it goes public.

Drives the real Wagtail admin in Chromium (Playwright): login, the product form, the image
chooser's upload tab, the workflow "submit" and "approve" actions, then the public catalogue.
"""

import io
import os
from pathlib import Path

import pytest
from PIL import Image as PILImage

from tests.browser import admin_login, requires_chromium, seed_live_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), requires_chromium]

TITLE = "Mật ong hoa nhãn Sóc Sơn thử"
SHOTS = Path(os.environ.get("BROWSER_SHOTS", "/tmp"))


def _photo(tmp_path) -> Path:
    path = tmp_path / "mat-ong.jpg"
    buf = io.BytesIO()
    PILImage.new("RGB", (640, 480), (230, 170, 40)).save(buf, "JPEG", quality=85)
    path.write_bytes(buf.getvalue())
    return path


def _logout(page):
    page.context.clear_cookies()


def _open_action_menu(page):
    toggle = page.locator("footer [data-w-dropdown-target='toggle']").first
    toggle.click()


def test_farmer_submits_officer_approves_product_goes_public(browser_page, demo_password, tmp_path):
    seed_live_demo(demo_password)
    from products.models import OcopCategory, ProducerPage, ProductIndexPage, ProductPage

    producer = ProducerPage.objects.order_by("title").first()
    category = OcopCategory.objects.filter(parent__isnull=False).order_by("code").first()
    page = browser_page
    try:
        # --- The farmer ---------------------------------------------------------------
        admin_login(page, producer.slug, demo_password)
        page.goto(f"/admin/pages/add/products/productpage/{producer.pk}/")
        page.fill("#id_title", TITLE)
        page.click("#id_images-ADD")
        page.locator("#id_images-0-image-chooser [data-chooser-action-choose]").first.click()
        modal = page.locator(".modal-dialog")
        modal.wait_for()
        modal.locator("a[href='#tab-upload'], button[aria-controls='tab-upload']").first.click()
        modal.locator("#id_image-chooser-upload-file").set_input_files(str(_photo(tmp_path)))
        modal.locator("#id_image-chooser-upload-title").fill("Mật ong hoa nhãn")
        modal.locator("form[data-chooser-modal-creation-form] button[type=submit]").first.click()
        page.locator("#id_images-0-image-chooser:not(.blank)").wait_for()
        page.fill("#id_variants-0-label", "Chai 500 ml")
        page.fill("#id_variants-0-sku", "mat-ong-hoa-nhan-thu-1")
        page.fill("#id_variants-0-price", "180000")
        page.fill("#id_summary", "Mật ong hoa nhãn nguyên chất.")
        page.select_option("#id_category", str(category.pk))
        _open_action_menu(page)
        page.locator("button[name='action-submit']").click()
        page.wait_for_url("**/admin/pages/**")
        product = ProductPage.objects.get(title=TITLE)
        assert not product.live
        assert product.current_workflow_state is not None
        assert product.images.count() == 1
        _logout(page)

        # --- The officer -------------------------------------------------------------
        admin_login(page, "officer", demo_password)
        page.goto(f"/admin/pages/{product.pk}/edit/")
        _open_action_menu(page)
        page.locator("button[data-workflow-action-name='approve']").first.click()
        page.wait_for_url("**/admin/pages/**")
        product.refresh_from_db()
        assert product.live

        # --- The public --------------------------------------------------------------
        _logout(page)
        page.goto(ProductIndexPage.objects.get().url + "?sort=newest")
        assert TITLE in page.locator(".product-card .card-title").all_inner_texts()
    except Exception:
        page.screenshot(path=str(SHOTS / "farmer-browser-failure.png"), full_page=True)
        raise
