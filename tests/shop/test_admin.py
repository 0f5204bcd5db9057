"""Order admin: officers see everything, a producer only its own parts; CSV export by date."""

import csv
import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.utils import timezone

from shop.checkout import place_order
from shop.models import Order
from shop.permissions import is_officer, producer_ids_for

from .conftest import address

pytestmark = pytest.mark.django_db


def make_user(username, group_name=None, **extra):
    user = get_user_model().objects.create_user(username, password="mat-khau-dai-123", **extra)
    if group_name:
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(Permission.objects.get(codename="access_admin"))
        user.groups.add(group)
    return user


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def setup(two_variants):
    a, b = two_variants
    order = place_order(
        items={a.sku: 1, b.sku: 2},
        address=address(),
        shipping={a.page.producer_id: "delivery", b.page.producer_id: "pickup"},
        payment_method="cod",
    )
    officer = make_user("can-bo-xa", "Officer")
    farmer_a = make_user("nong-dan-a", f"Producer: {a.page.producer.slug}")
    farmer_b = make_user("nong-dan-b", f"Producer: {b.page.producer.slug}")
    return order, a, b, officer, farmer_a, farmer_b


def test_roles_resolved_from_group_names(setup):
    order, a, b, officer, farmer_a, _farmer_b = setup
    assert is_officer(officer) and not is_officer(farmer_a)
    assert producer_ids_for(farmer_a) == {a.page.producer_id}
    assert producer_ids_for(officer) == set()
    assert producer_ids_for(make_user("khach")) == set()


def test_officer_sees_all_lines_producer_only_its_own(setup):
    order, a, b, officer, farmer_a, farmer_b = setup
    url = f"/admin/shop/orders/{order.reference}/"
    page = client_for(officer).get(url).content.decode()
    assert a.page.title in page and b.page.title in page
    page = client_for(farmer_a).get(url).content.decode()
    assert a.page.title in page and b.page.title not in page
    assert a.sku in page and b.sku not in page
    page = client_for(farmer_b).get(url).content.decode()
    assert b.sku in page and a.sku not in page
    listing = client_for(farmer_a).get("/admin/shop/orders/").content.decode()
    assert order.reference in listing and b.page.producer.title not in listing


def test_producer_cannot_see_orders_without_its_products(setup, two_variants):
    order, a, b, officer, farmer_a, farmer_b = setup
    only_b = place_order(
        items={b.sku: 1},
        address=address(),
        shipping={b.page.producer_id: "delivery"},
        payment_method="cod",
    )
    client = client_for(farmer_a)
    assert client.get(f"/admin/shop/orders/{only_b.reference}/").status_code == 404
    assert only_b.reference not in client.get("/admin/shop/orders/").content.decode()
    assert client_for(make_user("khach")).get("/admin/shop/orders/").status_code in (302, 403)


def test_producer_ships_only_its_own_part(setup):
    order, a, b, officer, farmer_a, farmer_b = setup
    part_a = order.shipments.get(producer_id=a.page.producer_id)
    part_b = order.shipments.get(producer_id=b.page.producer_id)
    url = f"/admin/shop/orders/{order.reference}/"
    client = client_for(farmer_a)
    client.post(url, {"action": "part_shipped", "part": part_b.pk})
    part_b.refresh_from_db()
    assert part_b.status == "pending"
    client.post(url, {"action": "part_shipped", "part": part_a.pk})
    part_a.refresh_from_db()
    assert part_a.status == "shipped"
    assert part_a.history.get().user == farmer_a
    client.post(url, {"action": "cod_collected", "part": part_a.pk})
    part_a.refresh_from_db()
    assert part_a.cod_collected_at is not None
    # Only officers cancel.
    client.post(url, {"action": "cancel"})
    order.refresh_from_db()
    assert order.status != Order.Status.CANCELLED
    client_for(officer).post(url, {"action": "cancel", "note": "hết hàng"})
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED


def test_officer_confirms_vietqr_transfer(two_variants):
    a = two_variants[0]
    order = place_order(
        items={a.sku: 1},
        address=address(),
        shipping={a.page.producer_id: "delivery"},
        payment_method="vietqr",
    )
    officer = make_user("can-bo", "Officer")
    client_for(officer).post(
        f"/admin/shop/orders/{order.reference}/", {"action": "confirm_transfer"}
    )
    order.refresh_from_db()
    assert order.status == Order.Status.PAID and order.is_paid


def _csv(response):
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_csv_export_by_date_range_and_scope(setup):
    order, a, b, officer, farmer_a, farmer_b = setup
    old = place_order(
        items={a.sku: 1},
        address=address(),
        shipping={a.page.producer_id: "delivery"},
        payment_method="cod",
    )
    Order.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=40))
    today = timezone.localdate()
    query = f"?date_from={today - datetime.timedelta(days=7)}&date_to={today}"
    rows = _csv(client_for(officer).get("/admin/shop/orders/export.csv" + query))
    assert rows[0][0] == "Mã đơn"
    assert {r[0] for r in rows[1:]} == {order.reference}
    assert {r[8] for r in rows[1:]} == {a.sku, b.sku}
    rows = _csv(client_for(farmer_a).get("/admin/shop/orders/export.csv" + query))
    assert [r[8] for r in rows[1:]] == [a.sku]
    everything = _csv(client_for(officer).get("/admin/shop/orders/export.csv"))
    assert {r[0] for r in everything[1:]} == {order.reference, old.reference}


def test_shipping_asks_carrier_and_tracking_and_the_buyer_sees_them(setup):
    order, a, b, officer, farmer_a, farmer_b = setup
    part_a = order.shipments.get(producer_id=a.page.producer_id)
    url = f"/admin/shop/orders/{order.reference}/"
    client = client_for(farmer_a)
    page = client.get(url).content.decode()
    assert 'name="tracking"' in page and 'name="carrier"' in page
    assert f'href="tel:{order.phone}"' in page  # tap to call the buyer
    client.post(
        url,
        {"action": "part_shipped", "part": part_a.pk, "carrier": "GHTK", "tracking": "S123.BO45"},
    )
    part_a.refresh_from_db()
    assert (part_a.status, part_a.carrier, part_a.tracking_code) == ("shipped", "GHTK", "S123.BO45")
    buyer_page = Client().get(order.signed_url()).content.decode()
    assert "GHTK" in buyer_page and "S123.BO45" in buyer_page


def test_order_screens_load_the_phone_stylesheet(setup):
    order, a, b, officer, farmer_a, farmer_b = setup
    html = client_for(farmer_a).get("/admin/shop/orders/").content.decode()
    assert "shop/admin.css" in html and 'data-label="' in html


def test_packing_slip_prints_one_part_for_its_own_producer_only(setup):
    order, a, b, officer, farmer_a, farmer_b = setup
    part_a = order.shipments.get(producer_id=a.page.producer_id)
    url = f"/admin/shop/orders/{order.reference}/phieu-giao/{part_a.pk}/"
    html = client_for(farmer_a).get(url).content.decode()
    assert order.reference in html and order.recipient in html and a.sku in html
    assert b.sku not in html
    assert "Thu tiền khi giao" in html  # COD: the amount to collect is on the slip
    assert client_for(farmer_b).get(url).status_code == 404
    assert client_for(officer).get(url).status_code == 200
    detail = client_for(farmer_a).get(f"/admin/shop/orders/{order.reference}/").content.decode()
    assert url in detail
