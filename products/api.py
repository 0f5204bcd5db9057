"""A public image API that does not expose producers' unpublished uploads.

Wagtail's v2 images endpoint lists every image to everyone. Pictures in a producer's own
collection (see products.roles) are listed only once they appear on a live page (a live product's
photos or a live producer's logo); everything else is listed as before. To use it, register it in
cms/api.py (it is).
"""

from django.contrib.auth.models import Permission
from django.db.models import Q
from wagtail.images.api.v2.views import ImagesAPIViewSet
from wagtail.models import GroupCollectionPermission

from cms.visibility import public

from .models import ProducerPage, ProductImage, ProductPage
from .roles import PRODUCER_GROUP_PREFIX


def published_images_filter() -> Q:
    producer_collections = GroupCollectionPermission.objects.filter(
        group__name__startswith=PRODUCER_GROUP_PREFIX,
        permission__in=Permission.objects.filter(codename="add_image"),
    ).values("collection_id")
    on_live_products = ProductImage.objects.filter(page__in=public(ProductPage)).values("image_id")
    live_logos = public(ProducerPage).filter(logo__isnull=False).values("logo_id")
    return (
        ~Q(collection__in=producer_collections) | Q(pk__in=on_live_products) | Q(pk__in=live_logos)
    )


class PublishedImagesAPIViewSet(ImagesAPIViewSet):
    def get_queryset(self):
        return super().get_queryset().filter(published_images_filter())
