"""Keep the index in step with the page tree: publish, unpublish, delete and move.

Apps add their own triggers (stock changes, producer renames) in their `search.py`.
"""

from django.db.models.signals import post_delete
from django.dispatch import receiver
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


@receiver(post_page_move)
def page_moved(sender, instance, **kwargs):
    """A move changes the URL of the page and of everything under it."""
    for document in documents():
        model = document.model
        if model is None or not hasattr(model.objects, "descendant_of"):
            continue
        ids = list(
            model.objects.descendant_of(instance, inclusive=True).values_list("pk", flat=True)
        )
        schedule(document.doc_type, ids)
