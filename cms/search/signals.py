"""Keep the index in step with the page tree: publish, unpublish, delete and move.

Apps add their own triggers (stock changes, producer renames) in their `search.py`.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from .registry import document_for, documents
from .tasks import schedule


@receiver(page_published)
@receiver(page_unpublished)
def page_changed(sender, instance, **kwargs):
    document = document_for(instance)
    if document is not None:
        schedule(document.doc_type, [instance.pk])


@receiver(post_delete)
def object_deleted(sender, instance, **kwargs):
    document = document_for(instance)
    if document is not None:
        schedule(document.doc_type, [instance.pk])


def _subtree_changed(page):
    for document in documents():
        model = document.model
        if model is None or not hasattr(model.objects, "descendant_of"):
            continue
        ids = list(model.objects.descendant_of(page, inclusive=True).values_list("pk", flat=True))
        schedule(document.doc_type, ids)


@receiver(post_page_move)
def page_moved(sender, instance, **kwargs):
    """A move changes the URL of the page and of everything under it."""
    _subtree_changed(instance)


@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
def restriction_changed(sender, instance, **kwargs):
    """A view restriction (password, login, groups) hides a whole subtree from the public, and
    lifting it shows it again (cms.visibility): re-check every page under it."""
    page = getattr(instance, "page", None)
    if page is not None:
        _subtree_changed(page)


@receiver(post_save, sender="search_index.SearchSynonym")
@receiver(post_delete, sender="search_index.SearchSynonym")
@receiver(post_save, sender="search_index.IntentRule")
@receiver(post_delete, sender="search_index.IntentRule")
def rules_changed(sender, instance, **kwargs):
    """The editable vocabulary applies at query time: a new rules version makes every process
    reload it on its next query (and cached search pages are dropped once this commits)."""
    from cms.cache import purge_on_commit

    from .backends.vocabulary import bump_rules_version

    bump_rules_version()
    purge_on_commit("search")
