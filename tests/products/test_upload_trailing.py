"""Pictures with data after their end are refused (issue 20): a PNG or JPEG with HTML appended
is both a picture and a page. Checked on the real admin upload and on check_image_upload (which
returns and reviews use too); ordinary and multi-picture phone files still pass."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from wagtail.images import get_image_model

from products.uploads import check_image_upload, image_end
from tests.products.test_uploads import _add, encoded, farmer  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>\n"


def _jpeg(progressive=False, exif=False, size=(64, 48)) -> bytes:
    buf = io.BytesIO()
    picture = PILImage.new("RGB", size, (120, 60, 10))
    options = {"progressive": progressive, "quality": 80}
    if exif:
        info = PILImage.Exif()
        info[0x010F] = "Phone maker"  # Make
        options["exif"] = info.tobytes()
    picture.save(buf, "JPEG", **options)
    return buf.getvalue()


def _heic() -> bytes | None:
    try:
        import pillow_heif

        buf = io.BytesIO()
        pillow_heif.from_pillow(PILImage.new("RGB", (64, 48), (1, 2, 3))).save(buf, quality=50)
        return buf.getvalue()
    except Exception:  # noqa: BLE001 — no HEVC encoder in this libheif
        return None


def _check(data: bytes, name="anh"):
    return check_image_upload(SimpleUploadedFile(name, data, "image/octet-stream"))


@pytest.mark.parametrize(
    "data",
    [
        encoded("PNG"),
        encoded("WEBP"),
        _jpeg(),
        _jpeg(progressive=True),
        _jpeg(exif=True),
        _jpeg() + _jpeg(size=(16, 12)),  # multi-picture (gain map / depth map after the photo)
        encoded("PNG") + b"\x00" * 64,  # zero padding
    ],
    ids=["png", "webp", "jpeg", "progressive", "exif", "multi-picture", "padding"],
)
def test_ordinary_pictures_pass(data):
    assert _check(data)[0] in {"PNG", "WebP", "JPEG"}


@pytest.mark.parametrize(
    "data, fmt",
    [
        (encoded("PNG") + HTML, "PNG"),
        (_jpeg() + HTML, "JPEG"),
        (_jpeg(progressive=True) + HTML, "JPEG"),
        (_jpeg() + _jpeg() + HTML, "JPEG"),
        (encoded("WEBP") + HTML, "WEBP"),
    ],
    ids=["png", "jpeg", "progressive", "multi-picture", "webp"],
)
def test_html_after_the_picture_is_refused(data, fmt):
    with pytest.raises(ValidationError) as error:
        _check(data)
    assert error.value.code == "data_after_image"
    assert "dữ liệu" in str(error.value.messages[0])
    assert image_end(data, fmt) is not None and image_end(data, fmt) < len(data)


def test_heic_with_html_after_it_is_refused():
    data = _heic()
    if data is None:
        pytest.skip("cannot encode HEIC here")
    assert _check(data)[0] == "HEIC"
    with pytest.raises(ValidationError):
        _check(data + HTML)


def test_the_admin_upload_refuses_a_png_with_html_and_saves_nothing(farmer):  # noqa: F811
    client, collection = farmer
    before = get_image_model().objects.count()
    for name, data, content_type in (
        ("anh.png", encoded("PNG") + HTML, "image/png"),
        ("anh.jpg", _jpeg() + HTML, "image/jpeg"),
    ):
        response = _add(client, collection, name, data, content_type)
        assert response.status_code == 200
        assert "dữ liệu" in response.content.decode()
    assert get_image_model().objects.count() == before
    assert _add(client, collection, "anh.jpg", _jpeg(), "image/jpeg").status_code == 302
