"""On a 390 px phone a buyer signs up, finds "Tài khoản của tôi", downloads their data and
deletes the account; a guest asks for one order's data by reference and phone."""

import json

import pytest

from shop import orders
from shop.checkout import place_order
from shop.models import Order, OrderShipment
from tests.browser import requires_chromium
from tests.shop.conftest import address, in_stock_skus, seed_after_flush

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), requires_chromium]
PASSWORD = "Lua-nep-cai-hoa-vang-2025"


def _fits(page, what):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{what} scrolls sideways ({width} px)"


def test_phone_buyer_signs_up_downloads_and_deletes(browser_page, demo_password, tmp_path):
    seed_after_flush(demo_password)
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    page.get_by_role("link", name="Tài khoản", exact=True).click()
    page.wait_for_url("**/tai-khoan/dang-nhap/**")
    page.get_by_role("link", name="Đăng ký").click()
    page.get_by_label("Email").fill("mai@example.vn")
    page.get_by_label("Họ và tên").fill("Trần Thị Mai")
    page.get_by_label("Số điện thoại (không bắt buộc)").fill("0912 345 678")
    page.get_by_label("Mật khẩu:", exact=True).fill(PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill("khac-hoan-toan-2025")
    page.get_by_role("button", name="Đăng ký").click()
    assert page.locator("#id_password2-error").is_visible()
    _fits(page, "the sign-up form with errors")
    page.screenshot(path="/tmp/account-signup-390.png", full_page=True)
    page.get_by_label("Mật khẩu:", exact=True).fill(PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng ký").click()
    page.wait_for_selector("h1:has-text('Tài khoản của tôi')")
    _fits(page, "my account")
    page.screenshot(path="/tmp/account-home-390.png", full_page=True)

    page.get_by_role("link", name="Dữ liệu cá nhân của tôi").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Tải dữ liệu (JSON)").click()
    saved = tmp_path / "data.json"
    download.value.save_as(saved)
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert data["account"]["name"] == "Trần Thị Mai"
    assert download.value.suggested_filename.startswith("du-lieu-")
    _fits(page, "the data page")
    page.screenshot(path="/tmp/account-data-390.png", full_page=True)

    page.get_by_label("Mật khẩu của bạn").fill(PASSWORD)
    page.get_by_label("Tôi hiểu tài khoản sẽ bị xóa và không thể khôi phục.").check()
    page.get_by_role("button", name="Xóa tài khoản").click()
    page.wait_for_selector("h1:has-text('Tài khoản đã được xóa')")


def test_phone_guest_gets_one_orders_data(browser_page, demo_password, tmp_path):
    seed_after_flush(demo_password)
    [a] = in_stock_skus(1)
    order = place_order(
        items={a.sku: 1},
        address=address(),
        shipping={a.page.producer_id: "delivery"},
        payment_method="cod",
    )
    part = order.shipments.get()
    orders.mark_cod_collected(part)
    orders.set_shipment_status(part, OrderShipment.Status.DELIVERED)
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(order.signed_url())
    page.get_by_role("link", name="Dữ liệu cá nhân của bạn").click()
    page.get_by_label("Mã đơn hàng").fill(order.reference)
    page.get_by_label("Số điện thoại đặt hàng").fill("0912 345 678")
    _fits(page, "the guest data form")
    page.screenshot(path="/tmp/account-guest-data-390.png", full_page=True)
    with page.expect_download() as download:
        page.get_by_role("button", name="Gửi yêu cầu").click()
    saved = tmp_path / "order.json"
    download.value.save_as(saved)
    assert json.loads(saved.read_text(encoding="utf-8"))["orders"][0]["reference"] == (
        order.reference
    )
    page.get_by_label("Xóa thông tin cá nhân trong đơn hàng").check()
    page.get_by_label("Nếu xóa: tôi hiểu thông tin cá nhân trong đơn sẽ bị xóa vĩnh viễn.").check()
    page.get_by_role("button", name="Gửi yêu cầu").click()
    page.wait_for_selector("h1:has-text('Đã xóa dữ liệu cá nhân')")
    assert Order.objects.get(pk=order.pk).anonymised_at is not None
