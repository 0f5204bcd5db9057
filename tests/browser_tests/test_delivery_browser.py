"""On a 390 px phone a buyer in Đà Nẵng picks the ward by type-ahead, sees the carrier's fee
before paying and orders; the producer books the parcel with GHTK (the local fake); the
carrier's webhook marks it delivered and the buyer sees that on the order page."""

import re

import pytest
import requests

from products.reference import Commune
from shop.models import Order, ProducerShipping
from tests.browser import admin_login, requires_chromium, wait_until
from tests.shop.conftest import in_stock_skus, seed_after_flush
from tests.shop.fake_ghtk import HOOK, serve
from tests.shop.test_admin import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), requires_chromium]


@pytest.fixture
def ghtk(settings):
    settings.STRIPE_SECRET_KEY = ""
    fake = serve(settings)
    yield fake
    fake.stop()


def test_phone_buyer_outside_hanoi_to_delivered(browser_page, demo_password, ghtk, live_server):
    seed_after_flush(demo_password)
    [a] = in_stock_skus(1)
    ProducerShipping.objects.create(
        producer_id=a.page.producer_id,
        pickup_commune=Commune.objects.get(code="00577"),
        pickup_street="Xóm 3, thôn Giang Cao",
        pickup_phone="0912345678",
        carriers="ghtk",
    )
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})

    # The product page estimates delivery to the chosen province without a reload.
    page.goto(a.page.url)
    estimate = page.locator("[data-estimate-text]")
    assert "đến Hà Nội" in estimate.inner_text()
    page.select_option("#giao-den", label="Đà Nẵng")
    wait_until(
        page, "document.querySelector('[data-estimate-text]').textContent.includes('Đà Nẵng')"
    )
    page.locator(f".buy-box input[value='{a.sku}']").check()
    page.locator(".buy-box").get_by_role("button", name="Thêm vào giỏ").click()
    page.wait_for_selector("#cart-toast:has-text('Đã thêm vào giỏ hàng')")

    page.goto("/shop/checkout/")
    page.get_by_label("Họ tên người nhận").fill("Lê Văn Cường")
    page.get_by_label("Số điện thoại").fill("0905 123 456")
    page.select_option("#id_province", label="Đà Nẵng")  # the commune list follows (reload)
    wait_until(
        page,
        "[...document.querySelectorAll('#id_commune option')]"
        ".some(o => o.text.includes('Hải Châu'))",
    )
    page.get_by_label("Tìm xã/phường").fill("hai chau")
    option = page.get_by_role("option", name=re.compile("Phường Hải Châu, Đà Nẵng"))
    option.click()
    assert page.locator("#id_commune").input_value() == "20242"
    page.get_by_label("Số nhà, tên đường/thôn/xóm").fill("25 Bạch Đằng")
    page.get_by_label("Thanh toán khi nhận hàng (COD)").check()
    page.get_by_label("Tôi đồng ý với điều khoản mua hàng và chính sách đổi trả.").check()
    page.get_by_label("Tôi đồng ý để sàn và người bán xử lý dữ liệu cá nhân").check()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"checkout scrolls sideways ({width} px)"
    page.screenshot(path="/tmp/delivery-checkout-390.png", full_page=True)
    page.get_by_role("button", name="Xem lại đơn hàng").click()
    page.wait_for_url("**/shop/checkout/review/")
    review = page.locator("main").inner_text()
    assert "Giao Hàng Tiết Kiệm (GHTK)" in review and "Phường Hải Châu, Đà Nẵng" in review
    page.screenshot(path="/tmp/delivery-review-390.png", full_page=True)
    page.get_by_role("button", name="Đặt hàng").click()
    page.wait_for_url(re.compile(r".*/shop/orders/DH[A-Z0-9]+/.*"))
    order = Order.objects.get()
    part = order.shipments.get()
    assert part.quoted_by == "ghtk" and order.province == "Đà Nẵng"
    buyer_url = order.signed_url()

    # The producer books the parcel from its order screen.
    user = make_user("htx-gom", f"Producer: {a.page.producer.slug}")
    page.context.clear_cookies()
    admin_login(page, user.username, "mat-khau-dai-123")
    page.goto(f"/admin/shop/orders/{order.reference}/")
    page.get_by_role("button", name="Tạo vận đơn").click()
    page.wait_for_selector("text=Đã tạo vận đơn")
    part.refresh_from_db()
    assert part.tracking_code in page.locator("main").inner_text()

    # GHTK calls back: delivered.
    body = ghtk.advance(part.tracking_code, 5)
    answer = requests.post(
        f"{live_server.url}/shop/delivery/webhook/ghtk/?hash={HOOK}",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=10,
    )
    assert answer.status_code == 200

    page.context.clear_cookies()
    page.goto(buyer_url)
    main = page.locator("main").inner_text()
    assert "Đã giao thành công" in main and part.tracking_code in main
    page.screenshot(path="/tmp/delivery-order-390.png", full_page=True)
