"""A buyer asks for a VAT e-invoice at checkout; the request reaches each producer's part, the
order admin and the CSV export; bad tax codes get a Vietnamese error and nothing is lost."""

import csv
import io

import pytest
from django.test import Client

from shop.models import Order

from .test_admin import client_for, make_user
from .test_views import checkout_post, fill_cart

pytestmark = pytest.mark.django_db

INVOICE = {
    "want_invoice": "on",
    "invoice_company": "Công ty TNHH Quà Tết Hà Nội",
    "invoice_tax_code": "0109 876 543",
    "invoice_address": "Số 8 Tràng Tiền, Hoàn Kiếm, Hà Nội",
    "invoice_email": "ketoan@quatet.vn",
}


def test_invoice_request_travels_with_the_order(two_variants):
    client = Client()
    fill_cart(client, two_variants)
    bad = client.post(
        "/shop/checkout/", checkout_post(two_variants, **{**INVOICE, "invoice_tax_code": "12"})
    )
    assert bad.status_code == 200
    html = bad.content.decode()
    assert "Mã số thuế gồm 10 chữ số" in html and "Công ty TNHH Quà Tết Hà Nội" in html  # kept
    assert client.post("/shop/checkout/", checkout_post(two_variants, **INVOICE)).status_code == 302
    assert "0109876543" in client.get("/shop/checkout/review/").content.decode()
    client.post("/shop/checkout/review/")
    order = Order.objects.get()
    assert order.wants_invoice and order.invoice_tax_code == "0109876543"
    assert order.invoice_email == "ketoan@quatet.vn"
    a = two_variants[0]
    farmer = make_user("hoa-don-a", f"Producer: {a.page.producer.slug}")
    page = client_for(farmer).get(f"/admin/shop/orders/{order.reference}/").content.decode()
    assert "Hóa đơn VAT" in page and "0109876543" in page
    officer = make_user("can-bo-hoa-don", "Officer")
    rows = list(
        csv.reader(
            io.StringIO(
                client_for(officer).get("/admin/shop/orders/export.csv").content.decode("utf-8-sig")
            )
        )
    )
    assert "Hóa đơn: MST" in rows[0] and any("0109876543" in r for r in rows[1:])


def test_no_invoice_unless_asked(two_variants):
    client = Client()
    fill_cart(client, two_variants)
    data = checkout_post(two_variants, **{**INVOICE, "want_invoice": ""})
    client.post("/shop/checkout/", data)
    client.post("/shop/checkout/review/")
    order = Order.objects.get()
    assert not order.wants_invoice and order.invoice_company == ""
