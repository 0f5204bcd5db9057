"""Who may see what: producers see only their own pages, variants and stock; officers see all.

A farmer belongs to the group ``Producer: <producer slug>`` (see products.roles); that name is the
only link between a login and its producer, so other apps (the shop) can rely on it too.
"""

from django.db.models import QuerySet

from cms.officers import group_names as _group_names
from cms.officers import is_officer

from .models import ProducerPage, ProductVariant
from .roles import PRODUCER_GROUP_PREFIX

__all__ = ["is_officer"]  # the role lives in cms.officers; re-exported for the apps' callers


def producer_slugs_for(user) -> list[str]:
    """Slugs of the producers this login acts for (its own groups; not officers' "all")."""
    return [
        name[len(PRODUCER_GROUP_PREFIX) :]
        for name in _group_names(user)
        if name.startswith(PRODUCER_GROUP_PREFIX)
    ]


def producer_pages_for(user) -> QuerySet:
    """Producers whose products, stock and orders this user may manage."""
    if is_officer(user):
        return ProducerPage.objects.all()
    slugs = producer_slugs_for(user)
    if not slugs:
        return ProducerPage.objects.none()
    return ProducerPage.objects.filter(slug__in=slugs)


def variants_for(user) -> QuerySet:
    """Variants (SKUs) of products under the producers this user manages, drafts included."""
    if is_officer(user):
        return ProductVariant.objects.all()
    producers = list(producer_pages_for(user))
    if not producers:
        return ProductVariant.objects.none()
    from django.db.models import Q

    paths = Q()
    for producer in producers:
        paths |= Q(page__path__startswith=producer.path)
    return ProductVariant.objects.filter(paths)


def can_manage_stock(user) -> bool:
    return is_officer(user) or bool(producer_slugs_for(user))
