"""Who may see which orders.

Officers (superusers, or members of the group "Officer") see every order. A producer user sees
only its own producer's parts: the producer a user belongs to is given by Django groups named
exactly "Producer: <producer page slug>" (the naming agreed with the farmers' CMS issue #3).
"""

from products.purchasable import producer_ids_for_slugs

OFFICER_GROUP = "Officer"
PRODUCER_GROUP_PREFIX = "Producer: "


def is_officer(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name=OFFICER_GROUP).exists()


def producer_ids_for(user) -> set[int]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    names = user.groups.filter(name__startswith=PRODUCER_GROUP_PREFIX).values_list(
        "name", flat=True
    )
    return producer_ids_for_slugs(name[len(PRODUCER_GROUP_PREFIX) :].strip() for name in names)


def can_manage_orders(user) -> bool:
    return is_officer(user) or bool(producer_ids_for(user))
