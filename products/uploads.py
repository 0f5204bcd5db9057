"""Upload safety for every image uploaded through the Wagtail admin.

Plugged in with ``WAGTAILIMAGES_IMAGE_FORM_BASE = "products.uploads.SafeImageForm"``. Before
Wagtail opens the file, the upload is checked for size, real type (JPEG, PNG, WebP, HEIC — read from
the file's header, not its name) and pixel count, which also rejects decompression bombs (a tiny
file declaring an enormous picture). Errors are in Vietnamese. The form is invalid, so Wagtail
saves neither the image row nor the file: nothing is half-saved.
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
    return ALLOWED_FORMATS[image_format], width, height


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
