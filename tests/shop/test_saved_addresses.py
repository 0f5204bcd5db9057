"""Saved addresses (shop/addresses.py): account holders keep an address book at
/tai-khoan/dia-chi/ (add, edit, default, delete; exactly one default; never another's), the
checkout pre-fills the default, offers each saved address as a link and saves a new one when
the box is ticked; guests are offered no saving."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from products.reference import Commune
from shop import addresses
from shop.models import Order, SavedAddress

from .test_views import checkout_post, fill_cart

pytestmark = pytest.mark.django_db
PASSWORD = "Mat-khau-dai-2025"
BAT_TRANG = "00577"  # Xã Bát Tràng, Hà Nội


def buyer(name="lan"):
    user = get_user_model().objects.create_user(name, f"{name}@example.vn", PASSWORD)
    client = Client()
    client.force_login(user)
    return user, client


def address_post(**overrides):
    data = {
        "recipient": "Nguyễn Thị Lan",
        "phone": "0912 345 678",
        "province": "01",
        "commune": BAT_TRANG,
        "street": "Số 3 ngõ Gốm",
    }
    data.update(overrides)
    return data


def test_address_book_add_default_edit_delete():
    user, client = buyer()
    add = reverse("account:address_add")
    assert client.post(add, address_post()).status_code == 302
    first = SavedAddress.objects.get()
    assert first.is_default and first.phone == "0912345678"  # the first one is the default
    # The same address again is not a second entry.
    client.post(add, address_post())
    assert SavedAddress.objects.count() == 1
    # Found by a pre-2025 name, no list choice needed.
    client.post(
        add,
        address_post(
            commune="", commune_query="Kiêu Kỵ, Gia Lâm", street="Thôn 2", is_default="on"
        ),
    )
    second = SavedAddress.objects.exclude(pk=first.pk).get()
    first.refresh_from_db()
    assert second.is_default and not first.is_default
    assert second.commune.name == "Gia Lâm"
    page = client.get(reverse("account:addresses")).content.decode()
    assert "Số 3 ngõ Gốm" in page and "Thôn 2" in page

    client.post(reverse("account:addresses"), {"address": first.pk, "action": "default"})
    assert SavedAddress.objects.get(is_default=True) == first

    edit = reverse("account:address_edit", args=[second.pk])
    assert "Thôn 2" in client.get(edit).content.decode()
    client.post(edit, address_post(street="Thôn 3, xóm Đình"))
    second.refresh_from_db()
    assert second.street == "Thôn 3, xóm Đình" and not second.is_default

    # Deleting the default makes the other one the default.
    client.post(reverse("account:addresses"), {"address": first.pk, "action": "delete"})
    assert list(SavedAddress.objects.values_list("pk", "is_default")) == [(second.pk, True)]


def test_nobody_touches_another_buyers_addresses():
    owner, _client = buyer("lan")
    saved = addresses.save(
        owner,
        recipient="Lan",
        phone="0912345678",
        commune=Commune.objects.get(code=BAT_TRANG),
        street="Số 1",
    )
    _other, client = buyer("minh")
    assert client.get(reverse("account:address_edit", args=[saved.pk])).status_code == 404
    client.post(reverse("account:addresses"), {"address": saved.pk, "action": "delete"})
    assert SavedAddress.objects.filter(pk=saved.pk).exists()
    assert "Số 1" not in client.get(reverse("account:addresses")).content.decode()
    # Signed out: the login page.
    response = Client().get(reverse("account:addresses"))
    assert response.status_code == 302 and "dang-nhap" in response["Location"]


def test_the_book_is_limited():
    user, _client = buyer()
    commune = Commune.objects.get(code=BAT_TRANG)
    for n in range(SavedAddress.MAX_PER_USER):
        assert addresses.save(
            user, recipient="Lan", phone="0912345678", commune=commune, street=f"Số {n}"
        )
    assert (
        addresses.save(user, recipient="Lan", phone="0912345678", commune=commune, street="Số 99")
        is None
    )
    assert SavedAddress.objects.filter(user=user, is_default=True).count() == 1


def test_checkout_prefills_the_default_offers_each_and_saves_a_new_one(two_variants):
    user, client = buyer()
    commune = Commune.objects.get(code=BAT_TRANG)
    home = addresses.save(
        user, recipient="Lan", phone="0912345678", commune=commune, street="Số 3 ngõ Gốm"
    )
    work = addresses.save(
        user, recipient="Lan (cơ quan)", phone="0987654321", commune=commune, street="Số 9 phố Làng"
    )
    fill_cart(client, two_variants)
    page = client.get("/shop/checkout/").content.decode()
    assert 'value="Số 3 ngõ Gốm"' in page  # the default, pre-filled
    assert f'href="?dia_chi={work.pk}"' in page and 'name="save_address"' in page
    page = client.get("/shop/checkout/", {"dia_chi": work.pk}).content.decode()
    assert 'value="Số 9 phố Làng"' in page and 'value="0987654321"' in page
    assert home.is_default

    # A new address, with the box ticked: saved once the order is placed.
    client.post(
        "/shop/checkout/",
        checkout_post(two_variants, street="Số 20 đường Đê", save_address="on"),
    )
    assert not SavedAddress.objects.filter(street="Số 20 đường Đê").exists()
    client.post("/shop/checkout/review/")
    assert Order.objects.get().street == "Số 20 đường Đê"
    new = SavedAddress.objects.get(street="Số 20 đường Đê")
    assert new.user == user and new.phone == "0912345678" and not new.is_default


def test_checkout_without_the_box_saves_nothing_and_guests_are_not_offered_it(two_variants):
    user, client = buyer()
    fill_cart(client, two_variants)
    client.post("/shop/checkout/", checkout_post(two_variants))
    client.post("/shop/checkout/review/")
    assert Order.objects.count() == 1 and not SavedAddress.objects.exists()

    guest = Client()
    fill_cart(guest, two_variants)
    page = guest.get("/shop/checkout/").content.decode()
    assert 'name="save_address"' not in page and "dia_chi" not in page
    guest.post("/shop/checkout/", checkout_post(two_variants, save_address="on"))
    guest.post("/shop/checkout/review/")
    assert Order.objects.count() == 2 and not SavedAddress.objects.exists()
