"""Other kinds of purchasable things, sold through the same cart and stock calls.

A source owns the SKUs that start with its prefix (an experience session is `EXP-<id>`): the
shop still asks `products.purchasable.get_purchasables()` and `products.stock.reserve()` /
`release()` / `consume()` / `restock()`, and those hand the source's SKUs to it, inside the
same transaction. This module imports nothing, so `purchasable` and `stock` both use it and
the source's app (which imports products) registers itself in its `AppConfig.ready()`.
"""

from collections.abc import Iterable

_SOURCES: dict[str, object] = {}


def register(prefix: str, source) -> None:
    """`source` has get(skus) -> {sku: Purchasable}, claimed_products(ids)
    and reserve/release/consume/restock(items)."""
    _SOURCES[prefix] = source


def claimed_products(product_ids) -> set[int]:
    """Product pages a source sells its own way (their variants are not sold as such)."""
    claimed: set[int] = set()
    for source in _SOURCES.values():
        claimed |= set(source.claimed_products(product_ids)) if product_ids else set()
    return claimed


def source_for(sku: str):
    for prefix, source in _SOURCES.items():
        if str(sku).startswith(prefix):
            return source
    return None


def split(items: Iterable[tuple[str, int]]):
    """(the catalogue's own items, [(source, its items), …])."""
    own, theirs = [], {}
    for sku, quantity in items:
        source = source_for(sku)
        if source is None:
            own.append((sku, quantity))
        else:
            theirs.setdefault(id(source), (source, []))[1].append((sku, quantity))
    return own, list(theirs.values())


def split_skus(skus: Iterable[str]):
    own, theirs = split((sku, 1) for sku in skus)
    return [sku for sku, _q in own], [(s, [sku for sku, _q in items]) for s, items in theirs]
