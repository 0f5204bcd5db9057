"""Officer onboarding, first-login password change, the stock screen and admin languages."""

from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission

from products.models import FirstLoginPassword, ProducerPage, StockItem, StockMovement
from products.permissions import variants_for
from products.roles import ensure_roles_and_logins, producer_collection, producer_group_name
from tests.products.roles_helpers import login, two_producers

pytestmark = pytest.mark.django_db

TEMP_PASSWORD = "Tam-thoi-2025!x"
NEW_PASSWORD = "Mat-khau-moi-2025!y"


class _FormValues(HTMLParser):
    """Current values of every input/select in a page, as a browser would post them."""

    def __init__(self):
        super().__init__()
        self.values, self._select = {}, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.values[name] = a.get("value", "on")
            else:
                self.values.setdefault(name, a.get("value", ""))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def form_values(html: str) -> dict:
    parser = _FormValues()
    parser.feed(html)
    parser.values.pop("csrfmiddlewaretoken", None)
    return parser.values


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def onboard(client, **overrides):
    data = {
        "title": "HTX Mật ong Sóc Sơn thử nghiệm",
        "slug": "",
        "kind": "cooperative",
        "commune": "",
        "address": "Sóc Sơn, Hà Nội",
        "phone": "0912345678",
        "email": "mat-ong@example.com",
        "password": TEMP_PASSWORD,
    }
    data.update(overrides)
    return client.post(reverse("ocop_onboard"), data)


def test_officer_onboards_a_producer_in_one_step():
    response = onboard(_client(login("officer")))
    assert response.status_code == 302
    producer = ProducerPage.objects.get(slug="htx-mat-ong-soc-son-thu-nghiem")
    assert producer.live
    user = get_user_model().objects.get(username=producer.slug)
    group = Group.objects.get(name=producer_group_name(producer.slug))
    assert list(user.groups.all()) == [group]
    assert {p.permission.codename for p in GroupPagePermission.objects.filter(group=group)} == {
        "add_page",
        "change_page",
    }
    assert GroupPagePermission.objects.filter(group=group).first().page_id == producer.pk
    collection = producer_collection(producer)
    assert collection is not None and collection.name.endswith(producer.title)
    granted = GroupCollectionPermission.objects.filter(group=group, collection=collection)
    assert {g.permission.codename for g in granted} == {"add_image", "change_image", "choose_image"}
    assert FirstLoginPassword.objects.filter(user=user).exists()
    # The new farmer may add products under its own page (once its password is changed).
    assert producer.permissions_for_user(user).can_add_subpage()
    assert not producer.permissions_for_user(user).can_publish()


def test_onboarding_is_all_or_nothing_and_validates():
    client = _client(login("officer"))
    taken = ProducerPage.objects.first().slug
    before = (ProducerPage.objects.count(), Group.objects.count(), Collection.objects.count())
    response = onboard(client, slug=taken)
    assert response.status_code == 200
    assert "Tên đăng nhập này đã có người dùng." in response.content.decode()
    response = onboard(client, password="123")
    assert response.status_code == 200
    after = (ProducerPage.objects.count(), Group.objects.count(), Collection.objects.count())
    assert after == before


def test_farmer_cannot_onboard():
    producer, _ = two_producers()
    response = onboard(_client(login(producer.slug)))
    assert response.status_code in (302, 403)
    assert not ProducerPage.objects.filter(slug="htx-mat-ong-soc-son-thu-nghiem").exists()


def _change_first_password(client, old, new):
    return client.post(
        reverse("ocop_first_password"),
        {"old_password": old, "new_password1": new, "new_password2": new},
    )


def test_first_login_must_change_password():
    onboard(_client(login("officer")))
    client = Client()
    assert client.login(username="htx-mat-ong-soc-son-thu-nghiem", password=TEMP_PASSWORD)
    for url in (reverse("wagtailadmin_explore_root"), reverse("wagtailadmin_account")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("ocop_first_password")
    form = client.get(reverse("ocop_first_password"))
    assert form.status_code == 200 and "Đổi mật khẩu tạm" in form.content.decode()
    response = _change_first_password(client, TEMP_PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert client.get(reverse("wagtailadmin_home")).status_code == 200  # still signed in
    assert not FirstLoginPassword.objects.filter(user__username="htx-mat-ong-soc-son-thu-nghiem")
    fresh = Client()
    assert fresh.login(username="htx-mat-ong-soc-son-thu-nghiem", password=NEW_PASSWORD)


def test_first_login_new_password_must_differ_from_the_temporary_one():
    onboard(_client(login("officer")))
    client = Client()
    assert client.login(username="htx-mat-ong-soc-son-thu-nghiem", password=TEMP_PASSWORD)
    response = _change_first_password(client, TEMP_PASSWORD, TEMP_PASSWORD)
    assert response.status_code == 200
    assert "Mật khẩu mới phải khác mật khẩu tạm" in response.content.decode()
    assert FirstLoginPassword.objects.filter(user__username="htx-mat-ong-soc-son-thu-nghiem")


def test_first_login_without_an_email_can_still_change_it():
    onboard(_client(login("officer")), email="")
    user = get_user_model().objects.get(username="htx-mat-ong-soc-son-thu-nghiem")
    assert user.email == ""
    client = Client()
    assert client.login(username=user.username, password=TEMP_PASSWORD)
    assert _change_first_password(client, TEMP_PASSWORD, NEW_PASSWORD).status_code == 302
    assert not FirstLoginPassword.objects.filter(user=user).exists()
    assert client.get(reverse("wagtailadmin_home")).status_code == 200


def test_first_login_flag_survives_a_password_rehash(settings):
    """Django re-hashes a password at login when the preferred hasher changes; that is not a
    password change and must not lift the first-login requirement."""
    onboard(_client(login("officer")))
    user = get_user_model().objects.get(username="htx-mat-ong-soc-son-thu-nghiem")
    old_hash = user.password
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    client = Client()
    assert client.login(username=user.username, password=TEMP_PASSWORD)
    user.refresh_from_db()
    assert user.password != old_hash and user.password.startswith("pbkdf2_sha256$")  # re-hashed
    assert FirstLoginPassword.objects.filter(user=user).exists()
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 302 and response["Location"] == reverse("ocop_first_password")


def test_demo_logins_do_not_need_a_password_change(demo_password):
    producer, _ = two_producers()
    client = Client()
    assert client.login(username=producer.slug, password=demo_password)
    assert client.get(reverse("wagtailadmin_home")).status_code == 200
    assert client.login(username="officer", password=demo_password)


def test_roles_and_logins_are_idempotent(demo_password):
    counts = (
        Group.objects.count(),
        GroupPagePermission.objects.count(),
        GroupCollectionPermission.objects.count(),
        Collection.objects.count(),
        get_user_model().objects.count(),
    )
    logins = ensure_roles_and_logins(demo_password)
    assert not any(created for _name, _who, created in logins)
    assert len(logins) == ProducerPage.objects.count() + 1
    assert counts == (
        Group.objects.count(),
        GroupPagePermission.objects.count(),
        GroupCollectionPermission.objects.count(),
        Collection.objects.count(),
        get_user_model().objects.count(),
    )


# --- Stock screen ----------------------------------------------------------------------------


def test_farmer_sets_stock_in_one_screen_and_history_records_it():
    producer, other = two_producers()
    farmer = login(producer.slug)
    client = _client(farmer)
    page = client.get(reverse("ocop_stock"))
    data = form_values(page.content.decode())
    own = list(variants_for(farmer).values_list("sku", flat=True))
    assert set(data) == {f"{kind}-{sku}" for sku in own for kind in ("sku", "seen", "was")}
    old = {sku: StockItem.objects.get_or_create(sku=sku)[0].on_hand for sku in own}
    data[f"sku-{own[0]}"] = str(old[own[0]] + 7)
    response = client.post(reverse("ocop_stock"), data)
    assert response.status_code == 302
    assert StockItem.objects.get(sku=own[0]).on_hand == old[own[0]] + 7
    movement = StockMovement.objects.filter(sku=own[0]).first()
    assert (movement.old_on_hand, movement.new_on_hand, movement.user) == (
        old[own[0]],
        old[own[0]] + 7,
        farmer,
    )
    # Only the changed SKU was recorded.
    assert StockMovement.objects.filter(user=farmer).count() == 1
    history = client.get(reverse("ocop_stock_history")).content.decode()
    assert own[0] in history and f"{old[own[0]]} → {old[own[0]] + 7}" in history
    # Another farmer neither sees the movement nor can post stock for these SKUs.
    other_client = _client(login(other.slug))
    assert own[0] not in other_client.get(reverse("ocop_stock_history")).content.decode()
    other_client.post(reverse("ocop_stock"), {f"sku-{own[0]}": "999"})
    assert StockItem.objects.get(sku=own[0]).on_hand == old[own[0]] + 7


def test_stock_rejects_negative_and_below_reserved_without_partial_saves():
    producer, _ = two_producers()
    farmer = login(producer.slug)
    client = _client(farmer)
    own = list(variants_for(farmer).values_list("sku", flat=True))
    item = StockItem.objects.get_or_create(sku=own[0])[0]
    StockItem.objects.filter(pk=item.pk).update(on_hand=10, reserved=4)
    data = form_values(client.get(reverse("ocop_stock")).content.decode())
    data[f"sku-{own[0]}"] = "3"  # below the 4 reserved for orders
    if len(own) > 1:
        data[f"sku-{own[1]}"] = "-1"
    response = client.post(reverse("ocop_stock"), data)
    assert response.status_code == 200
    assert "đang giữ cho đơn hàng" in response.content.decode()
    assert StockItem.objects.get(sku=own[0]).on_hand == 10
    assert not StockMovement.objects.filter(user=farmer).exists()


def test_officer_filters_stock_by_producer():
    producer, other = two_producers()
    response = _client(login("officer")).get(reverse("ocop_stock") + f"?producer={producer.slug}")
    body = response.content.decode()
    assert all(
        f"<code>{s}</code>" in body
        for s in variants_for(login(producer.slug)).values_list("sku", flat=True)
    )
    assert not any(
        f"<code>{s}</code>" in body
        for s in variants_for(login(other.slug)).values_list("sku", flat=True)
    )


# --- Languages -------------------------------------------------------------------------------


def test_admin_is_vietnamese_by_default_even_for_an_english_browser():
    producer, _ = two_producers()
    client = _client(login(producer.slug))
    html = client.get(reverse("wagtailadmin_home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="vi"' in html
    assert reverse("ocop_stock") in html and reverse("ocop_my_products") in html  # menu
    assert "Bảng điều khiển" in html or "Trang" in html


def test_a_user_can_switch_the_admin_to_english():
    producer, _ = two_producers()
    client = _client(login(producer.slug))
    account = client.get(reverse("wagtailadmin_account")).content.decode()
    assert 'value="en"' in account
    data = form_values(account)
    data["locale-preferred_language"] = "en"
    assert client.post(reverse("wagtailadmin_account"), data).status_code == 302
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert '<html lang="en"' in html
    assert "Dashboard" in html or "Pages" in html
    # Another user is unaffected.
    other = _client(login("officer")).get(reverse("wagtailadmin_home")).content.decode()
    assert '<html lang="vi"' in other


def test_group_follows_a_producer_slug_change():
    producer, _ = two_producers()
    farmer = login(producer.slug)
    own_skus = set(variants_for(farmer).values_list("sku", flat=True))
    producer.slug = producer.slug + "-moi"
    producer.save_revision().publish()
    assert farmer.groups.get().name == producer_group_name(producer.slug)
    farmer = login(farmer.username)  # fresh object: no cached group names
    assert set(variants_for(farmer).values_list("sku", flat=True)) == own_skus
