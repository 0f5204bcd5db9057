"""Seller identity: formats checked, seen only by the producer and officers, the legally
required identifier public on the producer page, the bank account used for payouts."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from products.models import ProducerPage, SellerIdentity
from tests.products.roles_helpers import login, two_producers

pytestmark = pytest.mark.django_db
URL = reverse("ocop_seller_identity")


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _data(**overrides):
    data = {
        "tax_code": "0312345678",
        "citizen_id": "",
        "registration_number": "0312345678",
        "registration_date": "2019-05-14",
        "bank_bin": "970436",
        "bank_account": "9988 7766 55",
        "bank_holder": "Công ty Gốm Quang Vinh",
    }
    data.update(overrides)
    return data


def test_formats_are_checked_in_vietnamese():
    producer, _other = two_producers()
    ProducerPage.objects.filter(pk=producer.pk).update(kind="enterprise")
    client = _client(login(producer.slug))
    response = client.post(URL, _data(tax_code="12345", bank_account="12", registration_date=""))
    html = response.content.decode()
    assert response.status_code == 200 and not SellerIdentity.objects.exists()
    assert "Mã số thuế gồm 10 chữ số" in html
    assert "Số tài khoản gồm 6 đến 19" in html and "Nhập ngày đăng ký kinh doanh" in html
    ProducerPage.objects.filter(pk=producer.pk).update(kind="household")
    response = client.post(URL, _data(tax_code="", citizen_id="0012"))
    assert "Số CCCD gồm đúng 12 chữ số" in response.content.decode()
    assert client.post(URL, _data(tax_code="", citizen_id="001203004567")).status_code == 302
    identity = SellerIdentity.objects.get(producer=producer)
    assert identity.bank_account == "9988776655" and identity.bank_holder == (
        "CONG TY GOM QUANG VINH"
    )


def test_only_the_producer_and_officers_see_it_and_the_public_sees_the_tax_code():
    producer, other = two_producers()
    ProducerPage.objects.filter(pk=producer.pk).update(kind="enterprise")
    assert _client(login(producer.slug)).post(URL, _data()).status_code == 302
    other_page = _client(login(other.slug)).get(URL).content.decode()
    assert "9988776655" not in other_page and "0312345678" not in other_page
    officer = _client(login("officer")).get(URL + f"?producer={producer.slug}").content.decode()
    assert "9988776655" in officer
    public = Client().get(ProducerPage.objects.get(pk=producer.pk).url).content.decode()
    assert "Mã số thuế: 0312345678" in public  # the tax code: required to be public
    assert "9988776655" not in public
    assert Client().get(URL).status_code == 302  # anonymous: to the login


def test_payout_file_uses_the_bank_account(settings):
    from shop import ledger, orders
    from shop.checkout import place_order
    from tests.shop.conftest import address, in_stock_skus
    from tests.shop.test_admin import client_for, make_user

    settings.SHOP_PAYOUT_MINIMUM = 1
    a = in_stock_skus(1)[0]
    SellerIdentity.objects.create(
        producer_id=a.page.producer_id,
        tax_code="0312345678",
        bank_bin="970415",
        bank_account="1020304050",
        bank_holder="NGUYEN VAN A",
    )
    order = place_order(
        items={a.sku: 1},
        address=address(),
        shipping={a.page.producer_id: "delivery"},
        payment_method="vietqr",
    )
    orders.mark_paid(order)
    batch = ledger.create_payout_batch()
    officer = make_user("can-bo-chi", "Officer")
    rows = (
        client_for(officer).get(f"/admin/shop/chi-tra/{batch.pk}.csv").content.decode("utf-8-sig")
    )
    assert "970415,1020304050,NGUYEN VAN A" in rows


def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_only_officers_set_a_producers_own_commission_and_the_ledger_uses_it(settings):
    from shop import ledger, orders
    from shop.checkout import place_order
    from tests.shop.conftest import address, in_stock_skus

    settings.SHOP_COMMISSION_BP = 300
    a = in_stock_skus(1)[0]
    producer = ProducerPage.objects.get(pk=a.page.producer_id)
    ProducerPage.objects.filter(pk=producer.pk).update(kind="enterprise")
    farmer = _client(login(producer.slug))
    assert 'name="commission_bp"' not in farmer.get(URL).content.decode()
    farmer.post(URL, _data(commission_bp="0"))  # not the seller's to set: ignored
    assert SellerIdentity.objects.get(producer=producer).commission_bp is None
    officer = _client(login("officer"))
    assert (
        officer.post(URL + f"?producer={producer.slug}", _data(commission_bp="0")).status_code
        == 302
    )
    assert SellerIdentity.objects.get(producer=producer).commission_bp == 0
    order = place_order(
        items={a.sku: 1},
        address=address(),
        shipping={producer.pk: "delivery"},
        payment_method="vietqr",
    )
    orders.mark_paid(order)
    part = order.shipments.get()
    assert ledger.owed_to_producer(producer.pk) == part.subtotal  # no commission, no tax
    assert ledger.balance("commission") == 0
