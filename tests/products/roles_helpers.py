"""Shared helpers for the farmer/officer tests (issue 3): logins, a draft product, images."""

import io

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from wagtail.images import get_image_model

from products.models import ProducerPage, ProductPage, ProductVariant
from products.roles import producer_collection


def png_bytes(size=(32, 24), color=(200, 40, 40)) -> bytes:
    buf = io.BytesIO()
    PILImage.new("RGB", size, color).save(buf, "PNG")
    return buf.getvalue()


def upload(name="anh.png", data=None, content_type="image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes() if data is None else data, content_type)


def two_producers() -> tuple[ProducerPage, ProducerPage]:
    """Two demo producers that both have products (A and B in the tests)."""
    producers = [p for p in ProducerPage.objects.order_by("title") if p.products.exists()]
    return producers[0], producers[1]


def login(username: str):
    return get_user_model().objects.get(username=username)


def make_image(producer: ProducerPage, title: str):
    Image = get_image_model()
    image = Image(title=title, collection=producer_collection(producer))
    image.file = upload(f"{title}.png")
    image.save()
    return image


def make_draft_product(producer: ProducerPage, user, title: str, sku: str) -> ProductPage:
    """A product the farmer saved but never published (as the admin would create it)."""
    from products.models import OcopCategory

    page = ProductPage(
        title=title,
        slug=sku,
        category=OcopCategory.objects.filter(parent__isnull=False).first(),
        live=False,
        owner=user,
    )
    page.variants = [ProductVariant(sku=sku, label="Hộp 200 g", price=99_000)]
    producer.add_child(instance=page)
    page.save_revision(user=user)
    return page
