"""A buyer puts two producers' products in the cart, pays cash on delivery and sees the
confirmation; each producer then sees only its own line in the admin."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from shop.models import Order
from tests.browser import requires_chromium
from tests.shop.conftest import in_stock_skus, seed_after_flush

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), requires_chromium]


def _producer_user(username, slug):
    user = get_user_model().objects.create_user(username, password="mat-khau-dai-123")
    group, _ = Group.objects.get_or_create(name=f"Producer: {slug}")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    user.groups.add(group)
    return user


def test_buyer_checks_out_two_producers_with_cod(browser_page, demo_password, settings):
    settings.STRIPE_SECRET_KEY = ""
    seed_after_flush(demo_password)  # = seed_live_demo, also after an earlier flush
    a, b = in_stock_skus(2)
    page = browser_page

    for variant in (a, b):
        page.goto(variant.page.url)
        page.locator(f".buy-box input[value='{variant.sku}']").check()
        page.locator(".buy-box").get_by_role("button", name="Thêm vào giỏ").click()
        # With JavaScript the form posts in the background and announces the result.
        page.wait_for_selector("#cart-toast:has-text('Đã thêm vào giỏ hàng')")

    page.locator(".cart-link").click()
    page.wait_for_url("**/shop/cart/")
    cart = page.locator("main").inner_text()
    assert a.page.title in cart and b.page.title in cart
    # Changing a quantity updates the line in place (no reload).
    row = page.locator(f"li[data-sku='{a.sku}']")
    row.get_by_label("Số lượng").fill("2")
    row.get_by_role("button", name="Cập nhật").click()
    page.wait_for_selector("#cart-status:has-text('Đã cập nhật giỏ hàng')")
    assert f"{2 * a.price:,}".replace(",", ".") in row.locator(".line-total").inner_text()
    page.get_by_role("link", name="Tiến hành đặt hàng").click()
    page.wait_for_url("**/shop/checkout/")
    assert "Thanh toán bằng thẻ hiện chưa khả dụng" in page.content()

    page.get_by_label("Họ tên người nhận").fill("Lê Thị Hoa")
    page.get_by_label("Số điện thoại").fill("+84 983 123 456")
    page.get_by_label("Email (để nhận xác nhận đơn)").fill("hoa@example.vn")
    page.select_option("#id_commune", index=1)
    page.get_by_label("Số nhà, tên đường/thôn/xóm").fill("Số 8, thôn Bát Tràng")
    page.get_by_label("Thanh toán khi nhận hàng (COD)").check()
    page.get_by_label("Tôi đồng ý với điều khoản mua hàng và chính sách đổi trả.").check()
    page.get_by_label("Tôi đồng ý để sàn và người bán xử lý dữ liệu cá nhân").check()
    page.get_by_role("button", name="Xem lại đơn hàng").click()
    page.wait_for_url("**/shop/checkout/review/")
    review = page.locator("main").inner_text()
    assert a.page.producer.title in review and b.page.producer.title in review
    page.get_by_role("button", name="Đặt hàng").click()
    page.wait_for_url(re.compile(r".*/shop/orders/DH[A-Z0-9]+/.*"))

    order = Order.objects.get()
    confirmation = page.locator("main").inner_text()
    assert "Đặt hàng thành công" in confirmation and order.reference in confirmation
    assert order.phone == "0983123456" and order.payment_method == "cod"
    assert order.shipments.count() == 2
    assert order.lines.get(sku=a.sku).quantity == 2

    # Each producer signs in to the admin and sees only its own line of the order.
    for variant, other in ((a, b), (b, a)):
        username = f"nd-{variant.page.producer_id}"
        _producer_user(username, variant.page.producer.slug)
        page.context.clear_cookies()
        page.goto("/admin/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", "mat-khau-dai-123")
        page.press("#id_password", "Enter")
        page.wait_for_url("**/admin/")
        page.goto(f"/admin/shop/orders/{order.reference}/")
        lines = page.locator("tr.order-line").all_inner_texts()
        assert len(lines) == 1 and variant.sku in lines[0]
        assert other.sku not in page.content()
