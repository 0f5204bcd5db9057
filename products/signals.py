"""Keep denormalised catalogue fields in step with the page tree."""

from django.dispatch import receiver
from wagtail.signals import page_published, post_page_move

from .models import ProducerPage, ProductPage


@receiver(post_page_move)
def update_producer_after_move(sender, instance, **kwargs):
    """A product moved under another producer now belongs to that producer."""
    for product in ProductPage.objects.filter(path__startswith=instance.path):
        parent = product.get_parent()
        producer_id = parent.pk if parent.specific_class is ProducerPage else None
        if product.producer_id != producer_id:
            ProductPage.objects.filter(pk=product.pk).update(producer_id=producer_id)


@receiver(page_published, sender=ProductPage)
def ensure_stock_rows(sender, instance, **kwargs):
    """Every published variant gets a stock row (at zero), never resetting an existing one."""
    from .stock import ensure_stock_items

    ensure_stock_items(v.sku for v in instance.variants.all())
