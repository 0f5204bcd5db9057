"""Stock: the only code that writes StockItem and StockMovement.

Every operation on stock lives here — set on hand (stock screen, demo, imports), reserve,
release, consume, restock (an accepted return) — and each one, once its transaction commits,
sends one `stock_changed` event naming the SKUs it touched. The search index and any page
cache listen to that event; nothing else needs to know how stock is stored. (Modelled on
saleor's warehouse management: allocate / deallocate / decrease in one service, rows taken in
a fixed order.)

Availability is on_hand − reserved and never goes below zero (a CHECK constraint backs that).
Reserve, release and consume are conditional UPDATEs (`... WHERE on_hand - reserved >= n`)
taken in sorted SKU order inside the caller's transaction: on PostgreSQL the row lock
serialises concurrent buyers and the condition is re-checked after the wait; on SQLite the
write transaction serialises them. A buyer who loses the race gets InsufficientStock and
nothing is half-reserved.

Each row carries a `version`, raised by every operation, so a screen can write "what the
editor saw, changed to this" and refuse when the row moved in between (`set_many`).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import django.dispatch
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils.translation import gettext as _

from . import sources
from .models import ProductVariant, StockItem, StockMovement

# Sent after commit, once per operation: sender=StockItem, skus=frozenset[str], operation=str
# ("set", "reserve", "release", "consume", "restock"), flipped=frozenset[str]: the SKUs whose
# availability went to zero or up from zero (their "in stock" changed). Read off each row as
# the operation wrote it, under its lock, so no flip is missed when buyers race; a sale that
# leaves units behind flips nothing. A product's own "in stock" (any variant available) can
# only change with a flip of one of its variants.
stock_changed = django.dispatch.Signal()

SET, RESERVE, RELEASE, CONSUME, RESTOCK = "set", "reserve", "release", "consume", "restock"


class InsufficientStock(Exception):
    def __init__(self, sku: str, requested: int, available: int):
        self.sku, self.requested, self.available = sku, requested, available
        super().__init__(f"{sku}: cần {requested}, còn {available}")


@dataclass(frozen=True)
class Conflict:
    """A row that moved after the editor loaded it: what it holds now."""

    sku: str
    on_hand: int
    reserved: int
    version: int

    @property
    def available(self) -> int:
        return max(self.on_hand - self.reserved, 0)


class StockConflict(Exception):
    def __init__(self, conflicts: list[Conflict]):
        self.conflicts = conflicts
        super().__init__(", ".join(c.sku for c in conflicts))


def _announce(skus: Iterable[str], operation: str, flipped: Iterable[str]) -> None:
    skus, flipped = frozenset(skus), frozenset(flipped)
    if skus:
        transaction.on_commit(
            lambda: stock_changed.send(
                sender=StockItem, skus=skus, operation=operation, flipped=flipped
            )
        )


def _flips(before: int, after: int) -> bool:
    """Whether a row's availability crossed zero (in stock ↔ sold out)."""
    return (before > 0) != (after > 0)


def _update_row(sku: str, assignment: str, condition: str, quantity: int) -> int | None:
    """One conditional UPDATE of a stock row by `quantity` (both templates take it once),
    `version` raised; returns the units available after it (as written, under the row's
    lock), or None when no row matched."""
    from django.db import connection

    table = connection.ops.quote_name(StockItem._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {assignment}, version = version + 1 "
            f"WHERE {condition} AND sku = %s RETURNING on_hand - reserved",
            [quantity, quantity, sku],
        )
        row = cursor.fetchone()
    return None if row is None else row[0]


# --- reading --------------------------------------------------------------------------------


def ensure_stock_items(skus: Iterable[str]) -> None:
    """A stock row (at zero) for every SKU that has none; existing rows are left alone."""
    skus = set(skus)
    existing = set(StockItem.objects.filter(sku__in=skus).values_list("sku", flat=True))
    StockItem.objects.bulk_create(
        [StockItem(sku=sku) for sku in sorted(skus - existing)], ignore_conflicts=True
    )


def levels(skus: Iterable[str]) -> dict[str, StockItem]:
    """The stock rows of these SKUs (missing SKUs are absent)."""
    return {item.sku: item for item in StockItem.objects.filter(sku__in=set(skus))}


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


def pages_of_skus(skus: Iterable[str]) -> dict[str, int]:
    """The product page of each of these SKUs' variants (for listeners of stock_changed)."""
    return dict(ProductVariant.objects.filter(sku__in=set(skus)).values_list("sku", "page_id"))


def page_ids_for_skus(skus: Iterable[str]) -> list[int]:
    """The product pages whose variants these SKUs are."""
    return sorted(set(pages_of_skus(skus).values()))


# --- setting on hand ----------------------------------------------------------------------


def _set_locked(item: StockItem, quantity: int, *, user, reason: str) -> bool:
    if quantity < 0:
        raise ValueError(_("Số lượng tồn kho không được âm."))
    if quantity < item.reserved:
        raise ValueError(
            _("Không thể đặt tồn kho %(n)s: đang có %(reserved)s đơn vị giữ cho đơn hàng.")
            % {"n": quantity, "reserved": item.reserved}
        )
    old = item.on_hand
    if old == quantity:
        return False
    item.on_hand = quantity
    item.version = F("version") + 1
    item.save(update_fields=["on_hand", "version", "updated_at"])
    item.refresh_from_db(fields=["version"])
    StockMovement.objects.create(
        sku=item.sku, old_on_hand=old, new_on_hand=quantity, user=user, reason=reason[:100]
    )
    return True


@transaction.atomic
def set_on_hand(sku: str, quantity: int, *, user=None, reason: str = "") -> StockItem:
    """Set the on-hand quantity of a SKU, recording who changed it and from what."""
    item, _created = StockItem.objects.select_for_update().get_or_create(sku=sku)
    before = item.on_hand - item.reserved
    if _set_locked(item, int(quantity), user=user, reason=reason):
        after = item.on_hand - item.reserved
        _announce([sku], SET, [sku] if _flips(before, after) else [])
    return item


def set_many(changes: Iterable[tuple[str, int, int]], *, user=None, reason: str = "") -> list[str]:
    """Apply (sku, version the editor saw, new on-hand) changes all together or not at all.

    A row whose version is no longer the one the editor saw (an order reserved or a delivery
    consumed in between, or another editor saved) is not overwritten: StockConflict lists every
    such row with what it holds now, and nothing is written. Returns the SKUs changed.
    """
    changes = sorted((str(sku), int(seen), int(new)) for sku, seen, new in changes)
    if not changes:
        return []
    changed, flipped = [], []
    with transaction.atomic():
        skus = [sku for sku, _seen, _new in changes]
        ensure_stock_items(skus)
        rows = {
            item.sku: item
            for item in StockItem.objects.select_for_update().filter(sku__in=skus).order_by("sku")
        }
        conflicts = [
            Conflict(sku, rows[sku].on_hand, rows[sku].reserved, rows[sku].version)
            for sku, seen, _new in changes
            if rows[sku].version != seen
        ]
        if conflicts:
            raise StockConflict(conflicts)
        for sku, _seen, new in changes:
            before = rows[sku].on_hand - rows[sku].reserved
            if _set_locked(rows[sku], new, user=user, reason=reason):
                changed.append(sku)
                if _flips(before, rows[sku].on_hand - rows[sku].reserved):
                    flipped.append(sku)
        _announce(changed, SET, flipped)
    return changed


# --- the shop's operations ----------------------------------------------------------------


def _totals(items: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    totals: dict[str, int] = defaultdict(int)
    for sku, quantity in items:
        if int(quantity) <= 0:
            raise ValueError("Số lượng phải là số nguyên dương.")
        totals[str(sku)] += int(quantity)
    return sorted(totals.items())  # fixed order: no deadlocks between two multi-SKU orders


def reserve(items: Iterable[tuple[str, int]]) -> None:
    """Reserve every (sku, quantity) or none of them. SKUs of another source (an experience
    session's places, products/sources.py) are reserved by it in the same transaction."""
    items, others = sources.split(_totals(items))
    totals = _totals(items) if items else []
    with transaction.atomic():
        for source, theirs in others:
            source.reserve(theirs)
        emptied = []
        for sku, quantity in totals:
            after = _update_row(
                sku, "reserved = reserved + %s", "on_hand >= reserved + %s", quantity
            )
            if after is None:
                item = StockItem.objects.filter(sku=sku).values("on_hand", "reserved").first()
                free = item["on_hand"] - item["reserved"] if item else 0
                raise InsufficientStock(sku, quantity, max(free, 0))
            if after == 0:
                emptied.append(sku)
        _announce((sku for sku, _q in totals), RESERVE, emptied)


def release(items: Iterable[tuple[str, int]]) -> None:
    """Give reserved units back (order cancelled, payment expired, refund)."""
    items, others = sources.split(_totals(items))
    totals = _totals(items) if items else []
    with transaction.atomic():
        for source, theirs in others:
            source.release(theirs)
        released, refilled = [], []
        for sku, quantity in totals:
            after = _update_row(sku, "reserved = reserved - %s", "reserved >= %s", quantity)
            if after is not None:
                released.append(sku)
                if _flips(after - quantity, after):
                    refilled.append(sku)
        _announce(released, RELEASE, refilled)


def consume(items: Iterable[tuple[str, int]], *, reason: str = "", user=None) -> None:
    """Reserved units leave the warehouse (delivered): on hand and reserved both go down."""
    items, others = sources.split(_totals(items))
    totals = _totals(items) if items else []
    with transaction.atomic():
        for source, theirs in others:
            source.consume(theirs)
        consumed = []
        for sku, quantity in totals:
            item = StockItem.objects.select_for_update().filter(sku=sku).first()
            if item is None or item.reserved < quantity or item.on_hand < quantity:
                continue
            StockItem.objects.filter(pk=item.pk).update(
                on_hand=F("on_hand") - quantity,
                reserved=F("reserved") - quantity,
                version=F("version") + 1,
            )
            StockMovement.objects.create(
                sku=sku,
                old_on_hand=item.on_hand,
                new_on_hand=item.on_hand - quantity,
                user=user,
                reason=reason[:100],
            )
            consumed.append(sku)
        # On hand and reserved fall together: what is available does not change.
        _announce(consumed, CONSUME, [])


def restock(items: Iterable[tuple[str, int]], *, reason: str = "", user=None) -> None:
    """Delivered units come back to the producer (an accepted return): on hand goes up."""
    items, others = sources.split(_totals(items))
    totals = _totals(items) if items else []
    with transaction.atomic():
        for source, theirs in others:
            source.restock(theirs)
        restocked, refilled = [], []
        for sku, quantity in totals:
            item = StockItem.objects.select_for_update().filter(sku=sku).first()
            if item is None:
                continue
            StockItem.objects.filter(pk=item.pk).update(
                on_hand=F("on_hand") + quantity, version=F("version") + 1
            )
            StockMovement.objects.create(
                sku=sku,
                old_on_hand=item.on_hand,
                new_on_hand=item.on_hand + quantity,
                user=user,
                reason=reason[:100],
            )
            restocked.append(sku)
            before = item.on_hand - item.reserved
            if _flips(before, before + quantity):
                refilled.append(sku)
        _announce(restocked, RESTOCK, refilled)
