"""Login lockout (issue 20, django-axes): after AXES_FAILURE_LIMIT wrong passwords one username
from one address is locked for the cool-off — even with the right password — with a Vietnamese
429 page and Retry-After; other addresses and other usernames are not; an officer unlocks it
from the admin (Cài đặt → Đăng nhập bị khóa)."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client

from tests.shop.test_admin import client_for, make_user

pytestmark = pytest.mark.django_db
PASSWORD = "Lua-nep-cai-hoa-vang-2025"
ADMIN_LOGIN = "/admin/login/"
BUYER_LOGIN = "/tai-khoan/dang-nhap/"


@pytest.fixture(autouse=True)
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5


def _staff(username="lockme"):
    user = get_user_model().objects.create_superuser(username, f"{username}@example.vn", PASSWORD)
    return user


def _assert_locked(response):
    assert response.status_code == 429
    assert response["Retry-After"] == str(15 * 60)
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "Tạm khóa đăng nhập" in html and "15 phút" in html


def test_admin_login_locks_after_five_failures_even_for_the_right_password():
    _staff()
    client = Client(REMOTE_ADDR="10.9.0.1")
    for _ in range(4):
        response = client.post(ADMIN_LOGIN, {"username": "lockme", "password": "wrong"})
        assert response.status_code == 200  # the form again, with its error
    _assert_locked(client.post(ADMIN_LOGIN, {"username": "lockme", "password": "wrong"}))
    _assert_locked(client.post(ADMIN_LOGIN, {"username": "lockme", "password": PASSWORD}))
    assert "_auth_user_id" not in client.session
    # Per username + address: the same login from another address still works.
    other = Client(REMOTE_ADDR="10.9.0.2")
    response = other.post(ADMIN_LOGIN, {"username": "lockme", "password": PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" in other.session


def test_a_success_before_the_limit_resets_the_count():
    _staff()
    client = Client(REMOTE_ADDR="10.9.1.1")
    for _ in range(4):
        client.post(ADMIN_LOGIN, {"username": "lockme", "password": "wrong"})
    assert client.post(ADMIN_LOGIN, {"username": "lockme", "password": PASSWORD}).status_code == 302
    client.logout()
    for _ in range(4):
        assert (
            client.post(ADMIN_LOGIN, {"username": "lockme", "password": "wrong"}).status_code == 200
        )


def test_buyer_login_locks_by_email_whatever_its_case():
    get_user_model().objects.create_user(
        "mai@example.vn", email="mai@example.vn", password=PASSWORD
    )
    client = Client(REMOTE_ADDR="10.9.2.1")
    for n in range(4):
        email = "MAI@example.vn" if n % 2 else "mai@example.vn"
        response = client.post(BUYER_LOGIN, {"username": email, "password": "wrong"})
        assert response.status_code == 200
    _assert_locked(client.post(BUYER_LOGIN, {"username": "Mai@Example.VN", "password": "x"}))
    _assert_locked(client.post(BUYER_LOGIN, {"username": "mai@example.vn", "password": PASSWORD}))


def test_an_officer_unlocks_and_a_producer_cannot_see_the_screen():
    _staff()
    attacker = Client(REMOTE_ADDR="10.9.3.1")
    for _ in range(5):
        attacker.post(ADMIN_LOGIN, {"username": "lockme", "password": "wrong"})
    _assert_locked(attacker.post(ADMIN_LOGIN, {"username": "lockme", "password": PASSWORD}))
    attempt = AccessAttempt.objects.get(username="lockme")

    from products.models import ProducerPage

    slug = ProducerPage.objects.order_by("title").first().slug
    producer = client_for(make_user("farmer", f"Producer: {slug}"))
    assert producer.get("/admin/ocop/khoa-dang-nhap/").status_code in (302, 403)
    assert producer.post("/admin/ocop/khoa-dang-nhap/", {"attempt": attempt.pk}).status_code in (
        302,
        403,
    )
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()

    officer = client_for(make_user("officer-x", "Officer"))
    listing = officer.get("/admin/ocop/khoa-dang-nhap/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "lockme" in html and "10.9.3.1" in html and "Mở khóa" in html
    home = officer.get("/admin/").content.decode()
    assert "/admin/ocop/khoa-dang-nhap/" in home  # reachable from the admin menu
    response = officer.post("/admin/ocop/khoa-dang-nhap/", {"attempt": attempt.pk})
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="lockme").exists()
    again = attacker.post(ADMIN_LOGIN, {"username": "lockme", "password": PASSWORD})
    assert again.status_code == 302 and "_auth_user_id" in attacker.session


def test_lockout_log_lines_name_no_username_or_address(caplog):
    get_user_model().objects.create_user("lan@example.vn", email="lan@example.vn", password="x")
    client = Client(REMOTE_ADDR="10.9.4.1")
    with caplog.at_level("DEBUG"):
        for _ in range(6):
            client.post(BUYER_LOGIN, {"username": "lan@example.vn", "password": "wrong"})
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "AXES" in text
    assert "lan@example.vn" not in text and "10.9.4.1" not in text
