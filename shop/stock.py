"""Reserving, releasing and consuming stock: the only place the shop changes StockItem.

Availability is on_hand − reserved and never goes below zero. Every change is one conditional
UPDATE (`... WHERE on_hand - reserved >= n`), taken in a fixed SKU order inside the caller's
transaction: on PostgreSQL the row lock serialises concurrent buyers and the condition is
re-checked after the wait; on SQLite the write transaction (BEGIN IMMEDIATE) serialises them.
Either way a buyer who loses the race gets InsufficientStock and nothing is half-reserved.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F

from products.models import StockItem, StockMovement


class InsufficientStock(Exception):
    def __init__(self, sku: str, requested: int, available: int):
        self.sku, self.requested, self.available = sku, requested, available
        super().__init__(f"{sku}: cần {requested}, còn {available}")


def _totals(items: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    totals: dict[str, int] = defaultdict(int)
    for sku, quantity in items:
        if int(quantity) <= 0:
            raise ValueError("Số lượng phải là số nguyên dương.")
        totals[sku] += int(quantity)
    return sorted(totals.items())  # fixed order: no deadlocks between two multi-SKU orders


def reserve(items: Iterable[tuple[str, int]]) -> None:
    """Reserve every (sku, quantity) or none of them."""
    with transaction.atomic():
        for sku, quantity in _totals(items):
            updated = StockItem.objects.filter(
                sku=sku, on_hand__gte=F("reserved") + quantity
            ).update(reserved=F("reserved") + quantity)
            if updated != 1:
                item = StockItem.objects.filter(sku=sku).values("on_hand", "reserved").first()
                free = item["on_hand"] - item["reserved"] if item else 0
                raise InsufficientStock(sku, quantity, max(free, 0))


def release(items: Iterable[tuple[str, int]]) -> None:
    """Give reserved units back (order cancelled, Stripe session expired)."""
    with transaction.atomic():
        for sku, quantity in _totals(items):
            StockItem.objects.filter(sku=sku, reserved__gte=quantity).update(
                reserved=F("reserved") - quantity
            )


def consume(items: Iterable[tuple[str, int]], *, reason: str = "", user=None) -> None:
    """Reserved units leave the warehouse (delivered): on hand and reserved both go down."""
    with transaction.atomic():
        for sku, quantity in _totals(items):
            item = StockItem.objects.select_for_update().filter(sku=sku).first()
            if item is None:
                continue
            updated = StockItem.objects.filter(
                sku=sku, reserved__gte=quantity, on_hand__gte=quantity
            ).update(on_hand=F("on_hand") - quantity, reserved=F("reserved") - quantity)
            if updated:
                StockMovement.objects.create(
                    sku=sku,
                    old_on_hand=item.on_hand,
                    new_on_hand=item.on_hand - quantity,
                    user=user,
                    reason=reason[:100],
                )
