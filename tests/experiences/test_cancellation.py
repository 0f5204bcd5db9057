"""Cancellation windows (a fixed clock) and refunds through the shop's refund path for each
payment method: COD (nothing paid → cancelled; paid on site → refund recorded), VietQR
(transfer confirmed → refund recorded, ledger reversed) and card (refunded through Stripe)."""

import datetime
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from experiences import bookings
from shop import orders
from shop.ledger import LedgerEntry
from shop.models import Order

from .conftest import book, new_session

pytestmark = pytest.mark.django_db


def at(moment):
    """Freeze django.utils.timezone.now at `moment`."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


def buyer_client(order):
    client = Client()
    return client, f"/trai-nghiem/huy/{order.reference}/?t={order.signed_token()}"


def test_deadline_is_free_cancel_hours_before_start():
    session = new_session(capacity=5, hours_ahead=72)
    order = book(session, 2)
    deadline = session.starts_at - datetime.timedelta(hours=24)  # the pottery class: 24 h
    assert bookings.cancel_state(order, deadline - datetime.timedelta(minutes=1)).allowed
    late = bookings.cancel_state(order, deadline)
    assert not late.allowed and "quá hạn hủy miễn phí" in late.reason
    assert late.deadline == deadline


def test_before_deadline_cod_booking_is_cancelled_and_places_released():
    session = new_session(capacity=5, hours_ahead=72)
    order = book(session, 2)
    session.refresh_from_db()
    assert session.held == 2
    client, url = buyer_client(order)
    page = client.get(order.signed_url()).content.decode()
    assert "Hủy đặt chỗ" in page
    with at(session.starts_at - datetime.timedelta(hours=25)):
        response = client.post(url)
    assert response.status_code == 302
    order.refresh_from_db()
    session.refresh_from_db()
    assert order.status == Order.Status.CANCELLED and session.held == 0
    assert bookings.tickets_of(order)[0].session == session
    ticket_page = Client().get(bookings.tickets_of(order)[0].get_absolute_url()).content.decode()
    assert "Vé không còn hiệu lực" in ticket_page


def test_after_deadline_no_button_and_post_refused():
    session = new_session(capacity=5, hours_ahead=72)
    order = book(session, 2)
    client, url = buyer_client(order)
    with at(session.starts_at - datetime.timedelta(hours=23)):
        page = client.get(order.signed_url()).content.decode()
        response = client.post(url)
    assert "Hủy đặt chỗ</button>" not in page
    assert "Đã quá hạn hủy miễn phí" in page
    assert response.status_code == 400
    assert "Đã quá hạn hủy miễn phí: không thể hủy trực tuyến." in response.content.decode()
    order.refresh_from_db()
    session.refresh_from_db()
    assert order.status != Order.Status.CANCELLED and session.held == 2


def test_a_stranger_cannot_cancel():
    session = new_session(capacity=5)
    order = book(session, 1)
    response = Client().post(f"/trai-nghiem/huy/{order.reference}/")
    assert response.status_code == 404
    order.refresh_from_db()
    assert order.status != Order.Status.CANCELLED


def _refunded(order):
    order.refresh_from_db()
    return order.status == Order.Status.REFUNDED


def test_paid_cod_booking_is_refunded_and_ledger_reversed():
    session = new_session(capacity=5)
    order = book(session, 2, method="cod")
    orders.mark_cod_collected(order.shipments.get())
    order.refresh_from_db()
    assert order.is_paid
    client, url = buyer_client(order)
    assert client.post(url).status_code == 302
    assert _refunded(order)
    session.refresh_from_db()
    assert session.held == 0
    entries = LedgerEntry.objects.filter(transaction__order=order)
    assert entries.exists()
    assert sum(e.amount for e in entries.filter(account__startswith="producer:")) == 0


def test_paid_transfer_booking_is_refunded():
    session = new_session(capacity=5)
    order = book(session, 3, method="vietqr")
    assert order.status == Order.Status.PENDING_PAYMENT
    orders.confirm_transfer(order)
    client, url = buyer_client(order)
    assert client.post(url).status_code == 302
    assert _refunded(order)
    session.refresh_from_db()
    assert session.held == 0


def test_unpaid_transfer_booking_is_just_cancelled():
    session = new_session(capacity=5)
    order = book(session, 1, method="vietqr")
    client, url = buyer_client(order)
    client.post(url)
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED and not order.is_paid


def test_paid_card_booking_is_refunded_through_stripe(fake_stripe):
    session = new_session(capacity=5)
    order = book(session, 2, method="stripe")
    Order.objects.filter(pk=order.pk).update(stripe_payment_intent="pi_test_exp")
    order.refresh_from_db()
    orders.mark_paid(order, note="Stripe")
    client, url = buyer_client(order)
    assert client.post(url).status_code == 302
    [refund] = fake_stripe.posts("/v1/refunds")
    assert refund["form"] == {"payment_intent": "pi_test_exp", "amount": str(order.total)}
    assert _refunded(order)
    order.refresh_from_db()
    assert order.stripe_refund_id
    session.refresh_from_db()
    assert session.held == 0


def test_checked_in_ticket_cannot_be_cancelled():
    session = new_session(capacity=5)
    order = book(session, 1)
    ticket = bookings.issue_tickets(order)[0]
    bookings.check_in(ticket, None)
    state = bookings.cancel_state(order, timezone.now())
    assert not state.allowed and "đã được sử dụng" in state.reason
