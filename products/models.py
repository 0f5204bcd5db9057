"""The OCOP catalogue: producers, their products, variants, stock and traceability batches.

Pages hold what editors publish (and moderate); stock and batches are plain models, so that
publishing an older revision of a product never changes how much of it is on hand.
"""

import datetime

from dateutil.relativedelta import relativedelta
from django import forms
from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import DraftStateMixin, Orderable, Page, RevisionMixin, WorkflowMixin
from wagtail.search import index

from cms import seo
from cms.translation import (
    CURRENT,
    ENGLISH_TAB,
    MISSING,
    TRANSLATE_PERMISSION,
    Bilingual,
    english_group,
    english_panels,
    english_title,
    page_edit_handler,
)
from cms.visibility import public, site_for

from .forms import BatchForm, ProductPageForm
from .gs1 import validate_gtin
from .panels import product_content_panels
from .reference import (  # noqa: F401  (re-exported)
    Commune,
    LegacyCommuneName,
    OcopCategory,
    Province,
    programme_communes,
)
from .serializers import (
    CategorySerializer,
    CommuneSerializer,
    ProducerRefSerializer,
    VariantSerializer,
)
from .trace_blocks import StageBlock


class ProducerIndexPage(Bilingual, Page):
    """/nha-san-xuat/: every producer, each holding its own products."""

    intro = RichTextField(_("giới thiệu"), blank=True)
    title_en = english_title()
    intro_en = RichTextField(_("giới thiệu (tiếng Anh)"), blank=True)

    translated_fields = {"title": "title_en", "intro": "intro_en"}
    content_panels = Page.content_panels + [FieldPanel("intro")]
    edit_handler = page_edit_handler(content_panels, english_panels(translated_fields.values()))
    subpage_types = ["products.ProducerPage"]
    max_count = 1

    class Meta:
        verbose_name = _("danh sách chủ thể OCOP")

    def meta_description(self) -> str:
        """What the page's meta description says when no search description is set
        (cms/seo.py makes it plain text of at most 160 characters)."""
        return self.t.intro

    # The anonymous page cache (cms/cache.py): what this page shows, what its change affects.
    def page_cache_tags(self):
        return ["producers"]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["producers"] = (
            public(ProducerPage.objects.child_of(self))
            .select_related("commune", "logo")
            .annotate(product_count=models.Count("products", distinct=True))
            .order_by("title")
        )
        return context


class ProducerPage(Bilingual, Page):
    """An OCOP subject: an enterprise, cooperative, cooperative group or household business."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("Doanh nghiệp")
        COOPERATIVE = "cooperative", _("Hợp tác xã")
        COOPERATIVE_GROUP = "cooperative_group", _("Tổ hợp tác")
        HOUSEHOLD = "household", _("Hộ sản xuất, kinh doanh")

    kind = models.CharField(_("loại hình"), max_length=20, choices=Kind.choices)
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("xã/phường"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="producers",
        limit_choices_to=programme_communes,
    )
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    story = RichTextField(_("câu chuyện"), blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    latitude = models.FloatField(_("vĩ độ"), null=True, blank=True)
    longitude = models.FloatField(_("kinh độ"), null=True, blank=True)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=255, blank=True)
    story_en = RichTextField(_("câu chuyện (tiếng Anh)"), blank=True)

    translated_fields = {"title": "name_en", "story": "story_en"}
    content_panels = Page.content_panels + [
        FieldPanel("kind"),
        MultiFieldPanel(
            [
                FieldPanel("commune"),
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
            ],
            heading=_("Địa chỉ"),
        ),
        FieldRowPanel([FieldPanel("phone"), FieldPanel("email")]),
        FieldPanel("logo"),
        FieldPanel("story"),
    ]
    edit_handler = page_edit_handler(content_panels, english_panels(translated_fields.values()))
    search_fields = Page.search_fields + [
        index.SearchField("story"),
        index.SearchField("address"),
        index.SearchField("name_en"),
        index.SearchField("story_en"),
    ]
    api_fields = [
        APIField("name_en"),
        APIField("story_en"),
        APIField("kind"),
        APIField("commune", serializer=CommuneSerializer()),
        APIField("address"),
        APIField("phone"),
        APIField("latitude"),
        APIField("longitude"),
    ]
    parent_page_types = ["products.ProducerIndexPage"]
    subpage_types = ["products.ProductPage"]

    class Meta:
        verbose_name = _("chủ thể OCOP")
        verbose_name_plural = _("chủ thể OCOP")

    PRODUCTS_PER_PAGE = 24
    # What rendering the page needs (cms/fragments.py: loaded when a part is rendered).
    render_select_related = ("logo", "commune", "seller_identity")

    def meta_description(self) -> str:
        """What the page's meta description says when no search description is set
        (cms/seo.py makes it plain text of at most 160 characters)."""
        return self.t.story

    def meta_image(self):
        """The picture of link previews (cms/seo.py): the producer's logo."""
        return self.logo

    def page_cache_tags(self):
        return ["products"]  # its product cards, with their stock

    def page_cache_purge_tags(self):
        # Its name, address and phone appear on its products' pages, cards and the map.
        return ["producers", "products", f"producer:{self.pk}", "map"]

    def render_context(self, request) -> dict:
        """Its products (24 a page) and public seller identity: read when the page's content is
        rendered, not when it is kept (cms/fragments.py)."""
        from django.core.paginator import Paginator

        from .catalogue import product_cards

        context = {}
        # A producer may hold hundreds of products: 24 a page (?page=; bad values → nearest page).
        products = public(ProductPage.objects.filter(producer=self), site_for(request))
        page = Paginator(product_cards(products.order_by("path")), self.PRODUCTS_PER_PAGE).get_page(
            request.GET.get("page")
        )
        context["page_obj"] = page
        context["products"] = page.object_list
        if "seller_identity" in self._state.fields_cache:  # fetched with the page
            identity = self._state.fields_cache["seller_identity"]
        else:
            identity = SellerIdentity.objects.filter(producer=self).first()
        # Only what the e-commerce rules require to be public (never CCCD or bank account).
        context["legal_id"] = identity.public_identifier if identity else ""
        context["legal_id_is_tax_code"] = bool(identity and identity.tax_code)
        return context


class ProductPage(Bilingual, Page):
    """One OCOP product, listed by its producer, with certification, photos and variants."""

    class OcopStatus(models.TextChoices):
        VALID = "valid", _("Còn hiệu lực")
        EXPIRED = "expired", _("Hết hiệu lực")
        REVOKED = "revoked", _("Bị thu hồi")
        NONE = "none", _("Chưa xếp hạng")

    STAR_CHOICES = [(3, _("3 sao")), (4, _("4 sao")), (5, _("5 sao"))]

    name_en = models.CharField(_("tên tiếng Anh"), max_length=255, blank=True)
    summary = models.CharField(_("mô tả ngắn"), max_length=300, blank=True)
    summary_en = models.CharField(_("mô tả ngắn (tiếng Anh)"), max_length=300, blank=True)
    body = RichTextField(_("mô tả chi tiết"), blank=True)
    body_en = RichTextField(_("mô tả chi tiết (tiếng Anh)"), blank=True)
    category = models.ForeignKey(
        OcopCategory,
        verbose_name=_("ngành hàng OCOP"),
        on_delete=models.PROTECT,
        related_name="products",
    )
    origin_commune = models.ForeignKey(
        Commune,
        verbose_name=_("xã/phường xuất xứ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="products",
        limit_choices_to=programme_communes,
    )
    ocop_stars = models.PositiveSmallIntegerField(
        _("hạng sao OCOP"), choices=STAR_CHOICES, null=True, blank=True
    )
    potential_five_star = models.BooleanField(_("tiềm năng 5 sao"), default=False)
    ocop_year = models.PositiveSmallIntegerField(_("năm công nhận"), null=True, blank=True)
    ocop_decision_number = models.CharField(_("số quyết định"), max_length=60, blank=True)
    ocop_recognising_body = models.CharField(_("cơ quan công nhận"), max_length=200, blank=True)
    ocop_recognising_body_en = models.CharField(
        _("cơ quan công nhận (tiếng Anh)"), max_length=200, blank=True
    )
    ocop_decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    ocop_revoked = models.BooleanField(
        _("bị thu hồi"), default=False, help_text=_("Đánh dấu khi quyết định công nhận bị thu hồi.")
    )
    featured = models.BooleanField(_("nổi bật trên trang chủ"), default=False)
    # Restricted goods (Decree 105/2017, 17/2020 on alcohol): not sold for cash on delivery,
    # only to buyers who confirm they are 18 or older, and only with the seller's licence.
    alcohol_abv = models.DecimalField(
        _("độ cồn (% thể tích)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("Với đồ uống có cồn. Từ 5,5 độ: chỉ bán cho người từ 18 tuổi."),
    )
    age_restricted = models.BooleanField(
        _("chỉ bán cho người từ 18 tuổi"),
        default=False,
        help_text=_("Hàng hạn chế khác (ngoài rượu từ 5,5 độ, đã tự động áp dụng)."),
    )
    licence_number = models.CharField(
        _("số giấy phép kinh doanh rượu/hàng hạn chế"),
        max_length=100,
        blank=True,
        help_text=_("Bắt buộc trước khi đăng bán hàng hạn chế; hiện trên trang sản phẩm."),
    )

    gtin = models.CharField(
        _("mã GTIN (mã vạch)"),
        max_length=14,
        blank=True,
        validators=[validate_gtin],
        help_text=_(
            "Mã số mã vạch GS1 của sản phẩm (thường 13 số, bắt đầu bằng 893). Không bắt buộc; "
            "khi có, tem QR của lô dùng chuẩn GS1 Digital Link."
        ),
    )

    ALCOHOL_RESTRICTED_FROM = 5.5

    @property
    def restricted(self) -> bool:
        """Sold only online-paid, to adults, with a licence shown."""
        return self.is_restricted(self.alcohol_abv, self.age_restricted)

    @classmethod
    def is_restricted(cls, alcohol_abv, age_restricted: bool) -> bool:
        """The rule behind `restricted`, for a caller holding only the two values."""
        strong = alcohol_abv is not None and alcohol_abv >= cls.ALCOHOL_RESTRICTED_FROM
        return bool(age_restricted or strong)

    # Denormalised for listing, filters and sorting; kept in step by save().
    producer = models.ForeignKey(
        ProducerPage, null=True, editable=False, on_delete=models.SET_NULL, related_name="products"
    )
    min_price = models.PositiveBigIntegerField(null=True, editable=False, db_index=True)

    translated_fields = {
        "title": "name_en",
        "summary": "summary_en",
        "body": "body_en",
        "ocop_recognising_body": "ocop_recognising_body_en",
    }
    translated_children = ("variants", "images")
    content_panels = product_content_panels()  # products/panels.py: the farmer's order
    base_form_class = ProductPageForm  # products/forms.py: SKUs, ASCII slug, stock per variant
    # The variants' English labels are in each variant row (translators only).
    edit_handler = page_edit_handler(
        content_panels, english_panels(translated_fields.values()), ProductPageForm
    )
    search_fields = Page.search_fields + [
        index.SearchField("name_en"),
        index.SearchField("summary"),
        index.SearchField("summary_en"),
        index.SearchField("body"),
        index.SearchField("body_en"),
        index.FilterField("ocop_stars"),
    ]
    api_fields = [
        APIField("name_en"),
        APIField("summary"),
        APIField("summary_en"),
        APIField("body_en"),
        APIField("price", serializer=None),
        APIField("min_price"),
        APIField("ocop_stars"),
        APIField("potential_five_star"),
        APIField("ocop_status"),
        APIField("ocop_valid_until"),
        APIField("category", serializer=CategorySerializer()),
        APIField("origin_commune", serializer=CommuneSerializer()),
        APIField("producer", serializer=ProducerRefSerializer()),
        APIField("variants", serializer=VariantSerializer(many=True)),
    ]
    parent_page_types = ["products.ProducerPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("sản phẩm OCOP")
        verbose_name_plural = _("sản phẩm OCOP")
        # Officers hold it; farmers do not (a farmer cannot award itself stars).
        permissions = [("certify_ocop", _("Xếp hạng và cập nhật chứng nhận OCOP"))]

    # What rendering the page needs (its parts are kept once rendered: cms/fragments.py), loaded
    # when one is rendered, or with the page: its category, commune, producer, rating, variants
    # and gallery with its renditions, in a fixed number of queries.
    render_select_related = (
        "category__parent",
        "origin_commune",
        "producer__logo",
        "producer__commune",
        "rating",
    )

    @staticmethod
    def render_prefetch_related():
        from django.db.models import Prefetch
        from wagtail.images import get_image_model

        from cms.templatetags.cms_images import filter_specs

        specs = [
            *filter_specs(*ProductPage.GALLERY_SPECS),
            ProductPage.ZOOM_SPEC,
            ProductPage.JSONLD_SPEC,
            seo.OG_SPEC,
        ]
        renditions = get_image_model().get_rendition_model().objects.filter(filter_spec__in=specs)
        return [
            Prefetch("images", queryset=ProductImage.objects.select_related("image")),
            Prefetch("images__image__renditions", renditions, to_attr="prefetched_renditions"),
            "variants",
            "origin_commune__legacy_names",
        ]

    # The gallery's {% picture %} specs and the JSON-LD picture (checked by a test).
    GALLERY_SPECS = ("format-{webp,jpeg}", "max-{480x480,960x960}")
    JSONLD_SPEC = "max-960x960|format-jpeg"
    # The large picture each gallery link opens (and the zoom dialog shows).
    ZOOM_SPEC = "max-1600x1600|format-webp"

    og_type = "product"  # Open Graph (cms/seo.py)

    def meta_description(self) -> str:
        """What the page's meta description says when no search description is set
        (cms/seo.py makes it plain text of at most 160 characters)."""
        return self.t.summary or self.t.body

    def meta_image(self):
        """The picture of link previews (cms/seo.py): the first gallery picture (prefetched)."""
        first = next(iter(self.images.all()), None)
        return first.image if first else None

    def page_cache_tags(self):
        return [f"producer:{self.producer_id}"] if self.producer_id else []

    def page_cache_purge_tags(self):
        tags = ["products", "map"]
        if self.producer_id:
            tags.append(f"page:{self.producer_id}")
        return tags

    def render_context(self, request) -> dict:
        """The buy box's variants with their stock, the producer and the traceable batches:
        read when the page's content is rendered (not when it is kept: cms/fragments.py)."""
        from .stock import availability

        variants = list(self.variants.all())
        free = availability(v.sku for v in variants)
        for variant in variants:
            variant.available = free[variant.sku]
        return {
            "variants": variants,
            # The chip chosen at first: the first variant in stock (the buy box shows its price).
            "chosen": next((v for v in variants if v.available > 0), None),
            "sold_out": [v for v in variants if v.available <= 0],
            "producer": self.producer,
            "batches": self.batches.filter(live=True).order_by("-produced_on")[:10]
            if self.pk
            else [],
        }

    # --- OCOP certification -------------------------------------------------------------
    @property
    def ocop_valid_until(self) -> datetime.date | None:
        """A recognition is valid for 36 months from its decision date (Decision 148/QĐ-TTg)."""
        if not self.ocop_decision_date:
            return None
        return self.ocop_decision_date + relativedelta(months=settings.OCOP_VALIDITY_MONTHS)

    def ocop_status_on(self, day: datetime.date) -> str:
        if not self.ocop_stars:
            return self.OcopStatus.NONE
        if self.ocop_revoked:
            return self.OcopStatus.REVOKED
        valid_until = self.ocop_valid_until
        if valid_until is not None and day >= valid_until:
            return self.OcopStatus.EXPIRED
        return self.OcopStatus.VALID

    @property
    def ocop_status(self) -> str:
        return self.ocop_status_on(timezone.localdate())

    def get_ocop_status_display(self) -> str:
        return self.OcopStatus(self.ocop_status).label

    # --- prices and pictures ------------------------------------------------------------
    @property
    def price(self) -> int | None:
        """The lowest variant price, in whole đồng."""
        return self.min_price

    @cached_property
    def main_image(self):
        first = next(iter(self.images.all()), None)
        return first.image if first else None

    def clean(self):
        super().clean()
        if self.ocop_stars and self.ocop_decision_date and self.ocop_year:
            if self.ocop_decision_date.year != self.ocop_year:
                raise ValidationError(
                    {"ocop_year": _("Năm công nhận phải trùng với năm của ngày quyết định.")}
                )

    def save(self, *args, **kwargs):
        prices = [v.price for v in self.variants.all() if v.price is not None]
        self.min_price = min(prices) if prices else None
        if self.ocop_decision_date and not self.ocop_year:
            self.ocop_year = self.ocop_decision_date.year
        if self.path and self.depth and self.depth > 1:
            parent = self.get_parent()
            self.producer_id = (
                parent.pk if parent and parent.specific_class is ProducerPage else None
            )
        return super().save(*args, **kwargs)


class ProductImage(Bilingual, Orderable):
    page = ParentalKey(ProductPage, on_delete=models.CASCADE, related_name="images")
    image = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("ảnh"), on_delete=models.CASCADE, related_name="+"
    )
    caption = models.CharField(_("chú thích"), max_length=255, blank=True)
    caption_en = models.CharField(_("chú thích (tiếng Anh)"), max_length=255, blank=True)

    translated_fields = {"caption": "caption_en"}
    panels = [FieldPanel("image"), FieldPanel("caption"), english_group(["caption_en"])]

    class Meta(Orderable.Meta):
        verbose_name = _("ảnh sản phẩm")


class ProductVariant(Bilingual, Orderable):
    """A sellable form of a product: "Hộp 100 g" at 150.000 ₫. Its SKU keys the stock record."""

    page = ParentalKey(ProductPage, on_delete=models.CASCADE, related_name="variants")
    sku = models.SlugField(
        _("mã SKU"), max_length=64, unique=True, help_text=_("Mã riêng của quy cách, không trùng.")
    )
    label = models.CharField(_("quy cách"), max_length=100, help_text=_("Ví dụ: Hộp 100 g"))
    price = models.PositiveBigIntegerField(_("giá (đồng)"), help_text=_("Số nguyên, đơn vị đồng."))
    weight_grams = models.PositiveIntegerField(_("khối lượng (g)"), null=True, blank=True)
    label_en = models.CharField(
        _("quy cách (tiếng Anh)"), max_length=100, blank=True, help_text=_("Ví dụ: 100 g box")
    )

    translated_fields = {"label": "label_en"}
    panels = [
        FieldRowPanel([FieldPanel("label"), FieldPanel("price")]),
        # "stock" and "stock_seen" are products.forms.VariantForm fields, not model fields:
        # stock is written through products.stock, never into the page revision.
        FieldRowPanel([FieldPanel("stock"), FieldPanel("weight_grams")]),
        FieldPanel("stock_seen"),
        FieldPanel("sku"),
        english_group(["label_en"]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("quy cách")
        verbose_name_plural = _("quy cách và giá")

    def __str__(self):
        return f"{self.page.title} — {self.label}"


class ProductRating(models.Model):
    """The published-review summary of one product, written only by products/ratings.py (the
    shop pushes it after each moderation). Off the page so that revisions never carry it."""

    page = models.OneToOneField(
        ProductPage, on_delete=models.CASCADE, related_name="rating", primary_key=True
    )
    count = models.PositiveIntegerField(_("số đánh giá"), default=0)
    average = models.DecimalField(_("điểm trung bình"), max_digits=3, decimal_places=2, null=True)
    stars_1 = models.PositiveIntegerField(default=0)
    stars_2 = models.PositiveIntegerField(default=0)
    stars_3 = models.PositiveIntegerField(default=0)
    stars_4 = models.PositiveIntegerField(default=0)
    stars_5 = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("điểm đánh giá")

    def __str__(self):
        return f"{self.page_id}: {self.average} ({self.count})"

    @property
    def distribution(self) -> list[tuple[int, int, int]]:
        """(stars, count, percent) from 5 down to 1."""
        rows = []
        for stars in range(5, 0, -1):
            n = getattr(self, f"stars_{stars}")
            rows.append((stars, n, round(100 * n / self.count) if self.count else 0))
        return rows


class StockItem(models.Model):
    """Stock for one SKU. Plain model, outside page revisions: publishing never touches it.
    Written only by products.stock."""

    sku = models.SlugField(_("mã SKU"), max_length=64, unique=True)
    on_hand = models.PositiveIntegerField(_("tồn kho"), default=0)
    reserved = models.PositiveIntegerField(_("đang giữ cho đơn"), default=0)
    # Raised by every stock operation (products.stock): a screen saves only over the version
    # its editor saw, so an order placed meanwhile is never overwritten.
    version = models.PositiveIntegerField(default=0, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tồn kho")
        verbose_name_plural = _("tồn kho")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reserved__lte=models.F("on_hand")),
                name="stock_reserved_within_on_hand",
            )
        ]

    def __str__(self):
        return f"{self.sku}: {self.available}"

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class StockMovement(models.Model):
    """Every change of stock: who, when, old → new, and why."""

    sku = models.SlugField(max_length=64, db_index=True)
    old_on_hand = models.IntegerField()
    new_on_hand = models.IntegerField()
    reason = models.CharField(max_length=100, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("lịch sử tồn kho")

    def __str__(self):
        return f"{self.sku}: {self.old_on_hand} → {self.new_on_hand}"


class TraceabilityBatch(Bilingual, WorkflowMixin, DraftStateMixin, RevisionMixin, ClusterableModel):
    """A production or harvest batch of a product, with its stages, a public page and QR stamps.

    Farmers record batches of their own products and submit them; officers approve them through
    the same "Duyệt sản phẩm" workflow as products (products.roles). The row holds the published
    version: a live batch's later edits are drafts (revisions) until approved, so the public
    page never shows unreviewed changes and every amendment leaves a revision (products.trace).
    """

    code = models.SlugField(
        _("mã lô"),
        max_length=40,
        unique=True,
        blank=True,
        help_text=_("In trên bao bì; dùng trong mã QR. Để trống thì hệ thống tự đặt."),
    )
    product = models.ForeignKey(
        ProductPage, verbose_name=_("sản phẩm"), on_delete=models.CASCADE, related_name="batches"
    )
    produced_on = models.DateField(_("ngày sản xuất/thu hoạch"))
    expires_on = models.DateField(_("hạn sử dụng"), null=True, blank=True)
    quantity = models.CharField(
        _("sản lượng lô"), max_length=60, blank=True, help_text=_("Ví dụ: 500 hộp, 1,2 tấn.")
    )
    stages = StreamField(
        [("stage", StageBlock())],
        verbose_name=_("các công đoạn sản xuất"),
        blank=True,
        help_text=_("Theo thứ tự thời gian: gieo trồng, chăm sóc, thu hoạch, chế biến, đóng gói…"),
    )
    hanoi_trace_code = models.CharField(
        _("mã trên hệ thống truy xuất Hà Nội"),
        max_length=80,
        blank=True,
        help_text=_("Mã lô khi đã đưa lên hệ thống truy xuất nguồn gốc của thành phố."),
    )
    hanoi_trace_url = models.URLField(
        _("đường dẫn trên hệ thống truy xuất Hà Nội"), blank=True, max_length=500
    )
    notes = models.TextField(_("ghi chú"), blank=True)
    # English (officers translate; an English page shows the Vietnamese, marked, until then).
    quantity_en = models.CharField(_("sản lượng lô (tiếng Anh)"), max_length=60, blank=True)
    notes_en = models.TextField(_("ghi chú (tiếng Anh)"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="traceabilitybatch")
    workflow_states = GenericRelation(
        "wagtailcore.WorkflowState",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name="traceabilitybatch",
        for_concrete_model=False,
    )

    panels = [
        # A plain drop-down of the user's own products (BatchForm), simpler on a phone.
        FieldPanel("product", widget=forms.Select),
        FieldPanel("code"),
        FieldRowPanel([FieldPanel("produced_on"), FieldPanel("expires_on")]),
        FieldPanel("quantity"),
        FieldPanel("stages"),
        InlinePanel("certifications", label=_("Chứng nhận")),
        MultiFieldPanel(
            [FieldPanel("hanoi_trace_code"), FieldPanel("hanoi_trace_url")],
            heading=_("Hệ thống truy xuất nguồn gốc Hà Nội"),
        ),
        FieldPanel("notes"),
        MultiFieldPanel(
            english_panels(["quantity_en", "notes_en"]),
            heading=ENGLISH_TAB,
            permission=TRANSLATE_PERMISSION,
        ),
    ]
    base_form_class = BatchForm
    translated_fields = {"quantity": "quantity_en", "notes": "notes_en"}
    translated_children = ("certifications",)

    class Meta:
        ordering = ["-produced_on", "code"]
        verbose_name = _("lô sản xuất (truy xuất nguồn gốc)")
        verbose_name_plural = _("lô sản xuất (truy xuất nguồn gốc)")

    def __str__(self):
        return f"{self.code} — {self.product.title}"

    def field_states(self) -> dict[str, str]:
        """Besides quantity and notes: the stages, *missing* while a stage's Vietnamese
        description, place or input name has no English (`…_en` in the blocks), else
        *up to date* (a stage's English is checked by the officer who approves the batch)."""
        states = super().field_states()
        pairs = []
        for stage in self.stages:
            value = stage.value
            pairs += [(value.get(vi), value.get(vi + "_en")) for vi in ("description", "place")]
            pairs += [(i.get("name"), i.get("name_en")) for i in value.get("inputs") or []]
        if any((vi or "").strip() for vi, _en in pairs):
            missing = any((vi or "").strip() and not (en or "").strip() for vi, en in pairs)
            states["stages"] = MISSING if missing else CURRENT
        return states

    def clean(self):
        if self.expires_on and self.produced_on and self.expires_on < self.produced_on:
            raise ValidationError({"expires_on": _("Hạn sử dụng phải sau ngày sản xuất.")})

    def save(self, *args, **kwargs):
        if not self.code and self.product_id:
            from .trace import new_batch_code

            self.code = new_batch_code(self.product, self.produced_on)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("products:batch", kwargs={"code": self.code})


class BatchCertification(Bilingual, Orderable):
    class Scheme(models.TextChoices):
        VIETGAP = "vietgap", "VietGAP"
        GLOBALGAP = "globalgap", "GlobalG.A.P."
        ORGANIC = "organic", _("Hữu cơ (TCVN 11041)")
        HACCP = "haccp", "HACCP"
        ISO22000 = "iso22000", "ISO 22000"
        FOOD_SAFETY = "food_safety", _("Cơ sở đủ điều kiện ATTP")
        OTHER = "other", _("Khác")

    batch = ParentalKey(TraceabilityBatch, on_delete=models.CASCADE, related_name="certifications")
    scheme = models.CharField(_("loại chứng nhận"), max_length=20, choices=Scheme.choices)
    number = models.CharField(_("số chứng nhận"), max_length=80)
    issuer = models.CharField(_("tổ chức cấp"), max_length=200, blank=True)
    issuer_en = models.CharField(_("tổ chức cấp (tiếng Anh)"), max_length=200, blank=True)
    valid_until = models.DateField(_("hiệu lực đến"), null=True, blank=True)

    panels = [
        FieldPanel("scheme"),
        FieldPanel("number"),
        FieldPanel("issuer"),
        FieldPanel("valid_until"),
        english_group(["issuer_en"]),
    ]
    translated_fields = {"issuer": "issuer_en"}

    class Meta(Orderable.Meta):
        verbose_name = _("chứng nhận")

    def __str__(self):
        return f"{self.get_scheme_display()} {self.number}"


class ProductIndexPage(Bilingual, Page):
    """/san-pham/: the public catalogue with filters, sorting and pagination."""

    intro = RichTextField(_("giới thiệu"), blank=True)
    title_en = english_title()
    intro_en = RichTextField(_("giới thiệu (tiếng Anh)"), blank=True)

    translated_fields = {"title": "title_en", "intro": "intro_en"}
    content_panels = Page.content_panels + [FieldPanel("intro")]
    edit_handler = page_edit_handler(content_panels, english_panels(translated_fields.values()))
    subpage_types = []
    max_count = 1

    def meta_description(self) -> str:
        """What the page's meta description says when no search description is set
        (cms/seo.py makes it plain text of at most 160 characters)."""
        return self.t.intro

    class Meta:
        verbose_name = _("danh mục sản phẩm")

    def page_cache_tags(self):
        return ["products"]

    def render_context(self, request) -> dict:
        """The filtered, paginated catalogue: read when the page's content is rendered, not when
        it is kept (cms/fragments.py)."""
        from .catalogue import CountedPaginator, search_catalogue

        site = site_for(request)
        result = search_catalogue(request.GET, site)
        paginator = CountedPaginator(
            result.products,
            settings.CATALOGUE_PAGE_SIZE,
            filters=result.filters,
            site=site,
        )
        page = paginator.get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return {
            "catalogue": result,
            "form": result.form,
            "page_obj": page,
            "products": page.object_list,
            "querystring": query.urlencode(),
        }


class FirstLoginPassword(models.Model):
    """A login created by an officer for someone else: it must change its password first.

    The row is the flag: while it exists the admin sends the user to the first-login password
    form (products.middleware); a real password change removes it (products.passwords). It
    keeps the temporary password's hash only to refuse that password as the new one.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="first_login_password"
    )
    initial_password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mật khẩu cần đổi khi đăng nhập lần đầu")

    def __str__(self):
        return str(self.user)


class SellerIdentity(models.Model):
    """Who the seller is in law, and where its money goes. A plain model, not a page field: it
    never rides on page revisions, and only the producer and officers see it — except what the
    e-commerce rules require to be public (name, address, tax code or registration number),
    which the producer page shows."""

    producer = models.OneToOneField(
        ProducerPage, on_delete=models.CASCADE, related_name="seller_identity"
    )
    tax_code = models.CharField(
        _("mã số thuế"),
        max_length=14,
        blank=True,
        help_text=_("10 chữ số, hoặc 13 chữ số cho đơn vị phụ thuộc (ví dụ 0101234567-001)."),
    )
    citizen_id = models.CharField(
        _("số CCCD của chủ hộ"),
        max_length=12,
        blank=True,
        help_text=_("12 chữ số; dùng cho hộ kinh doanh chưa có mã số thuế."),
    )
    registration_number = models.CharField(_("số đăng ký kinh doanh"), max_length=20, blank=True)
    registration_date = models.DateField(_("ngày đăng ký"), null=True, blank=True)
    bank_bin = models.CharField(_("ngân hàng (mã BIN)"), max_length=6, blank=True)
    bank_account = models.CharField(_("số tài khoản"), max_length=19, blank=True)
    bank_holder = models.CharField(_("chủ tài khoản"), max_length=100, blank=True)
    commission_bp = models.PositiveSmallIntegerField(
        _("phí sàn riêng (phần vạn)"),
        null=True,
        blank=True,
        help_text=_("Chỉ cán bộ đặt; để trống thì dùng mức chung. 300 = 3%."),
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("thông tin người bán")

    def __str__(self):
        return str(self.producer)

    @property
    def public_identifier(self) -> str:
        """What the law requires to be public: the tax code, else the registration number."""
        return self.tax_code or self.registration_number


from .ntm import NtmIndicator, NtmResult  # noqa: E402, F401  (NTM results: products/ntm.py)
