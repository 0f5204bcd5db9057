"""Stock lives outside page revisions; every change is recorded."""

import pytest
from django.contrib.auth import get_user_model

from products.models import ProductPage, StockItem, StockMovement
from products.stock import availability, set_on_hand

pytestmark = pytest.mark.django_db


@pytest.fixture
def tea():
    return ProductPage.objects.get(slug="tra-sen-hien-xiem-uop-sen-bach-diep")


def test_publishing_an_older_revision_never_changes_stock(tea):
    sku = tea.variants.get().sku
    first = tea.save_revision()
    first.publish()
    set_on_hand(sku, 40, reason="nhập kho")

    variant = tea.variants.get()
    variant.price = 700000
    tea.variants = [variant]
    tea.save_revision().publish()
    assert ProductPage.objects.get(pk=tea.pk).min_price == 700000
    set_on_hand(sku, 12, reason="bán lẻ")

    first.publish()  # roll back to the old revision
    tea.refresh_from_db()
    assert tea.min_price == 650000
    assert tea.variants.get().sku == sku
    assert StockItem.objects.get(sku=sku).on_hand == 12


def test_set_on_hand_records_who_when_old_and_new(tea):
    sku = tea.variants.get().sku
    user = get_user_model().objects.get(username="admin")
    old = StockItem.objects.get(sku=sku).on_hand
    before = StockMovement.objects.filter(sku=sku).count()
    set_on_hand(sku, old + 5, user=user, reason="kiểm kê")
    movement = StockMovement.objects.filter(sku=sku).first()
    assert (movement.old_on_hand, movement.new_on_hand, movement.user) == (old, old + 5, user)
    assert movement.created_at is not None
    assert movement.reason == "kiểm kê"
    set_on_hand(sku, old + 5, user=user)  # no change, no record
    assert StockMovement.objects.filter(sku=sku).count() == before + 1


def test_stock_cannot_go_negative_or_below_reserved(tea):
    sku = tea.variants.get().sku
    with pytest.raises(ValueError):
        set_on_hand(sku, -1)
    StockItem.objects.filter(sku=sku).update(on_hand=10, reserved=4)
    with pytest.raises(ValueError, match="giữ cho đơn"):
        set_on_hand(sku, 3)
    assert availability([sku, "khong-co"]) == {sku: 6, "khong-co": 0}


def test_publishing_a_new_variant_creates_its_stock_row_at_zero(tea):
    from products.models import ProductVariant

    tea.variants = [
        *tea.variants.all(),
        ProductVariant(sku="tra-sen-hop-200g", label="Hộp 200 g", price=1200000),
    ]
    tea.save_revision().publish()
    assert StockItem.objects.get(sku="tra-sen-hop-200g").on_hand == 0
    assert ProductPage.objects.get(pk=tea.pk).min_price == 650000
