"""On a 390 px phone a buyer reviews a delivered product with a photo; an officer publishes it
on a laptop; the product page shows the rating and the review; the producer replies."""

import pytest

from shop.models import Review
from tests.browser import admin_login, photo_file, requires_chromium
from tests.shop.conftest import in_stock_skus, seed_after_flush
from tests.shop.test_admin import make_user
from tests.shop.test_returns import delivered

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), requires_chromium]


def test_phone_buyer_reviews_and_the_product_page_shows_it(browser_page, demo_password, tmp_path):
    seed_after_flush(demo_password)
    [a] = in_stock_skus(1)
    order, _part = delivered(a, quantity=1)
    photo = photo_file(tmp_path / "san-pham.jpg", (96, 96), (40, 120, 60))

    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(order.signed_url())
    page.get_by_role("link", name="Viết đánh giá").click()
    page.get_by_label("4 sao").check()
    page.get_by_label("Nhận xét của bạn").fill("Đóng gói cẩn thận, vị đúng như mô tả. Sẽ mua lại.")
    page.set_input_files("#id_photos", str(photo))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the review form scrolls sideways ({width} px)"
    page.screenshot(path="/tmp/review-form-390.png", full_page=True)
    page.get_by_role("button", name="Gửi đánh giá").click()
    page.wait_for_selector("text=Đánh giá sẽ hiện trên trang sản phẩm sau khi được duyệt")
    assert "Bạn đã đánh giá 4★ (Chờ kiểm duyệt)" in page.locator("main").inner_text()
    review = Review.objects.get()

    officer = make_user("can-bo-duyet", "Officer")
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 900})
    admin_login(page, officer.username, "mat-khau-dai-123")
    page.goto("/admin/shop/danh-gia/")
    assert "Đóng gói cẩn thận" in page.locator("main").inner_text()
    page.get_by_role("button", name="Đăng", exact=True).click()
    page.wait_for_selector("text=Đã đăng đánh giá")
    review.refresh_from_db()
    assert review.status == Review.Status.PUBLISHED

    producer = make_user("chu-the-tra-loi", f"Producer: {a.page.producer.slug}")
    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    admin_login(page, producer.username, "mat-khau-dai-123")
    page.goto("/admin/shop/danh-gia/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the producer's review screen scrolls sideways ({width} px)"
    page.screenshot(path="/tmp/admin-reviews-390.png", full_page=True)
    page.get_by_label("Trả lời công khai (chỉ một lần)").fill("Cảm ơn anh đã ủng hộ hợp tác xã!")
    page.get_by_role("button", name="Gửi trả lời").click()
    page.wait_for_selector("text=Đã gửi trả lời")

    page.context.clear_cookies()
    page.goto(a.page.url)
    section = page.locator("#danh-gia").inner_text()
    assert "4,0" in section or "4.0" in section
    assert "1 đánh giá đã xác thực" in section and "Cảm ơn anh đã ủng hộ" in section
    assert page.locator("#danh-gia img").count() == 1
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the product page scrolls sideways ({width} px)"
    page.locator("#danh-gia").screenshot(path="/tmp/product-reviews-390.png")
