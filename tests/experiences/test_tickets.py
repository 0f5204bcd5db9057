"""Ticket lookup: the owner producer and officers see the booking and check it in; another
producer and anonymous visitors see only "valid ticket for <session>"; lookup by typed code;
the producer's participant list (printable, CSV) in the admin."""

import pytest
from django.test import Client

from experiences import bookings
from tests.conftest import DEMO_PASSWORD
from tests.qr_decode import decode_svg

from .conftest import book, new_session

pytestmark = pytest.mark.django_db

OWNER, OTHER, OFFICER = "gom-su-quang-vinh", "htx-hong-van", "officer"


def login(username):
    client = Client()
    assert client.login(username=username, password=DEMO_PASSWORD)
    return client


@pytest.fixture
def ticket():
    session = new_session(capacity=6)
    order = book(session, 2)
    return bookings.issue_tickets(order)[0]


def test_ticket_token_is_long_and_code_typed(ticket):
    assert len(ticket.token) >= 32 and len(ticket.code) == 8
    assert bookings.issue_tickets(ticket.order) == [ticket]  # idempotent


def test_anonymous_and_other_producer_see_only_validity(ticket):
    for client in (Client(), login(OTHER)):
        response = client.get(ticket.get_absolute_url())
        page = response.content.decode()
        assert response.status_code == 200
        assert "Vé hợp lệ cho Lớp học làm gốm Bát Tràng" in page
        assert ticket.session.meeting_point in page
        for private in (ticket.order.recipient, ticket.order.phone, ticket.order.reference):
            assert private not in page
        assert "Xác nhận khách đã đến" not in page
        assert response["X-Robots-Tag"] == "noindex"


@pytest.mark.parametrize("username", [OWNER, OFFICER])
def test_owner_and_officer_see_booking_and_check_in(ticket, username):
    client = login(username)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert ticket.order.recipient in page and ticket.order.phone in page
    assert "Chưa thanh toán" in page  # COD: paid on site
    assert 'class="ticket-participants">2<' in page
    response = client.post(f"/trai-nghiem/ve/{ticket.token}/den/", follow=True)
    ticket.refresh_from_db()
    assert ticket.checked_in_at is not None
    assert "Đã xác nhận khách đến" in response.content.decode()
    assert "Xác nhận khách đã đến</button>" not in response.content.decode()


def test_other_producer_cannot_check_in(ticket):
    response = login(OTHER).post(f"/trai-nghiem/ve/{ticket.token}/den/")
    assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.checked_in_at is None
    assert Client().post(f"/trai-nghiem/ve/{ticket.token}/den/").status_code == 403


def test_unknown_or_silly_tokens_are_404(ticket):
    client = Client()
    for token in ("x", ticket.token[:-1] + ("B" if ticket.token[-1] == "A" else "A"), "a" * 80):
        assert client.get(f"/trai-nghiem/ve/{token}/").status_code == 404


def test_qr_encodes_the_ticket_url(ticket):
    svg = Client().get(f"/trai-nghiem/ve/{ticket.token}/qr.svg").content.decode()
    [text] = decode_svg(svg)
    assert text.startswith("http") and text.endswith(ticket.get_absolute_url())


def test_lookup_by_typed_code(ticket):
    owner = login(OWNER)
    response = owner.get("/admin/trai-nghiem/tra-ve/", {"ma": ticket.code.lower()})
    assert response.status_code == 302 and response["Location"] == ticket.get_absolute_url()
    response = login(OTHER).get("/admin/trai-nghiem/tra-ve/", {"ma": ticket.code})
    assert response.status_code == 200
    assert "Không tìm thấy vé có mã này" in response.content.decode()
    response = owner.get("/admin/trai-nghiem/tra-ve/", {"ma": "<script>"})
    assert response.status_code == 200 and "Không tìm thấy vé" in response.content.decode()


def test_participant_list_scoped_printable_and_csv(ticket):
    session = ticket.session
    url = f"/admin/trai-nghiem/buoi/{session.pk}/"
    owner = login(OWNER)
    listing = owner.get("/admin/trai-nghiem/buoi/").content.decode()
    assert url in listing
    page = owner.get(url).content.decode()
    assert ticket.code in page and ticket.order.recipient in page
    printable = owner.get(url + "?in=1").content.decode()
    assert "<!doctype html>" in printable and ticket.code in printable
    csv = owner.get(url + "khach.csv")
    text = csv.content.decode("utf-8-sig")
    assert csv["Content-Type"].startswith("text/csv")
    assert text.splitlines()[0].startswith("Mã vé,Đơn hàng,Người đặt")
    assert f"{ticket.code},{ticket.order.reference},{ticket.order.recipient}" in text
    other = login(OTHER)
    assert url not in other.get("/admin/trai-nghiem/buoi/").content.decode()
    assert other.get(url).status_code == 404
    assert other.get(url + "khach.csv").status_code == 404
    assert url in login(OFFICER).get("/admin/trai-nghiem/buoi/").content.decode()
