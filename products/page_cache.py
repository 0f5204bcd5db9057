"""What stock and rating changes make stale in the anonymous page cache (cms/cache.py).

A product page shows its stock in words ("Còn hàng", "Chỉ còn 3", "Hết hàng"), so any stock
change of its variants purges it. Listings, the home page and producer pages only say whether a
product is in stock: they are purged when that flips (the last state seen is kept in the cache),
not on every sale. A published or hidden review changes the page, its card and the rating sort.
NTM results (saved in the admin or imported) and traceability batches going public or private
change the digital map (tours.mapdata): they purge its "map" tag (/ban-do/, /embed/map/).
"""

from django.core.cache import caches
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import published, unpublished

from cms import cache

from .models import ProductPage, TraceabilityBatch
from .ntm import NtmIndicator, NtmResult
from .ratings import rating_changed
from .stock import in_stock_condition, pages_of_skus, stock_changed

STATE_PREFIX = "pc:in-stock:"


def _store():
    from django.conf import settings

    return caches[settings.PAGE_CACHE_ALIAS]


@receiver(stock_changed, dispatch_uid="products.page_cache.stock")
def purge_on_stock_change(sender, skus, flipped=None, **kwargs):
    if not cache.enabled():
        return
    pages = pages_of_skus(skus)
    if not pages:
        return
    tags = [f"page:{pk}" for pk in sorted(set(pages.values()))]
    # Only a variant that ran out or came back can change its product's "in stock" (`flipped`
    # of the event; None: not known, look at every product).
    check = {pk for sku, pk in pages.items() if flipped is None or sku in flipped}
    now = (
        dict(
            ProductPage.objects.filter(pk__in=check)
            .annotate(stocked=in_stock_condition())
            .values_list("pk", "stocked")
        )
        if check
        else {}
    )
    before = _store().get_many([STATE_PREFIX + str(pk) for pk in now])
    flipped = [pk for pk, state in now.items() if before.get(STATE_PREFIX + str(pk)) != state]
    if flipped:
        producers = ProductPage.objects.filter(pk__in=flipped).values_list("producer_id", flat=True)
        tags += ["products", *(f"page:{p}" for p in producers if p)]
        _store().set_many({STATE_PREFIX + str(pk): now[pk] for pk in flipped}, timeout=None)
    cache.purge_on_commit(*tags)


@receiver(rating_changed, dispatch_uid="products.page_cache.rating")
def purge_on_rating_change(sender, page_id, **kwargs):
    cache.purge_on_commit(f"page:{page_id}", "products")


@receiver(post_save, sender=NtmResult, dispatch_uid="products.page_cache.ntm_saved")
@receiver(post_delete, sender=NtmResult, dispatch_uid="products.page_cache.ntm_deleted")
@receiver(post_save, sender=NtmIndicator, dispatch_uid="products.page_cache.ntm_ind_saved")
@receiver(post_delete, sender=NtmIndicator, dispatch_uid="products.page_cache.ntm_ind_deleted")
def purge_map_on_ntm_change(sender, **kwargs):
    cache.purge_on_commit("map")


@receiver(published, sender=TraceabilityBatch, dispatch_uid="products.page_cache.batch_pub")
@receiver(unpublished, sender=TraceabilityBatch, dispatch_uid="products.page_cache.batch_unpub")
@receiver(post_delete, sender=TraceabilityBatch, dispatch_uid="products.page_cache.batch_del")
def purge_map_on_batch_change(sender, **kwargs):
    cache.purge_on_commit("map")
