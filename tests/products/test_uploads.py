"""Upload safety (issue 3): type, size and pixel count, with Vietnamese errors, nothing half-saved.

Every upload goes through Wagtail's real admin views (single add, multiple upload, chooser
upload) as a farmer, whose form base is products.uploads.SafeImageForm.
"""

import io
import struct
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.images import get_image_model

from products.roles import producer_collection
from products.uploads import check_image_upload
from tests.products.roles_helpers import login, make_image, png_bytes, two_producers

pytestmark = pytest.mark.django_db


def png_header_only(width: int, height: int) -> bytes:
    """A tiny, well-formed PNG that *declares* width×height pixels: a decompression bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def encoded(fmt: str, size=(40, 30)) -> bytes:
    buf = io.BytesIO()
    PILImage.new("RGB", size, (10, 120, 60)).save(buf, fmt)
    return buf.getvalue()


def original_files() -> set[str]:
    folder = Path(settings.MEDIA_ROOT) / "original_images"
    return {p.name for p in folder.glob("*")} if folder.exists() else set()


@pytest.fixture
def farmer():
    producer, _ = two_producers()
    client = Client()
    client.force_login(login(producer.slug))
    return client, producer_collection(producer)


def _add(client, collection, name, data, content_type="image/png"):
    return client.post(
        reverse("wagtailimages:add"),
        {
            "title": "Ảnh thử",
            "collection": collection.pk,
            "file": SimpleUploadedFile(name, data, content_type),
            "tags": "",
        },
    )


BAD_UPLOADS = {
    "not-an-image": ("bang-gia.jpg", b"%PDF-1.4 this is a price list, not a photo\n" * 20),
    "html-as-png": ("anh.png", b"<html><script>alert(1)</script></html>"),
    "gif-not-accepted": ("dong.png", encoded("GIF")),
    "oversized": ("to-qua.png", png_bytes() + b"\x00" * (15 * 1024 * 1024)),
    "bomb-100k-x-100k": ("bom.png", png_header_only(100_000, 100_000)),
    "bomb-over-site-limit": ("lon.png", png_header_only(8_000, 6_000)),
}
EXPECTED_MESSAGE = {
    "not-an-image": "không phải là ảnh hợp lệ",
    "html-as-png": "không phải là ảnh hợp lệ",
    "gif-not-accepted": "Định dạng ảnh GIF không được nhận",
    "oversized": "Ảnh quá lớn",
    "bomb-100k-x-100k": "số điểm ảnh quá lớn",
    "bomb-over-site-limit": "quá nhiều điểm ảnh (48 triệu)",
}


@pytest.mark.parametrize("case", list(BAD_UPLOADS))
def test_bad_upload_is_refused_in_vietnamese_and_nothing_is_saved(farmer, case):
    client, collection = farmer
    name, data = BAD_UPLOADS[case]
    Image = get_image_model()
    before_rows, before_files = Image.objects.count(), original_files()
    response = _add(client, collection, name, data)
    assert response.status_code == 200  # the form again, with the error
    assert EXPECTED_MESSAGE[case] in response.content.decode()
    assert Image.objects.count() == before_rows
    assert original_files() == before_files


@pytest.mark.parametrize("case", ["not-an-image", "bomb-100k-x-100k", "oversized"])
def test_multiple_uploader_refuses_too(farmer, case):
    client, collection = farmer
    name, data = BAD_UPLOADS[case]
    Image = get_image_model()
    before = Image.objects.count()
    response = client.post(
        reverse("wagtailimages:add_multiple"),
        {"files[]": SimpleUploadedFile(name, data, "image/png"), "collection": collection.pk},
    )
    assert response.status_code in (200, 400)
    payload = response.json()
    assert payload["success"] is False
    assert EXPECTED_MESSAGE[case] in payload["error_message"]
    assert Image.objects.count() == before


def test_chooser_upload_refuses_a_bomb(farmer):
    client, collection = farmer
    before = get_image_model().objects.count()
    response = client.post(
        reverse("wagtailimages_chooser:create"),
        {
            "image-chooser-upload-title": "bom",
            "image-chooser-upload-collection": collection.pk,
            "image-chooser-upload-file": SimpleUploadedFile(
                "bom.png", png_header_only(100_000, 100_000), "image/png"
            ),
            "image-chooser-upload-tags": "",
        },
    )
    assert response.status_code == 200
    assert "số điểm ảnh quá lớn" in response.json()["htmlFragment"]
    assert get_image_model().objects.count() == before


@pytest.mark.parametrize(
    "name,fmt", [("anh.jpg", "JPEG"), ("anh.png", "PNG"), ("anh.webp", "WEBP")]
)
def test_good_photos_are_accepted_into_the_farmers_collection(farmer, name, fmt):
    client, collection = farmer
    response = _add(client, collection, name, encoded(fmt))
    assert response.status_code == 302, response.content.decode()[:2000]
    image = get_image_model().objects.latest("pk")
    assert image.collection_id == collection.pk
    assert (image.width, image.height) == (40, 30)


def test_heic_is_recognised():
    pillow_heif = pytest.importorskip("pillow_heif")
    buf = io.BytesIO()
    try:
        pillow_heif.from_pillow(PILImage.new("RGB", (64, 48), (1, 2, 3))).save(buf, quality=50)
    except Exception as exc:  # noqa: BLE001 — libheif built without an HEVC encoder
        pytest.skip(f"cannot encode HEIC here: {exc}")
    upload = SimpleUploadedFile("iphone.heic", buf.getvalue(), "image/heic")
    assert check_image_upload(upload) == ("HEIC", 64, 48)
    assert upload.tell() == 0  # the header check leaves the file ready for Wagtail


def test_farmer_cannot_upload_into_another_producers_collection():
    """The collection field only offers the farmer's own collection; a forged value for another
    producer's collection is ignored and the picture lands in the farmer's own."""
    producer, other = two_producers()
    client = Client()
    client.force_login(login(producer.slug))
    before = set(get_image_model().objects.filter(collection=producer_collection(other)))
    _add(client, producer_collection(other), "anh.png", png_bytes())
    assert set(get_image_model().objects.filter(collection=producer_collection(other))) == before
    newest = get_image_model().objects.latest("pk")
    assert newest.collection_id == producer_collection(producer).pk


def _replace_file(client, image, data):
    return client.post(
        reverse("wagtailimages:edit", args=[image.pk]),
        {
            "title": image.title,
            "collection": image.collection_id,
            "file": SimpleUploadedFile("moi.png", data, "image/png"),
            "tags": "",
            "focal_point_x": "",
            "focal_point_y": "",
            "focal_point_width": "",
            "focal_point_height": "",
        },
    )


def test_farmer_cannot_swap_the_file_of_a_photo_on_a_live_product(farmer):
    """Replacing the file would change an approved page without review."""
    from products.models import ProductImage

    client, _collection = farmer
    producer = two_producers()[0]  # the farmer's own producer
    product = producer.products.live().first()
    image = make_image(producer, "anh-da-duyet")
    ProductImage.objects.create(page=product, image=image)
    old_name = get_image_model().objects.get(pk=image.pk).file.name

    response = _replace_file(client, image, png_bytes(color=(1, 2, 3)))
    assert response.status_code == 200
    assert "không thể thay tệp" in response.content.decode()
    assert get_image_model().objects.get(pk=image.pk).file.name == old_name

    # An unused photo of their own can still be replaced, and officers can replace any.
    spare = make_image(producer, "anh-chua-dung")
    assert _replace_file(client, spare, png_bytes(color=(4, 5, 6))).status_code == 302
    officer = Client()
    officer.force_login(login("officer"))
    assert _replace_file(officer, image, png_bytes(color=(7, 8, 9))).status_code == 302
    assert get_image_model().objects.get(pk=image.pk).file.name != old_name
