"""Upload safety for every image uploaded through the Wagtail admin.

Plugged in with ``WAGTAILIMAGES_IMAGE_FORM_BASE = "products.uploads.SafeImageForm"``. Before
Wagtail opens the file, the upload is checked for size, real type (JPEG, PNG, WebP, HEIC — read from
the file's header, not its name) and pixel count, which also rejects decompression bombs (a tiny
file declaring an enormous picture). Errors are in Vietnamese. The form is invalid, so Wagtail
saves neither the image row nor the file: nothing is half-saved.

A picture with anything after its end (issue 20: HTML appended to a PNG makes a file that is
both) is refused: the container is walked to where the image ends — PNG chunks to IEND, JPEG
segments and scans to EOI, WebP's RIFF size, HEIC's top-level boxes — and only zero padding
may follow. JPEG may be followed by further JPEG images (the multi-picture format phones use
for HDR gain maps and depth maps); other data after a JPEG (e.g. a "motion photo" video) is
refused with a hint. Refusing keeps the originals untouched (no re-encoding).
"""

import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image as PILImage
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

from .permissions import is_officer

try:  # Wagtail 8 installs pillow-heif for HEIC photos from phones.
    from pillow_heif import register_heif_opener

    register_heif_opener()
except ImportError:  # pragma: no cover
    pass

ALLOWED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "HEIF": "HEIC"}
ALLOWED_TEXT = "JPEG, PNG, WebP, HEIC"


def max_upload_size() -> int:
    return getattr(settings, "WAGTAILIMAGES_MAX_UPLOAD_SIZE", 10 * 1024 * 1024)


def max_pixels() -> int:
    return getattr(settings, "WAGTAILIMAGES_MAX_IMAGE_PIXELS", 40_000_000)


def _megapixels(n: int) -> str:
    return f"{n / 1_000_000:.0f}".replace(".", ",")


def check_image_upload(upload) -> tuple[str, int, int]:
    """Raise ValidationError (Vietnamese) unless `upload` is a safe, supported picture.

    Returns (format, width, height). Only the header is decoded, never the pixels."""
    size = getattr(upload, "size", None)
    limit = max_upload_size()
    if limit and size is not None and size > limit:
        raise ValidationError(
            _(
                "Ảnh quá lớn (%(size)s). Dung lượng tối đa là %(max)s; "
                "hãy chụp hoặc lưu ảnh nhỏ hơn."
            )
            % {"size": filesizeformat(size), "max": filesizeformat(limit)},
            code="file_too_large",
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(upload) as picture:
                image_format, (width, height) = picture.format, picture.size
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        raise ValidationError(_too_many_pixels(None), code="file_too_many_pixels")
    except Exception:  # noqa: BLE001 — anything Pillow cannot read is not an accepted picture
        raise ValidationError(
            _("Tệp này không phải là ảnh hợp lệ. Chỉ nhận ảnh %(formats)s.")
            % {"formats": ALLOWED_TEXT},
            code="invalid_image",
        )
    finally:
        if hasattr(upload, "seek"):
            upload.seek(position)
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(
            _("Định dạng ảnh %(format)s không được nhận. Chỉ nhận ảnh %(formats)s.")
            % {"format": image_format, "formats": ALLOWED_TEXT},
            code="invalid_image_extension",
        )
    if width * height > max_pixels():
        raise ValidationError(_too_many_pixels(width * height), code="file_too_many_pixels")
    if hasattr(upload, "seek") and hasattr(upload, "read"):
        check_nothing_after_image(upload, image_format)
    return ALLOWED_FORMATS[image_format], width, height


def check_photos(photos, limit: int) -> tuple[list[str], list[str]]:
    """Buyers' photos (returns, reviews): at most `limit`, each passing `check_image_upload`.
    Returns (content types in the order given, problems in Vietnamese)."""
    from django.utils.translation import gettext

    problems = []
    if len(photos) > limit:
        problems.append(gettext("Tối đa %(n)s ảnh.") % {"n": limit})
    types = []
    for photo in photos:
        try:
            types.append(f"image/{check_image_upload(photo)[0].lower()}")
        except ValidationError as exc:
            problems.extend(exc.messages)
    return types, problems


def _png_end(data: bytes) -> int | None:
    position = 8
    while position + 12 <= len(data):
        length = int.from_bytes(data[position : position + 4], "big")
        kind = data[position + 4 : position + 8]
        position += 12 + length
        if kind == b"IEND":
            return position if position <= len(data) else None
    return None


def _jpeg_end(data: bytes, start: int = 0) -> int | None:
    """Where the JPEG stream starting at `start` ends (after its EOI marker), or None."""
    size = len(data)
    if data[start : start + 2] != b"\xff\xd8":
        return None
    i = start + 2
    while i < size:
        if data[i] != 0xFF:
            return None
        while i < size and data[i] == 0xFF:  # fill bytes
            i += 1
        if i >= size:
            return None
        marker = data[i]
        i += 1
        if marker == 0xD9:  # EOI
            return i
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # markers without a length
            continue
        if i + 2 > size:
            return None
        length = int.from_bytes(data[i : i + 2], "big")
        if length < 2:
            return None
        i += length
        if marker == 0xDA:  # start of scan: entropy-coded data up to the next real marker
            while True:
                i = data.find(b"\xff", i)
                if i < 0 or i + 1 >= size:
                    return None
                following = data[i + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7:
                    i += 2  # a stuffed 0xFF or a restart marker: still scan data
                elif following == 0xFF:
                    i += 1
                else:
                    break
    return None


def _riff_end(data: bytes) -> int | None:
    if data[:4] != b"RIFF" or len(data) < 12:
        return None
    size = int.from_bytes(data[4:8], "little")
    return 8 + size + (size & 1)


def _bmff_end(data: bytes) -> int | None:
    """HEIC/HEIF (ISO base media): the end of the last well-formed top-level box."""
    position = 0
    size = len(data)
    while position + 8 <= size:
        box = int.from_bytes(data[position : position + 4], "big")
        header = 8
        if box == 1:
            if position + 16 > size:
                return None
            box = int.from_bytes(data[position + 8 : position + 16], "big")
            header = 16
        elif box == 0:
            return size  # the last box runs to the end of the file
        if box < header or position + box > size:
            return None
        position += box
    return position if position == size else None


def image_end(data: bytes, image_format: str) -> int | None:
    """The offset where the picture ends, or None when its structure cannot be followed."""
    if image_format == "PNG":
        return _png_end(data)
    if image_format == "JPEG":
        end = _jpeg_end(data)
        while end is not None and data[end : end + 3] == b"\xff\xd8\xff":
            following = _jpeg_end(data, end)  # a further picture of a multi-picture file
            if following is None:
                break
            end = following
        return end
    if image_format == "WEBP":
        return _riff_end(data)
    if image_format == "HEIF":
        return _bmff_end(data)
    return None


def check_nothing_after_image(upload, image_format: str) -> None:
    """Refuse a picture that has data after its end (or whose structure is broken)."""
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        data = upload.read()
    finally:
        upload.seek(position)
    end = image_end(data, image_format)
    rest = data[end:] if end is not None else b""
    if end is None or rest.strip(b"\x00"):
        if image_format == "JPEG" and end is not None:
            message = _(
                "Ảnh có kèm dữ liệu khác sau phần ảnh (ví dụ video của “ảnh động”). Hãy tắt "
                "chế độ ảnh động hoặc lưu lại ảnh rồi tải lên lại."
            )
        else:
            message = _(
                "Tệp ảnh có dữ liệu lạ ngoài phần ảnh nên không được nhận. Hãy mở ảnh, lưu lại "
                "rồi tải lên lại."
            )
        raise ValidationError(message, code="data_after_image")


def _too_many_pixels(count: int | None) -> str:
    if count is None:
        return _(
            "Ảnh có số điểm ảnh quá lớn (có thể là tệp độc hại). Tối đa %(max)s triệu điểm ảnh."
        ) % {"max": _megapixels(max_pixels())}
    return _("Ảnh có quá nhiều điểm ảnh (%(count)s triệu). Tối đa %(max)s triệu điểm ảnh.") % {
        "count": _megapixels(count),
        "max": _megapixels(max_pixels()),
    }


class SafeImageField(WagtailImageField):
    """Wagtail's image field, with the checks above run first and Vietnamese messages."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.help_text = _("Ảnh %(formats)s, tối đa %(max)s và %(pixels)s triệu điểm ảnh.") % {
            "formats": ALLOWED_TEXT,
            "max": filesizeformat(max_upload_size()),
            "pixels": _megapixels(max_pixels()),
        }
        self.error_messages.update(
            {
                "invalid_image": _("Tệp này không phải là ảnh hợp lệ. Chỉ nhận ảnh %(formats)s.")
                % {"formats": ALLOWED_TEXT},
                "invalid_image_extension": _("Đuôi tệp không được nhận. Chỉ nhận ảnh %(formats)s.")
                % {"formats": ALLOWED_TEXT},
                "invalid_image_known_format": _(
                    "Tệp có đuôi .%(extension)s nhưng nội dung là ảnh %(image_format)s; "
                    "hãy đổi lại đuôi tệp cho đúng."
                ),
            }
        )

    def to_python(self, data):
        if data not in self.empty_values and hasattr(data, "read"):
            check_image_upload(data)
        return super().to_python(data)


class SafeImageForm(BaseImageForm):
    """Base form of Wagtail's image add/edit/upload views (WAGTAILIMAGES_IMAGE_FORM_BASE)."""

    def __init__(self, *args, **kwargs):
        self.editing_user = kwargs.get("user")  # the base form pops it
        super().__init__(*args, **kwargs)
        field = self.fields.get("file")
        if field is not None and not isinstance(field, SafeImageField):
            safe = SafeImageField(label=field.label, required=field.required, widget=field.widget)
            self.fields["file"] = safe

    def clean_file(self):
        """A farmer may not swap the picture of an approved (live) product or producer: that
        would change what the public sees without review. They upload a new photo instead."""
        upload = self.cleaned_data.get("file")
        replacing = self.instance.pk and "file" in self.files
        if replacing and not is_officer(self.editing_user) and image_is_public(self.instance):
            raise ValidationError(
                _(
                    "Ảnh này đang hiển thị trên trang đã duyệt nên không thể thay tệp. "
                    "Hãy tải ảnh mới lên, chọn nó trong sản phẩm rồi gửi duyệt."
                ),
                code="image_in_use",
            )
        return upload

    class Meta(BaseImageForm.Meta):
        pass


def image_is_public(image) -> bool:
    """Is the picture shown on a live product (gallery) or as a live producer's logo?"""
    from .models import ProducerPage, ProductImage

    return (
        ProductImage.objects.filter(image=image, page__live=True).exists()
        or ProducerPage.objects.live().filter(logo=image).exists()
    )
