"""Renditions made ahead of the first visitor (issue 21): when a product is published, a
"renditions" job (cms/jobs.py: retried with backoff, failures listed for officers) builds the
gallery, card, JSON-LD and Open Graph pictures of its images, so the first buyer on a phone
does not wait for Pillow and object storage.

On by default with the database task backend (a worker does it); with the immediate backend
(`make run`, tests) renditions are still made on first view, as Wagtail does
(JOBS_PREWARM_RENDITIONS=1 turns this on anyway).
"""

from django.conf import settings
from django.dispatch import receiver
from wagtail.images import get_image_model
from wagtail.signals import page_published

from cms import jobs, seo
from cms.templatetags.cms_images import filter_specs

from .cards import PICTURE_SPECS
from .models import ProductPage


def product_specs() -> list[str]:
    return [
        *filter_specs(*ProductPage.GALLERY_SPECS),
        *filter_specs(*PICTURE_SPECS),
        ProductPage.JSONLD_SPEC,
        seo.OG_SPEC,
    ]


def prewarm(image_ids: list[int]) -> int:
    """The "renditions" job: every picture the product pages and cards show. Raises when the
    storage fails (retried); a deleted image is skipped."""
    made = 0
    specs = product_specs()
    for image in get_image_model().objects.filter(pk__in=image_ids):
        made += len(image.get_renditions(*specs))
    return made


@receiver(page_published, sender=ProductPage, dispatch_uid="products.renditions.prewarm")
def prewarm_on_publish(sender, instance, **kwargs):
    if not getattr(settings, "JOBS_PREWARM_RENDITIONS", False):
        return
    ids = sorted({row.image_id for row in instance.images.all() if row.image_id})
    if ids:
        jobs.enqueue(
            "renditions",
            "products.renditions.prewarm",
            ids,
            label=f"Tạo ảnh thu nhỏ cho sản phẩm #{instance.pk}",
        )
