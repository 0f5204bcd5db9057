"""A buyer waits on the bank-transfer page; the bank's notification arrives; the open page
shows "Đã thanh toán" by itself."""

import json

import pytest
from django.test import Client

from tests.browser import requires_chromium, seed_live_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), requires_chromium]


def test_open_transfer_page_turns_paid_when_the_bank_says_so(browser_page, demo_password, settings):
    settings.BANK_WEBHOOK_API_KEY = "hook-key"
    seed_live_demo(demo_password)
    from shop.checkout import place_order
    from tests.shop.conftest import address, in_stock_skus

    [variant] = in_stock_skus(1)
    order = place_order(
        items={variant.sku: 1},
        address=address(),
        shipping={variant.page.producer_id: "delivery"},
        payment_method="vietqr",
    )
    page = browser_page
    page.goto(order.signed_url())
    assert "Chuyển khoản bằng VietQR" in page.locator("main").inner_text()
    notice = {
        "id": 424242,
        "gateway": "Vietcombank",
        "transactionDate": "2026-12-01 10:15:00",
        "accountNumber": "0011001234567",
        "content": f"{order.reference.lower()} thanh toan",
        "transferType": "in",
        "transferAmount": order.total,
        "referenceCode": "FT1",
    }
    answer = Client().post(
        "/shop/payments/bank-transfer/webhook/",
        json.dumps(notice),
        content_type="application/json",
        HTTP_AUTHORIZATION="Apikey hook-key",
    )
    assert answer.json() == {"success": True}
    page.locator(".order-status", has_text="Đã thanh toán").wait_for(timeout=20_000)
    assert "Chuyển khoản bằng VietQR" not in page.locator("main").inner_text()
