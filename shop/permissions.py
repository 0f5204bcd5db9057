"""Who may see which orders — the shop's view of the one roles module (products.permissions).

Officers (superusers, or members of the group "Officer") see every order. A producer user sees
only its own producer's parts: the producers a login acts for come from its groups named
exactly "Producer: <producer page slug>" (products.roles). What each may *do* to an order is
decided by the transition table in shop.orders.
"""

from products.permissions import is_officer, producer_slugs_for
from products.purchasable import producer_ids_for_slugs

__all__ = ["is_officer", "producer_ids_for", "can_manage_orders"]


def producer_ids_for(user) -> set[int]:
    if is_officer(user):
        return set()  # officers see everything; they act for no single producer
    return producer_ids_for_slugs(producer_slugs_for(user))


def can_manage_orders(user) -> bool:
    return is_officer(user) or bool(producer_ids_for(user))
