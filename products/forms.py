"""The farmer's product form: variants with their stock in the same form, SKUs made for them.

- Each variant row carries "Tồn kho hiện có" (units on hand). It is not a model field, so it
  never rides on a page revision: after the page is saved the view hook
  (`products.wagtail_hooks`) writes the changed rows through `products.stock.set_many`, against
  the stock version the editor saw.
- The SKU may be left empty: a readable, unique one is made from the product name and the
  variant label ("binh-gom-men-lam-hop-1").
- Slugs are plain ASCII made from the Vietnamese title ("Bình gốm men lam" → binh-gom-men-lam).
"""

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm

from cms.search.text import fold

MAX_STOCK = 1_000_000
MAX_PHOTOS = 10
MAX_SIDE = 2560  # longer side kept for a phone photo (renditions are made from it)


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos at once, straight from the phone's camera or gallery, each checked
    like any admin upload (products.uploads)."""

    widget = MultiplePhotoInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update({"accept": "image/*", "multiple": True})

    def clean(self, data, initial=None):
        from .uploads import check_image_upload

        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(_("Mỗi lần chỉ thêm tối đa %(n)s ảnh.") % {"n": MAX_PHOTOS})
        errors = []
        for upload in files:
            try:
                check_image_upload(upload)
            except forms.ValidationError as error:
                errors.append(f"{upload.name}: {' '.join(error.messages)}")
        if errors:
            raise forms.ValidationError(errors)
        return files


def shrink(upload):
    """A phone photo with its longer side at most MAX_SIDE px, upright (EXIF), as JPEG unless
    it is a PNG/WebP; small pictures are kept as they are."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image as PILImage
    from PIL import ImageOps

    upload.seek(0)
    with PILImage.open(upload) as picture:
        if max(picture.size) <= MAX_SIDE and picture.format in ("JPEG", "PNG", "WEBP"):
            upload.seek(0)
            return upload
        picture = ImageOps.exif_transpose(picture)
        picture.thumbnail((MAX_SIDE, MAX_SIDE))
        keep = picture.format if picture.format in ("PNG", "WEBP") else "JPEG"
        if keep == "JPEG" and picture.mode not in ("RGB", "L"):
            picture = picture.convert("RGB")
        buffer = io.BytesIO()
        picture.save(buffer, keep, quality=85)
    stem = (upload.name or "anh").rsplit(".", 1)[0]
    extension = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}[keep]
    return SimpleUploadedFile(f"{stem}.{extension}", buffer.getvalue(), f"image/{extension}")


def ascii_slug(text: str, max_length: int = 80) -> str:
    """A URL-safe ASCII slug with Vietnamese letters folded (đ → d, ơ → o …)."""
    return slugify(fold(text or ""))[:max_length].strip("-")


def unique_sku(title: str, label: str, taken: set[str]) -> str:
    """A readable SKU from the product name and variant label, unique in the catalogue and
    among `taken` (the other rows of the same form)."""
    from .models import ProductVariant

    base = "-".join(p for p in (ascii_slug(title, 40), ascii_slug(label, 20)) if p) or "sp"
    base = base[:58].strip("-")
    candidate, n = base, 1
    while candidate in taken or ProductVariant.objects.filter(sku=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


class VariantForm(WagtailAdminModelForm):
    """One variant row, with the units on hand beside its price."""

    stock = forms.IntegerField(
        label=_("Tồn kho hiện có"),
        required=False,
        min_value=0,
        max_value=MAX_STOCK,
        help_text=_("Số đơn vị đang có để bán."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
        error_messages={
            "min_value": _("Số lượng không được âm."),
            "max_value": _("Số lượng quá lớn."),
            "invalid": _("Nhập một số nguyên."),
        },
    )
    stock_seen = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "sku" in self.fields:
            self.fields["sku"].required = False
            self.fields["sku"].help_text = _("Để trống: hệ thống tự đặt mã.")
        sku = self.instance.sku if self.instance and self.instance.pk else ""
        if sku and not self.is_bound:
            from .stock import levels

            item = levels([sku]).get(sku)
            self.fields["stock"].initial = item.on_hand if item else 0
            self.fields["stock_seen"].initial = item.version if item else 0

    def clean_sku(self):
        # None, not "": the formset's uniqueness check skips empty SKUs (made later).
        return self.cleaned_data.get("sku") or None

    def clean(self):
        cleaned = super().clean()
        sku, wanted = cleaned.get("sku"), cleaned.get("stock")
        if sku and wanted is not None:
            from .stock import levels

            item = levels([sku]).get(sku)
            if item is not None and wanted < item.reserved:
                self.add_error(
                    "stock",
                    _("Không thể thấp hơn %(n)s (đang giữ cho đơn hàng).") % {"n": item.reserved},
                )
        return cleaned

    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()
        if not self.cleaned_data.get("sku"):
            exclude.add("sku")  # made by the page form from the product name
        return exclude


class ProductPageForm(WagtailAdminPageForm):
    """Makes the missing SKUs and an ASCII slug, adds the photos chosen at once, and
    remembers the stock the editor typed."""

    new_photos = PhotosField(
        label=_("Thêm ảnh từ điện thoại"),
        help_text=_("Chọn một hoặc nhiều ảnh cùng lúc (chụp mới hoặc từ thư viện ảnh)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False  # made from the title when left empty

    def clean(self):
        from wagtail.models import Page

        cleaned = super().clean()
        title = cleaned.get("title") or ""
        slug = cleaned.get("slug")
        if title and "slug" in cleaned and (not slug or not slug.isascii()):
            # Empty, or Vietnamese letters from the admin's slug script: fold them.
            base = ascii_slug(slug or title) or "san-pham"
            slug, n = base, 1
            while not Page._slug_is_available(slug, self.parent_page, self.instance):
                n += 1
                slug = f"{base}-{n}"
            cleaned["slug"] = slug
            self.instance.slug = slug
        self._require_licence(cleaned)
        self._unique_gtin(cleaned)
        return cleaned

    def _unique_gtin(self, cleaned):
        """One GTIN names one product: the Digital Link resolver (products.digital_link) must
        find exactly one page for it."""
        from .trace import product_for_gtin

        gtin = (cleaned.get("gtin") or "").strip()
        if not gtin or "gtin" in self.errors:
            return
        other = product_for_gtin(gtin, live_only=False)
        if other is not None and other.pk != self.instance.pk:
            self.add_error(
                "gtin", _("Mã GTIN này đã dùng cho sản phẩm “%(title)s”.") % {"title": other.title}
            )

    PUBLISHING = ("action-publish", "action-submit", "action-workflow-action")

    def _require_licence(self, cleaned):
        """Restricted goods are never published, nor sent for review, without the licence."""
        abv = cleaned.get("alcohol_abv")
        strong = abv is not None and abv >= self.instance.ALCOHOL_RESTRICTED_FROM
        restricted = strong or cleaned.get("age_restricted")
        publishing = any(name in self.data for name in self.PUBLISHING)
        if restricted and publishing and not (cleaned.get("licence_number") or "").strip():
            self.add_error(
                "licence_number",
                _(
                    "Rượu từ 5,5 độ và hàng hạn chế chỉ được đăng bán khi có số giấy phép "
                    "kinh doanh; bạn vẫn có thể lưu bản nháp."
                ),
            )

    def is_valid(self):
        valid = super().is_valid()
        if valid:
            self._fill_skus()
        return valid

    def _fill_skus(self):
        formset = self.formsets.get("variants")
        if formset is None:
            return
        title = self.cleaned_data.get("title") or self.instance.title
        live = [f for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        taken = {f.cleaned_data["sku"] for f in live if f.cleaned_data.get("sku")}
        for form in live:
            if not form.cleaned_data.get("sku"):
                sku = unique_sku(title, form.cleaned_data.get("label", ""), taken)
                taken.add(sku)
                form.cleaned_data["sku"] = sku
                form.instance.sku = sku

    def save(self, commit=True):
        page = super().save(commit=commit)
        self._add_photos(page)
        page._stock_changes = self.stock_changes()  # written after the save (wagtail_hooks)
        return page

    def _add_photos(self, page):
        """Each chosen photo becomes an image in the producer's own collection and a photo row
        of the product (after those already in the form), in the order chosen."""
        from wagtail.images import get_image_model

        from .models import ProducerPage, ProductImage
        from .roles import producer_collection

        files = self.cleaned_data.get("new_photos") or []
        if not files:
            return
        producer = self.parent_page if self.parent_page is not None else page.get_parent()
        producer = producer.specific if producer is not None else None
        collection = producer_collection(producer) if isinstance(producer, ProducerPage) else None
        Image = get_image_model()
        rows = list(page.images.all())
        title = self.cleaned_data.get("title") or page.title
        for n, upload in enumerate(files, start=len(rows) + 1):
            image = Image(title=f"{title} {n}"[:255], uploaded_by_user=self.for_user)
            if collection is not None:
                image.collection = collection
            image.file = shrink(upload)
            image.save()
            rows.append(ProductImage(image=image, sort_order=n - 1))
        page.images = rows

    def stock_changes(self) -> list[tuple[str, int, int]]:
        """(sku, version seen, units on hand) for the rows whose stock the editor changed."""
        from .stock import levels

        formset = self.formsets.get("variants")
        if formset is None:
            return []
        rows = [
            f
            for f in formset.forms
            if f.cleaned_data
            and not f.cleaned_data.get("DELETE")
            and f.cleaned_data.get("stock") is not None
        ]
        current = levels(f.cleaned_data["sku"] for f in rows)
        changes = []
        for form in rows:
            sku, wanted = form.cleaned_data["sku"], form.cleaned_data["stock"]
            item = current.get(sku)
            if item is not None and item.on_hand == wanted:
                continue
            seen = form.cleaned_data.get("stock_seen")
            version = item.version if item is not None else 0
            changes.append((sku, version if seen is None else seen, wanted))
        return changes


class BatchForm(WagtailAdminModelForm):
    """The batch form: a farmer may only choose its own products (drafts included); the code is
    made from the product and date when left empty (TraceabilityBatch.save)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "product" in self.fields and self.for_user is not None:
            from .trace import products_for_batches

            self.fields["product"].queryset = products_for_batches(self.for_user)
        if "code" in self.fields:
            self.fields["code"].required = False

    def clean_product(self):
        product = self.cleaned_data.get("product")
        if (
            product is not None
            and self.instance.pk
            and self.instance.product_id != product.pk
            and self.instance.live
        ):
            raise forms.ValidationError(
                _("Lô đã công bố không thể chuyển sang sản phẩm khác; hãy tạo lô mới.")
            )
        return product

    def clean_code(self):
        code = self.cleaned_data.get("code") or ""
        if self.instance.pk and self.instance.live and code != self.instance.code:
            # The code is printed on packs and stamps: once published it never changes.
            raise forms.ValidationError(_("Mã lô đã in trên tem, không đổi được sau khi công bố."))
        return code
