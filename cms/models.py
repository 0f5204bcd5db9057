"""Site-wide pages and settings: the home page, standard (legal/footer) pages and the operator's
identity shown in the footer."""

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, ObjectList, TabbedInterface
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page

from cms.translation import (
    Bilingual,
    english_panels,
    english_tab,
    english_title,
    page_edit_handler,
)
from cms.visibility import site_for


class HomePage(Bilingual, Page):
    hero_title = models.CharField(_("tiêu đề lớn"), max_length=200, blank=True)
    hero_text = models.TextField(_("lời giới thiệu"), blank=True)
    title_en = english_title()
    hero_title_en = models.CharField(_("tiêu đề lớn (tiếng Anh)"), max_length=200, blank=True)
    hero_text_en = models.TextField(_("lời giới thiệu (tiếng Anh)"), blank=True)

    translated_fields = {
        "title": "title_en",
        "hero_title": "hero_title_en",
        "hero_text": "hero_text_en",
    }
    content_panels = Page.content_panels + [FieldPanel("hero_title"), FieldPanel("hero_text")]
    edit_handler = page_edit_handler(content_panels, english_panels(translated_fields.values()))
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("trang chủ")
        # Officers and translators: the English tab of every page and snippet, and the report
        # of what needs translating (cms/translation.py).
        permissions = [("translate_content", _("Dịch nội dung sang tiếng Anh"))]

    def meta_description(self) -> str:
        """What the page's meta description says when no search description is set
        (cms/seo.py makes it plain text of at most 160 characters)."""
        return self.t.hero_text

    def page_cache_tags(self):
        """The anonymous page cache (cms/cache.py): what the registered home sections show
        (featured products, newest producers, tourism sites: their apps purge these tags)."""
        from . import home

        return home.cache_tags()

    def render_context(self, request) -> dict:
        """The registered sections and the hero's links: read when the page's content is
        rendered, not when it is kept (cms/fragments.py)."""
        from . import home
        from .chrome import section_urls

        sections = section_urls(request)
        return {
            **home.context(request, site_for(request)),
            # The header's section links, resolved once per site (cms/chrome.py).
            "catalogue_url": sections["products.ProductIndexPage"],
            "tours_url": sections["tours.TourIndexPage"],
        }


class StandardPage(Bilingual, Page):
    """A plain page: the operating rules, purchase terms, return and privacy policies, seller
    information, contact. Pages marked "show in menus" appear in the footer; the page shows when
    it was last published."""

    menu_title = models.CharField(
        _("tên ở chân trang"),
        max_length=80,
        blank=True,
        help_text=_("Tên ngắn cho liên kết ở chân trang; để trống: dùng tiêu đề."),
    )
    body = RichTextField(_("nội dung"))
    title_en = english_title()
    menu_title_en = models.CharField(_("tên ở chân trang (tiếng Anh)"), max_length=80, blank=True)
    body_en = RichTextField(_("nội dung (tiếng Anh)"), blank=True)

    translated_fields = {"title": "title_en", "menu_title": "menu_title_en", "body": "body_en"}
    content_panels = Page.content_panels + [FieldPanel("menu_title"), FieldPanel("body")]
    edit_handler = page_edit_handler(content_panels, english_panels(translated_fields.values()))

    def meta_description(self) -> str:
        """What the page's meta description says when no search description is set
        (cms/seo.py makes it plain text of at most 160 characters)."""
        return self.t.body

    class Meta:
        verbose_name = _("trang thông tin")


PHONE_CHARS = re.compile(r"^\+?[\d\s.()-]{8,20}$")


@register_setting(icon="site")
class OperatorSettings(Bilingual, BaseSiteSetting):
    """Who runs the marketplace (Decree 52/2013/NĐ-CP, as amended by Decree 85/2021/NĐ-CP: the
    platform shows its operator's name, address, phone, e-mail and registration, and the
    Ministry of Industry and Trade's registration badge). Shown in every page's footer; an empty
    field is simply not shown. The legal pages name "Đơn vị vận hành" and point here."""

    name = models.CharField(_("tên đơn vị vận hành"), max_length=255, blank=True)
    address = models.CharField(_("địa chỉ trụ sở"), max_length=255, blank=True)
    phone = models.CharField(
        _("điện thoại"),
        max_length=120,
        blank=True,
        help_text=_("Số đường dây hỗ trợ người mua, ví dụ 024 3xxx xxxx."),
    )
    email = models.CharField(
        _("email"),
        max_length=254,
        blank=True,
        validators=[validate_email],
        help_text=_("Địa chỉ nhận khiếu nại và yêu cầu về dữ liệu cá nhân."),
    )
    registration_number = models.CharField(
        _("giấy phép / số đăng ký"),
        max_length=300,
        blank=True,
        help_text=_(
            "Quyết định thành lập hoặc giấy chứng nhận đăng ký (số, ngày, nơi cấp) và số đăng ký "
            "sàn giao dịch thương mại điện tử với Bộ Công Thương."
        ),
    )
    badge_url = models.URLField(
        _("đường dẫn hồ sơ đăng ký trên online.gov.vn"),
        blank=True,
        help_text=_(
            "Trang hồ sơ của sàn trên Cổng thông tin quản lý hoạt động TMĐT (không bắt buộc)."
        ),
    )
    badge_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("biểu tượng “Đã đăng ký Bộ Công Thương”"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Ảnh biểu tượng do Bộ Công Thương cấp (không bắt buộc)."),
    )

    name_en = models.CharField(_("tên đơn vị vận hành (tiếng Anh)"), max_length=255, blank=True)
    address_en = models.CharField(_("địa chỉ trụ sở (tiếng Anh)"), max_length=255, blank=True)
    phone_en = models.CharField(_("điện thoại (tiếng Anh)"), max_length=120, blank=True)
    email_en = models.CharField(
        _("email (tiếng Anh)"),
        max_length=254,
        blank=True,
        help_text=_("Chỉ khi ô email chứa ghi chú thay vì địa chỉ."),
    )
    registration_number_en = models.CharField(
        _("giấy phép / số đăng ký (tiếng Anh)"), max_length=300, blank=True
    )

    translated_fields = {
        "name": "name_en",
        "address": "address_en",
        "phone": "phone_en",
        "email": "email_en",
        "registration_number": "registration_number_en",
    }
    select_related = ["badge_image"]

    panels = [
        FieldPanel("name"),
        FieldPanel("address"),
        FieldPanel("phone"),
        FieldPanel("email"),
        FieldPanel("registration_number"),
        FieldPanel("badge_url"),
        FieldPanel("badge_image"),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(panels, heading=_("Đơn vị vận hành")),
            english_tab(english_panels(translated_fields.values())),
        ]
    )

    class Meta:
        verbose_name = _("Đơn vị vận hành")
        verbose_name_plural = _("Đơn vị vận hành")

    def clean(self):
        super().clean()
        host = (urlsplit(self.badge_url).hostname or "").lower() if self.badge_url else ""
        if self.badge_url and not (host == "online.gov.vn" or host.endswith(".online.gov.vn")):
            raise ValidationError({"badge_url": _("Đường dẫn phải là hồ sơ trên online.gov.vn.")})

    @property
    def phone_href(self) -> str:
        """A tel: link when the phone field holds a phone number (else the text is shown as it
        is, e.g. the demo's note asking an officer to enter the real number)."""
        if not PHONE_CHARS.match(self.phone or ""):
            return ""
        digits = re.sub(r"[^\d+]", "", self.phone)
        return f"tel:{digits}"

    @property
    def email_href(self) -> str:
        try:
            validate_email(self.email or "")
        except ValidationError:
            return ""
        return f"mailto:{self.email}"

    @property
    def shown(self) -> bool:
        return any(
            (self.name, self.address, self.phone, self.email, self.registration_number)
        ) or bool(self.badge_url or self.badge_image_id)


class Job(models.Model):
    """One piece of background work and its attempts (cms/jobs.py): tiles, renditions, index
    updates, e-mail. The task queue only carries "run job N"; what to run, how often it was
    tried and why it failed live here, whichever backend runs it. Holds ids, never personal data
    (errors are masked by cms.logsafe)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang chạy")
        RETRYING = "retrying", _("Chờ thử lại")
        SUCCEEDED = "succeeded", _("Đã xong")
        FAILED = "failed", _("Thất bại")

    kind = models.CharField(_("loại việc"), max_length=20)
    function = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    label = models.CharField(_("việc"), max_length=200)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("số lần đã chạy"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("số lần chạy tối đa"), default=5)
    next_attempt_at = models.DateTimeField(_("lần chạy tới"), null=True, blank=True)
    worker_id = models.CharField(max_length=64, blank=True)
    task_result_id = models.CharField(max_length=64, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    history = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("việc chạy nền")
        verbose_name_plural = _("việc chạy nền")
        indexes = [models.Index(fields=["status", "updated_at"], name="cms_job_status_idx")]

    def __str__(self):
        return f"{self.label} ({self.status})"


class JobWorker(models.Model):
    """A running `manage.py run_worker` process and its heartbeat: a job held by a worker whose
    heartbeat stopped (killed, machine lost) is taken back and tried again (cms/jobs.py)."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=200, blank=True)
    pid = models.PositiveIntegerField(null=True)
    started_at = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField()

    def __str__(self):
        return self.worker_id
