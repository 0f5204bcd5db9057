"""Rural tourism sites (craft villages, farms, heritage villages)."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    HelpPanel,
    InlinePanel,
    MultiFieldPanel,
)
from wagtail.api import APIField
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms import seo
from cms.translation import (
    Bilingual,
    english_group,
    english_panels,
    english_title,
    page_edit_handler,
)
from cms.visibility import public
from products.models import Commune, programme_communes
from products.serializers import CommuneSerializer

from .panels import TileStatusPanel


def _renditions(lookup: str, *specs: str):
    """Prefetch the renditions of exactly these specs (Wagtail's `prefetch_renditions`)."""
    from wagtail.images import get_image_model

    renditions = get_image_model().get_rendition_model().objects.filter(filter_spec__in=specs)
    return models.Prefetch(lookup, queryset=renditions, to_attr="prefetched_renditions")


class TourIndexPage(Bilingual, Page):
    intro = RichTextField(_("giới thiệu"), blank=True)
    title_en = english_title()
    intro_en = RichTextField(_("giới thiệu (tiếng Anh)"), blank=True)

    translated_fields = {"title": "title_en", "intro": "intro_en"}
    content_panels = Page.content_panels + [FieldPanel("intro")]
    edit_handler = page_edit_handler(content_panels, english_panels(translated_fields.values()))
    subpage_types = ["tours.TourSitePage"]
    max_count = 1

    class Meta:
        verbose_name = _("danh sách điểm du lịch")

    def meta_description(self) -> str:
        """What the page's meta description says when no search description is set
        (cms/seo.py makes it plain text of at most 160 characters)."""
        return self.t.intro

    # The anonymous page cache (cms/cache.py): what this page shows, what its change affects.
    def page_cache_tags(self):
        return ["tours"]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sites"] = (
            public(TourSitePage.objects.child_of(self)).select_related("commune").order_by("title")
        )
        return context


class TourSitePage(Bilingual, Page):
    class Kind(models.TextChoices):
        CRAFT_VILLAGE = "craft_village", _("Làng nghề")
        HERITAGE_VILLAGE = "heritage_village", _("Làng cổ")
        COMMUNITY_TOURISM = "community_tourism", _("Du lịch cộng đồng")
        FARM = "farm", _("Trang trại")
        ECO_PARK = "eco_park", _("Khu sinh thái")
        HERITAGE_SITE = "heritage_site", _("Di tích")

    name_en = models.CharField(_("tên tiếng Anh"), max_length=255, blank=True)
    kind = models.CharField(_("loại hình"), max_length=20, choices=Kind.choices)
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("xã/phường"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tour_sites",
        limit_choices_to=programme_communes,
    )
    latitude = models.FloatField(_("vĩ độ"))
    longitude = models.FloatField(_("kinh độ"))
    summary = models.CharField(_("mô tả ngắn"), max_length=300, blank=True)
    story = RichTextField(_("câu chuyện"), blank=True)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    opening_hours = models.TextField(
        _("giờ mở cửa"), blank=True, help_text=_("Ví dụ: Thứ Hai – Chủ nhật, 8:00 – 17:00")
    )
    ticket_prices = models.TextField(
        _("giá vé"), blank=True, help_text=_("Mỗi dòng một loại vé, ví dụ: Người lớn: 20.000 ₫")
    )
    directions = models.TextField(_("cách đi đến"), blank=True)
    summary_en = models.CharField(_("mô tả ngắn (tiếng Anh)"), max_length=300, blank=True)
    story_en = RichTextField(_("câu chuyện (tiếng Anh)"), blank=True)
    opening_hours_en = models.TextField(
        _("giờ mở cửa (tiếng Anh)"), blank=True, help_text=_("Ví dụ: Monday – Sunday, 8:00 – 17:00")
    )
    ticket_prices_en = models.TextField(
        _("giá vé (tiếng Anh)"), blank=True, help_text=_("Ví dụ: Adults: 20.000 ₫")
    )
    directions_en = models.TextField(_("cách đi đến (tiếng Anh)"), blank=True)
    related_producers = ParentalManyToManyField(
        "products.ProducerPage",
        verbose_name=_("chủ thể OCOP liên quan"),
        blank=True,
        related_name="tour_sites",
    )
    related_products = ParentalManyToManyField(
        "products.ProductPage",
        verbose_name=_("sản phẩm liên quan"),
        blank=True,
        related_name="tour_sites",
    )

    translated_fields = {
        "title": "name_en",
        "summary": "summary_en",
        "story": "story_en",
        "opening_hours": "opening_hours_en",
        "ticket_prices": "ticket_prices_en",
        "directions": "directions_en",
    }
    content_panels = Page.content_panels + [
        FieldPanel("kind"),
        MultiFieldPanel(
            [
                FieldPanel("commune"),
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
            ],
            heading=_("Vị trí"),
        ),
        FieldPanel("summary"),
        FieldPanel("story"),
        MultiFieldPanel(
            [FieldPanel("opening_hours"), FieldPanel("ticket_prices"), FieldPanel("directions")],
            heading=_("Thông tin tham quan"),
        ),
        InlinePanel("gallery", label=_("Ảnh")),
        FieldPanel("related_producers", widget=forms.CheckboxSelectMultiple),
        FieldPanel("related_products"),
    ]
    edit_handler = page_edit_handler(content_panels, english_panels(translated_fields.values()))
    search_fields = Page.search_fields + [
        index.SearchField("name_en"),
        index.SearchField("summary"),
        index.SearchField("summary_en"),
        index.SearchField("story"),
        index.SearchField("story_en"),
    ]
    api_fields = [
        APIField("name_en"),
        APIField("kind"),
        APIField("commune", serializer=CommuneSerializer()),
        APIField("latitude"),
        APIField("longitude"),
        APIField("summary"),
        APIField("summary_en"),
        APIField("opening_hours"),
        APIField("opening_hours_en"),
        APIField("ticket_prices"),
        APIField("ticket_prices_en"),
        APIField("directions"),
        APIField("directions_en"),
    ]
    parent_page_types = ["tours.TourIndexPage"]
    subpage_types = ["tours.VirtualTourPage"]

    class Meta:
        verbose_name = _("điểm du lịch nông thôn")
        verbose_name_plural = _("điểm du lịch nông thôn")

    def meta_description(self) -> str:
        """What the page's meta description says when no search description is set
        (cms/seo.py makes it plain text of at most 160 characters)."""
        return self.t.summary or self.t.story

    def meta_image(self):
        """The picture of link previews (cms/seo.py): the first gallery picture (prefetched)."""
        first = next(iter(self.gallery.all()), None)
        return first.image if first else None

    @property
    def ticket_lines(self) -> list[str]:
        return [line.strip() for line in self.t.ticket_prices.splitlines() if line.strip()]

    def page_cache_purge_tags(self):
        return ["tours", "map"]

    # What rendering the page needs, loaded when a part is rendered (cms/fragments.py).
    render_select_related = ("commune",)
    GALLERY_SPEC = "max-640x480|format-webp"  # the template's {% image %} (checked by a test)
    JSONLD_SPEC = "max-960x960|format-jpeg"

    @classmethod
    def render_prefetch_related(cls):
        return [
            models.Prefetch("gallery", queryset=TourSiteImage.objects.select_related("image")),
            _renditions(
                "gallery__image__renditions", cls.GALLERY_SPEC, cls.JSONLD_SPEC, seo.OG_SPEC
            ),
        ]

    def get_context(self, request, *args, **kwargs):
        from cms.visibility import site_for

        context = super().get_context(request, *args, **kwargs)
        site = site_for(request)  # one read of the restricted sections for the three lists
        context["tours"] = public(VirtualTourPage.objects.child_of(self), site).order_by("path")
        context["producers"] = public(self.related_producers.all(), site).select_related("commune")
        context["products"] = public(self.related_products.all(), site).order_by("title")
        return context

    @property
    def embed_map_query(self) -> str:
        """The embedded map centred on this site (tours.mapdata `focus`)."""
        return f"focus=site-{self.pk}"


class TourSiteImage(Orderable):
    page = ParentalKey(TourSitePage, on_delete=models.CASCADE, related_name="gallery")
    image = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("ảnh"), on_delete=models.CASCADE, related_name="+"
    )
    caption = models.CharField(_("chú thích"), max_length=255, blank=True)

    panels = [FieldPanel("image"), FieldPanel("caption")]

    class Meta(Orderable.Meta):
        verbose_name = _("ảnh điểm du lịch")


def panorama_error(image) -> ValidationError | None:
    """Why *image* cannot be a 360° panorama (ratio, format, pixel limits), or None."""
    if image is None:
        return None
    from .tiles import PanoramaError, validate_panorama

    try:
        with image.open_file() as fp:
            validate_panorama(fp)
    except PanoramaError as exc:
        return ValidationError(exc.message, code=exc.code)
    except OSError:
        return ValidationError(_("Không đọc được tệp ảnh."), code="missing")
    return None


class VirtualTourPageForm(WagtailAdminPageForm):
    """Panoramas must suit the tiler, scene keys be unique in a tour, and scene hotspots
    point to existing scenes — all reported on the offending field."""

    def clean(self):
        cleaned = super().clean()
        scenes = self.formsets.get("scenes")
        if scenes is None:
            return cleaned
        live_forms = [
            f
            for f in scenes.forms
            if f.is_valid() and not (scenes.can_delete and scenes._should_delete_form(f))
        ]
        keys = set()
        for form in live_forms:
            message = panorama_error(form.cleaned_data.get("panorama"))
            if message:
                form.add_error("panorama", message)
            key = form.cleaned_data.get("key")
            if key in keys:
                form.add_error("key", _("Mã cảnh bị trùng trong cùng một chuyến tham quan."))
            keys.add(key)
        for form in live_forms:
            hotspots = form.formsets.get("hotspots") if hasattr(form, "formsets") else None
            for hform in hotspots.forms if hotspots else []:
                data = getattr(hform, "cleaned_data", None) or {}
                if data.get("DELETE"):
                    continue
                target = data.get("target_scene")
                if data.get("kind") == Hotspot.Kind.SCENE and target and target not in keys:
                    hform.add_error(
                        "target_scene",
                        _("Không có cảnh nào mang mã «%(key)s» trong chuyến tham quan này.")
                        % {"key": target},
                    )
        return cleaned


class VirtualTourPage(Bilingual, Page):
    """A 360° tour of a tourism site: scenes (panoramas) with hotspots, under its TourSitePage."""

    intro = models.TextField(_("giới thiệu"), blank=True)
    auto_rotate = models.BooleanField(
        _("tự xoay"), default=True, help_text=_("Tự xoay chậm cho đến khi người xem tương tác.")
    )
    title_en = english_title()
    intro_en = models.TextField(_("giới thiệu (tiếng Anh)"), blank=True)

    translated_fields = {"title": "title_en", "intro": "intro_en"}
    translated_children = ("scenes",)
    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("auto_rotate"),
        HelpPanel(
            content=_(
                "Để đặt hướng cho điểm nóng: lưu nháp, bấm «Xem trước», nhấp vào ảnh toàn cảnh "
                "tại vị trí mong muốn rồi bấm «Sao chép» và dán góc yaw/pitch vào điểm nóng."
            )
        ),
        InlinePanel("scenes", label=_("Cảnh"), min_num=1),
        TileStatusPanel(heading=_("Ô ảnh toàn cảnh")),
    ]
    # The scenes' and hotspots' English texts and narration are in each scene row.
    edit_handler = page_edit_handler(
        content_panels, english_panels(translated_fields.values()), VirtualTourPageForm
    )
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("intro_en")]
    base_form_class = VirtualTourPageForm
    parent_page_types = ["tours.TourSitePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("tham quan ảo 360°")
        verbose_name_plural = _("tham quan ảo 360°")

    def meta_description(self) -> str:
        """What the page's meta description says when no search description is set
        (cms/seo.py makes it plain text of at most 160 characters)."""
        return self.t.intro

    def meta_image(self):
        """The picture of link previews (cms/seo.py): the first scene's panorama (prefetched)."""
        first = next(iter(self.scenes.all()), None)
        return first.panorama if first else None

    @property
    def site(self):
        parent = self.get_parent()
        return parent.specific if parent else None

    def page_cache_purge_tags(self):
        return ["tours", "map"]

    @staticmethod
    def render_prefetch_related():
        """Scenes, their pictures and hotspots in a fixed number of queries, loaded when the
        page's content is rendered (cms/fragments.py)."""
        from .viewer import PREVIEW_RENDITION, THUMB_RENDITION

        return [
            models.Prefetch(
                "scenes",
                queryset=Scene.objects.select_related("panorama", "narration", "narration_en"),
            ),
            models.Prefetch(
                "scenes__hotspots", queryset=Hotspot.objects.select_related("image", "product")
            ),
            _renditions(
                "scenes__panorama__renditions", PREVIEW_RENDITION, THUMB_RENDITION, seo.OG_SPEC
            ),
        ]

    def render_context(self, request) -> dict:
        """The viewer's configuration and scenes (not read when the content is kept:
        cms/fragments.py)."""
        from .viewer import tour_context

        return tour_context(self, request)


def position_errors(latitude: float | None, longitude: float | None) -> dict:
    """Validation errors for an optional map position: both or neither, on the Earth."""
    if latitude is None and longitude is None:
        return {}
    if latitude is None or longitude is None:
        field = "latitude" if latitude is None else "longitude"
        return {field: _("Nhập cả vĩ độ và kinh độ, hoặc để trống cả hai.")}
    errors = {}
    if not -90 <= latitude <= 90:
        errors["latitude"] = _("Vĩ độ phải từ -90 đến 90.")
    if not -180 <= longitude <= 180:
        errors["longitude"] = _("Kinh độ phải từ -180 đến 180.")
    return errors


def direction_errors(yaw: float, pitch: float) -> dict:
    """Validation errors for a viewing direction in degrees (scene start view or hotspot)."""
    errors = {}
    if not -180 <= yaw <= 180:
        errors["yaw"] = _("Góc yaw phải từ -180 đến 180 độ.")
    if not -90 <= pitch <= 90:
        errors["pitch"] = _("Góc pitch phải từ -90 đến 90 độ.")
    return errors


class Scene(Bilingual, ClusterableModel, Orderable):
    page = ParentalKey(VirtualTourPage, on_delete=models.CASCADE, related_name="scenes")
    key = models.SlugField(
        _("mã cảnh"),
        max_length=40,
        help_text=_("Dùng trong đường dẫn (?scene=...) và để điểm nóng trỏ tới cảnh này."),
    )
    title = models.CharField(_("tên cảnh"), max_length=120)
    description = models.TextField(_("mô tả"), blank=True)
    panorama = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("ảnh toàn cảnh 360°"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Ảnh equirectangular tỉ lệ 2:1 (JPEG, PNG hoặc WebP), tối thiểu 1024×512."),
    )
    yaw = models.FloatField(_("góc ngang ban đầu (yaw)"), default=0)
    pitch = models.FloatField(_("góc dọc ban đầu (pitch)"), default=0)
    hfov = models.FloatField(_("góc nhìn (hfov)"), default=100)
    narration = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("âm thanh thuyết minh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    transcript = models.TextField(_("lời thuyết minh (văn bản)"), blank=True)
    title_en = models.CharField(_("tên cảnh (tiếng Anh)"), max_length=120, blank=True)
    description_en = models.TextField(_("mô tả (tiếng Anh)"), blank=True)
    narration_en = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("âm thanh thuyết minh (tiếng Anh)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Người xem trang tiếng Anh nghe bản này; để trống: họ nghe bản tiếng Việt (có ghi rõ)."
        ),
    )
    transcript_en = models.TextField(_("lời thuyết minh (tiếng Anh)"), blank=True)
    latitude = models.FloatField(
        _("vĩ độ nơi chụp"),
        null=True,
        blank=True,
        help_text=_("Vị trí đứng chụp cảnh, để vẽ sơ đồ nhỏ của chuyến tham quan."),
    )
    longitude = models.FloatField(_("kinh độ nơi chụp"), null=True, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("title"), FieldPanel("key")]),
        FieldPanel("panorama"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("yaw"), FieldPanel("pitch"), FieldPanel("hfov")]),
        FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
        FieldPanel("narration"),
        FieldPanel("transcript"),
        english_group(["title_en", "description_en", "narration_en", "transcript_en"]),
        InlinePanel("hotspots", label=_("Điểm nóng")),
    ]
    translated_fields = {
        "title": "title_en",
        "description": "description_en",
        "transcript": "transcript_en",
    }
    translated_children = ("hotspots",)

    class Meta(Orderable.Meta):
        verbose_name = _("cảnh")
        verbose_name_plural = _("cảnh")
        # Rows saved without a sort order (imports, old data) keep the order they were made in,
        # on every database (PostgreSQL returns ties in any order).
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        errors = direction_errors(self.yaw, self.pitch)
        if not 30 <= self.hfov <= 120:
            errors["hfov"] = _("Góc nhìn phải từ 30 đến 120 độ.")
        errors.update(position_errors(self.latitude, self.longitude))
        if errors:
            raise ValidationError(errors)


class Hotspot(Bilingual, Orderable):
    class Kind(models.TextChoices):
        SCENE = "scene", _("Chuyển cảnh")
        INFO = "info", _("Thẻ thông tin")
        PRODUCT = "product", _("Sản phẩm")

    scene = ParentalKey(Scene, on_delete=models.CASCADE, related_name="hotspots")
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices, default=Kind.INFO)
    title = models.CharField(_("tiêu đề"), max_length=120)
    yaw = models.FloatField(_("yaw"), default=0)
    pitch = models.FloatField(_("pitch"), default=0)
    target_scene = models.SlugField(
        _("mã cảnh đích"), max_length=40, blank=True, help_text=_("Với loại «Chuyển cảnh».")
    )
    text = models.TextField(_("nội dung"), blank=True)
    title_en = models.CharField(_("tiêu đề (tiếng Anh)"), max_length=120, blank=True)
    text_en = models.TextField(_("nội dung (tiếng Anh)"), blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("ảnh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    product = models.ForeignKey(
        "products.ProductPage",
        verbose_name=_("sản phẩm"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("title")]),
        FieldRowPanel([FieldPanel("yaw"), FieldPanel("pitch")]),
        FieldPanel("target_scene"),
        FieldPanel("text"),
        FieldPanel("image"),
        FieldPanel("product"),
        english_group(["title_en", "text_en"]),
    ]
    translated_fields = {"title": "title_en", "text": "text_en"}

    class Meta(Orderable.Meta):
        verbose_name = _("điểm nóng")
        verbose_name_plural = _("điểm nóng")
        ordering = ["sort_order", "pk"]  # as Scene: ties in the order they were made

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        errors = direction_errors(self.yaw, self.pitch)
        if self.kind == self.Kind.SCENE and not self.target_scene:
            errors["target_scene"] = _("Điểm nóng chuyển cảnh cần mã cảnh đích.")
        if self.kind == self.Kind.PRODUCT and not self.product_id:
            errors["product"] = _("Điểm nóng sản phẩm cần chọn một sản phẩm.")
        if errors:
            raise ValidationError(errors)


class PanoramaTiles(models.Model):
    """Generated multires tiles of one panorama image version (plain model: not revisioned)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Đang chờ")
        RUNNING = "running", _("Đang tạo")
        READY = "ready", _("Sẵn sàng")
        FAILED = "failed", _("Lỗi")

    image = models.ForeignKey(
        "wagtailimages.Image", on_delete=models.CASCADE, related_name="panorama_tiles"
    )
    file_hash = models.CharField(max_length=40)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    config = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ô ảnh toàn cảnh")
        verbose_name_plural = _("ô ảnh toàn cảnh")
        constraints = [
            models.UniqueConstraint(fields=["image", "file_hash"], name="tours_tiles_unique")
        ]

    def __str__(self):
        return f"{self.image_id}-{self.file_hash} ({self.status})"

    @cached_property
    def directory(self) -> str:
        """Path relative to MEDIA_ROOT."""
        return f"tours/tiles/{self.image_id}-{self.file_hash}"
