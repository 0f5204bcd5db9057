"""Purge the page cache when pages change (publish, unpublish, move, delete) or site-wide
settings are saved. A page class names what its change makes stale with
`page_cache_purge_tags()`; the default is the page itself and "site" (every page's header and
footer may show it)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import cache


def purge_tags_of(page) -> set[str]:
    specific = page
    if type(page) is Page:
        try:
            specific = page.specific_deferred
        except Exception:  # noqa: BLE001 - its row is gone (deleted): purge broadly
            specific = page
    own = getattr(specific, "page_cache_purge_tags", None)
    tags = set(own()) if own else {"site"}
    return tags | {f"page:{page.pk}"}


@receiver(page_published, dispatch_uid="cms.cache.published")
@receiver(page_unpublished, dispatch_uid="cms.cache.unpublished")
def purge_changed_page(sender, instance, **kwargs):
    cache.purge_on_commit(*purge_tags_of(instance))


@receiver(post_page_move, dispatch_uid="cms.cache.moved")
def purge_moved_page(sender, instance, **kwargs):
    # A move changes URLs of the page and everything under it, and the menus: all of it.
    cache.purge_on_commit("site", *purge_tags_of(instance))


@receiver(post_delete, dispatch_uid="cms.cache.deleted")
def purge_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page) and type(instance) is not Page:
        cache.purge_on_commit(*purge_tags_of(instance))


@receiver(post_save, dispatch_uid="cms.cache.settings")
@receiver(post_delete, dispatch_uid="cms.cache.settings_deleted")
def purge_site_wide(sender, instance, **kwargs):
    # Site settings show in every footer; a view restriction hides a page (and everything
    # under it) from every listing, the map and open data: rare changes, purged broadly.
    if isinstance(instance, BaseSiteSetting | Site | PageViewRestriction):
        cache.purge_on_commit("site")
