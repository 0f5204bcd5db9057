"""Stock levels per SKU: reading availability and recording every change.

Stock lives outside page revisions (see DESIGN.md); the shop reserves and consumes through its
own service, this module only reads and sets on-hand quantities.
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils.translation import gettext as _

from .models import ProductVariant, StockItem, StockMovement


def ensure_stock_items(skus: Iterable[str]) -> None:
    skus = set(skus)
    existing = set(StockItem.objects.filter(sku__in=skus).values_list("sku", flat=True))
    StockItem.objects.bulk_create(
        [StockItem(sku=sku) for sku in sorted(skus - existing)], ignore_conflicts=True
    )


def availability(skus: Iterable[str]) -> dict[str, int]:
    """Available units (on hand − reserved) for each SKU; unknown SKUs have 0."""
    skus = list(skus)
    found = dict(
        StockItem.objects.filter(sku__in=skus)
        .annotate(free=F("on_hand") - F("reserved"))
        .values_list("sku", "free")
    )
    return {sku: max(found.get(sku, 0), 0) for sku in skus}


def in_stock_condition(variant_outer_ref: str = "pk"):
    """An Exists() expression: the product has at least one variant with stock available."""
    stocked = StockItem.objects.filter(sku=OuterRef("sku"), on_hand__gt=F("reserved"))
    return Exists(
        ProductVariant.objects.filter(page=OuterRef(variant_outer_ref)).filter(Exists(stocked))
    )


@transaction.atomic
def set_on_hand(sku: str, quantity: int, *, user=None, reason: str = "") -> StockItem:
    """Set the on-hand quantity of a SKU, recording who changed it and from what."""
    if quantity < 0:
        raise ValueError(_("Số lượng tồn kho không được âm."))
    item, _created = StockItem.objects.select_for_update().get_or_create(sku=sku)
    if quantity < item.reserved:
        raise ValueError(
            _("Không thể đặt tồn kho %(n)s: đang có %(reserved)s đơn vị giữ cho đơn hàng.")
            % {"n": quantity, "reserved": item.reserved}
        )
    old = item.on_hand
    if old != quantity:
        item.on_hand = quantity
        item.save(update_fields=["on_hand", "updated_at"])
        StockMovement.objects.create(
            sku=sku, old_on_hand=old, new_on_hand=quantity, user=user, reason=reason
        )
    return item
