"""Booking an experience through the same cart and checkout, with the Django test client."""

import pytest
from django.core import mail
from django.test import Client

from experiences.models import ExperienceSession, Ticket
from shop.models import Order

from .conftest import new_session, pottery

pytestmark = pytest.mark.django_db


def checkout_post(session, **overrides):
    data = {
        "recipient": "Trần Thị Bình",
        "phone": "+84 912 345 678",
        "email": "binh@example.vn",
        "province": "01",
        "commune": "00577",
        "street": "Số 5 ngõ 10",
        "payment_method": "cod",
        "accept_terms": "on",
        "data_consent": "on",
        f"ship_{session.experience.product.producer_id}": "pickup",
    }
    data.update(overrides)
    return data


def test_product_page_offers_sessions_instead_of_variants():
    session = new_session(capacity=6)
    full = new_session(capacity=2, hours_ahead=96)
    ExperienceSession.objects.filter(pk=full.pk).update(held=2)
    page = Client().get(pottery().product.url).content.decode()
    assert "Chọn buổi trải nghiệm" in page
    assert f'value="{session.sku}"' in page and "còn 6 chỗ" in page
    assert f'value="{full.sku}"' not in page  # no place left: not offered
    assert 'name="quantity"' in page and "Số người tham gia" in page
    assert 'class="variants"' not in page
    assert "Hủy miễn phí đến 24 giờ trước giờ bắt đầu" in page


def test_book_pay_on_site_end_to_end(django_capture_on_commit_callbacks):
    session = new_session(capacity=5)
    client = Client()
    response = client.post("/shop/cart/add/", {"sku": session.sku, "quantity": "3"})
    assert response.status_code == 302
    assert client.session["shop_cart"] == {session.sku: 3}
    form = client.get("/shop/checkout/").content.decode()
    assert "Đến trực tiếp (trải nghiệm)" in form and 'value="delivery"' not in form
    response = client.post("/shop/checkout/", checkout_post(session))
    assert response.status_code == 302, response.content.decode()[:2000]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/shop/checkout/review/", follow=True)
    order = Order.objects.get(lines__sku=session.sku)
    part = order.shipments.get()
    assert part.method == "pickup" and part.fee == 0
    assert order.total == 3 * 200000
    line = order.lines.get()
    assert line.quantity == 3 and line.variant_label == session.label
    session.refresh_from_db()
    assert session.held == 3 and session.remaining == 2
    ticket = Ticket.objects.get(order=order)
    assert ticket.participants == 3 and ticket.session == session
    page = response.content.decode()
    assert "Vé trải nghiệm" in page and ticket.code in page and "Hủy đặt chỗ" in page
    tickets_mail = [m for m in mail.outbox if ticket.code in m.body]
    assert len(tickets_mail) == 1
    message = tickets_mail[0]
    assert ticket.get_absolute_url() in message.body
    name, content, mimetype = message.attachments[0]
    assert mimetype == "image/png" and content.startswith(b"\x89PNG")


def test_sold_out_session_gives_vietnamese_error_and_keeps_the_cart():
    session = new_session(capacity=4)
    client = Client()
    client.post("/shop/cart/add/", {"sku": session.sku, "quantity": "3"})
    client.post("/shop/checkout/", checkout_post(session))
    ExperienceSession.objects.filter(pk=session.pk).update(held=3)  # others booked meanwhile
    response = client.post("/shop/checkout/review/", follow=True)
    assert not Order.objects.filter(lines__sku=session.sku).exists()
    assert "buổi này chỉ còn 1 chỗ" in response.content.decode()
    assert client.session["shop_cart"] == {session.sku: 3}  # nothing lost from the cart
    session.refresh_from_db()
    assert session.held == 3


def test_cart_refuses_more_participants_than_places():
    session = new_session(capacity=2)
    client = Client()
    response = client.post(
        "/shop/cart/add/",
        {"sku": session.sku, "quantity": "3"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400 and "Chỉ còn 2" in response.json()["error"]
    assert not client.session.get("shop_cart")


def test_cancelled_session_in_cart_is_reported_not_a_500():
    session = new_session(capacity=4)
    client = Client()
    client.post("/shop/cart/add/", {"sku": session.sku, "quantity": "1"})
    ExperienceSession.objects.filter(pk=session.pk).update(status="cancelled")
    response = client.get("/shop/cart/")
    assert response.status_code == 200
    assert "không còn được bán" in response.content.decode()
