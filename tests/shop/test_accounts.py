"""The buyer's account area (/tai-khoan/): sign-up, login by e-mail, logout, password change and
reset by e-mail, "my account", no-store caching, the header link, the officers' read-only list of
data requests."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import NoReverseMatch, reverse

from shop.models import DataRequest

from .test_admin import client_for, make_user

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "Lua-nep-cai-hoa-vang-2025"


def signup(client, **overrides):
    data = {
        "email": "Chi.Mai@Example.VN",
        "name": "  Trần   Thị Mai ",
        "phone": "+84 912 345 678",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return client.post(reverse("account:signup"), data)


def buyer(email="mai@example.vn", password=PASSWORD, name="Trần Thị Mai"):
    return User.objects.create_user(email, email=email, password=password, first_name=name)


def test_signup_creates_a_buyer_by_email_and_logs_in():
    client = Client()
    response = signup(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("account:home")
    user = User.objects.get(username="chi.mai@example.vn")
    assert user.email == "chi.mai@example.vn"
    assert user.get_full_name() == "Trần Thị Mai"
    assert not user.is_staff and not user.is_superuser
    assert user.check_password(PASSWORD)
    home = client.get(reverse("account:home"))
    assert home.status_code == 200
    html = home.content.decode()
    assert "Tài khoản của tôi" in html and "Trần Thị Mai" in html
    for name in ("shop:orders", "account:password_change", "account:data", "account:logout"):
        assert f'href="{reverse(name)}"' in html or f'action="{reverse(name)}"' in html
    # The phone (validated, normalised) pre-fills this session's checkout.
    assert client.session["shop_checkout"]["phone"] == "0912345678"


def test_signup_refuses_a_taken_email_whatever_its_case():
    buyer("mai@example.vn")
    response = signup(Client(), email="MAI@example.vn")
    assert response.status_code == 200
    assert "Email này đã có tài khoản" in response.content.decode()
    assert User.objects.filter(email__iexact="mai@example.vn").count() == 1


@pytest.mark.parametrize(
    "overrides,field,message",
    [
        ({"password2": "khac-mat-khau-123"}, "password2", None),
        ({"password1": "12345678", "password2": "12345678"}, "password2", None),
        ({"phone": "12345"}, "phone", "Số điện thoại không hợp lệ"),
        ({"email": "khong-phai-email"}, "email", "Địa chỉ email không hợp lệ."),
        ({"name": ""}, "name", None),
    ],
)
def test_signup_errors_sit_next_to_their_field(overrides, field, message):
    response = signup(Client(), **overrides)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors.get(field), form.errors
    if message:
        assert any(message in e for e in form.errors[field])
    html = response.content.decode()
    assert f'id="id_{field}-error"' in html
    assert not User.objects.filter(username="chi.mai@example.vn").exists()


def test_every_field_has_a_label():
    html = Client().get(reverse("account:signup")).content.decode()
    for field in ("email", "name", "phone", "password1", "password2"):
        assert f'for="id_{field}"' in html


def test_login_with_email_in_any_case_and_logout_by_post():
    buyer("mai@example.vn")
    client = Client()
    page = client.get(reverse("account:login"))
    assert page.status_code == 200 and 'for="id_username"' in page.content.decode()
    wrong = client.post(reverse("account:login"), {"username": "mai@example.vn", "password": "x"})
    assert wrong.status_code == 200
    assert "Email hoặc mật khẩu không đúng." in wrong.content.decode()
    response = client.post(
        reverse("account:login"), {"username": "MAI@Example.vn", "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == reverse("account:home")
    assert client.get(reverse("shop:orders")).status_code == 200
    # Logging out is a POST (a link could be followed by anyone's prefetcher).
    assert client.get(reverse("account:logout")).status_code == 405
    out = client.post(reverse("account:logout"))
    assert out.status_code == 200 and "Đã đăng xuất" in out.content.decode()
    assert client.get(reverse("account:home")).status_code == 302


def test_login_honours_a_safe_next_only():
    buyer()
    client = Client()
    url = reverse("account:login")
    ok = client.post(
        url + "?next=/shop/cart/", {"username": "mai@example.vn", "password": PASSWORD}
    )
    assert ok["Location"] == "/shop/cart/"
    client.post(reverse("account:logout"))
    evil = client.post(
        url + "?next=https://evil.example/", {"username": "mai@example.vn", "password": PASSWORD}
    )
    assert evil["Location"] == reverse("account:home")


def test_my_orders_now_sends_to_the_buyer_login():
    response = Client().get(reverse("shop:orders"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account:login") + "?next=")


def test_login_merges_the_session_cart(two_variants):
    a = two_variants[0]
    user = buyer()
    client = Client()
    client.post(reverse("shop:cart_add"), {"sku": a.sku, "quantity": "2"})
    client.post(reverse("account:login"), {"username": "mai@example.vn", "password": PASSWORD})
    assert list(user.cart_lines.values_list("sku", "quantity")) == [(a.sku, 2)]


def test_password_change():
    user = buyer()
    client = client_for(user)
    url = reverse("account:password_change")
    page = client.get(url)
    assert page.status_code == 200
    new = "Com-xanh-Vong-mua-thu"
    response = client.post(
        url, {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account:password_change_done")
    user.refresh_from_db()
    assert user.check_password(new)
    # Still logged in (the session hash was updated).
    assert client.get(reverse("account:home")).status_code == 200


def test_password_reset_by_email_link_works():
    user = buyer()
    client = Client()
    response = client.post(reverse("account:password_reset"), {"email": "MAI@example.vn"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["mai@example.vn"]
    assert "Đặt lại mật khẩu" in message.subject
    link = re.search(r"https?://[^/\s]+(/tai-khoan/dat-lai-mat-khau/\S+/)", message.body).group(1)
    page = client.get(link, follow=True)
    assert page.status_code == 200 and page.context["validlink"]
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else link
    new = "Pho-co-Ha-Noi-mua-dong"
    done = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    assert done["Location"] == reverse("account:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(new)
    # The link is used up.
    again = client.get(link, follow=True)
    assert not again.context["validlink"]


def test_password_reset_says_the_same_for_unknown_addresses():
    response = Client().post(reverse("account:password_reset"), {"email": "ai@example.vn"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account:password_reset_done")
    assert mail.outbox == []


@pytest.mark.parametrize(
    "name",
    [
        "account:login",
        "account:signup",
        "account:password_reset",
        "account:password_reset_done",
        "account:data",
        "account:home",
        "account:password_change",
    ],
)
def test_account_pages_are_private_no_store(name):
    client = client_for(buyer()) if name in ("account:home", "account:password_change") else None
    response = (client or Client()).get(reverse(name))
    assert response.status_code == 200
    cache = response["Cache-Control"]
    assert "no-store" in cache and "private" in cache


def test_data_page_of_a_logged_in_buyer_is_no_store():
    response = client_for(buyer()).get(reverse("account:data"))
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_public_header_has_a_static_account_link():
    user = buyer(name="Lê Văn Khách")
    anonymous = Client().get("/").content.decode()
    assert f'href="{reverse("account:home")}">Tài khoản</a>' in anonymous
    logged_in = client_for(user).get("/").content.decode()
    assert f'href="{reverse("account:home")}">Tài khoản</a>' in logged_in
    assert "Lê Văn Khách" not in logged_in and "mai@example.vn" not in logged_in


def test_a_staff_user_may_visit_the_account_page():
    officer = make_user("can-bo-tai-khoan", "Officer", email="canbo@example.vn")
    assert client_for(officer).get(reverse("account:home")).status_code == 200


def test_officers_see_data_requests_read_only_others_do_not():
    DataRequest.objects.create(
        kind=DataRequest.Kind.DELETE,
        status=DataRequest.Status.DONE,
        reference="DHABCDEFGHJK",
        note="Đơn DHABCDEFGHJK đã ẩn danh",
    )
    record = DataRequest.objects.get()
    officer = make_user("can-bo-du-lieu", "Officer")
    producer = make_user("chu-the-du-lieu", "Producer: khong-co")
    index = reverse("yeu-cau-du-lieu:index")
    as_officer = client_for(officer)
    page = as_officer.get(index)
    assert page.status_code == 200
    html = page.content.decode()
    assert "DHABCDEFGHJK" in html and "Đã thực hiện" in html
    assert "/new/" not in html
    assert as_officer.get(reverse("yeu-cau-du-lieu:inspect", args=[record.pk])).status_code == 200
    # No add, edit or delete views exist at all.
    for name, args in (("add", []), ("edit", [record.pk]), ("delete", [record.pk])):
        with pytest.raises(NoReverseMatch):
            reverse(f"yeu-cau-du-lieu:{name}", args=args)
    assert as_officer.post(f"{index}delete/{record.pk}/").status_code == 404
    assert DataRequest.objects.filter(pk=record.pk).exists()
    assert client_for(producer).get(index).status_code in (302, 403)
    assert "yeu-cau-du-lieu" not in client_for(producer).get("/admin/").content.decode()
    assert reverse("yeu-cau-du-lieu:index") in as_officer.get("/admin/").content.decode()


def test_the_admin_keeps_its_own_login():
    response = Client().get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))
