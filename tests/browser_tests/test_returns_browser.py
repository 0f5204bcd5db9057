"""On a 390 px phone a buyer whose order was delivered asks to return a broken item with a
photo; the producer accepts in the admin; the buyer sees the refund recorded."""

import pytest

from shop.models import ReturnRequest
from tests.browser import admin_login, photo_file, requires_chromium
from tests.shop.conftest import in_stock_skus, seed_after_flush
from tests.shop.test_admin import make_user
from tests.shop.test_returns import delivered

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), requires_chromium]


def test_phone_buyer_returns_a_broken_item(browser_page, demo_password, tmp_path):
    seed_after_flush(demo_password)
    [a] = in_stock_skus(1)
    order, _part = delivered(a, quantity=2)
    photo = photo_file(tmp_path / "binh-vo.jpg", (64, 48), (180, 60, 30))

    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(order.signed_url())
    page.get_by_role("link", name="Yêu cầu đổi/trả").click()
    page.get_by_label(f"{a.page.title} ({a.label})").fill("1")
    page.get_by_label("Hàng hư hỏng, vỡ khi vận chuyển").check()
    page.get_by_label("Mô tả vấn đề").fill("Một hộp bị móp và vỡ bên trong khi nhận hàng.")
    page.get_by_label("Hoàn tiền").check()
    page.set_input_files("#id_photos", str(photo))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the return form scrolls sideways ({width} px)"
    page.screenshot(path="/tmp/return-form-390.png", full_page=True)
    page.get_by_role("button", name="Gửi yêu cầu").click()
    page.wait_for_selector("text=Đã gửi yêu cầu đổi trả")
    case = ReturnRequest.objects.get()
    assert case.photos.count() == 1

    user = make_user("chu-the-tra-hang", f"Producer: {a.page.producer.slug}")
    page.context.clear_cookies()
    admin_login(page, user.username, "mat-khau-dai-123")
    page.goto(f"/admin/shop/orders/{order.reference}/")
    page.get_by_role("button", name="Chấp nhận, hoàn tiền").click()
    page.wait_for_selector("text=Đã cập nhật yêu cầu đổi trả")
    case.refresh_from_db()
    assert case.status == ReturnRequest.Status.CLOSED and case.refund_amount == a.price

    page.context.clear_cookies()
    page.goto(order.signed_url())
    main = page.locator("main").inner_text()
    assert "Đã hoàn tất" in main and "tiền mặt cho người mua" in main
    page.screenshot(path="/tmp/return-outcome-390.png", full_page=True)
