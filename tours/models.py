"""Rural tourism sites (craft villages, farms, heritage villages)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from products.models import Commune
from products.serializers import CommuneSerializer


class TourIndexPage(Page):
    intro = RichTextField(_("giới thiệu"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["tours.TourSitePage"]
    max_count = 1

    class Meta:
        verbose_name = _("danh sách điểm du lịch")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sites"] = (
            TourSitePage.objects.child_of(self).live().select_related("commune").order_by("title")
        )
        return context


class TourSitePage(Page):
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
    )
    latitude = models.FloatField(_("vĩ độ"))
    longitude = models.FloatField(_("kinh độ"))
    summary = models.CharField(_("mô tả ngắn"), max_length=300, blank=True)
    story = RichTextField(_("câu chuyện"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("name_en"),
        FieldPanel("kind"),
        MultiFieldPanel(
            [
                FieldPanel("commune"),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
            ],
            heading=_("Vị trí"),
        ),
        FieldPanel("summary"),
        FieldPanel("story"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("name_en"),
        index.SearchField("summary"),
        index.SearchField("story"),
    ]
    api_fields = [
        APIField("name_en"),
        APIField("kind"),
        APIField("commune", serializer=CommuneSerializer()),
        APIField("latitude"),
        APIField("longitude"),
        APIField("summary"),
    ]
    parent_page_types = ["tours.TourIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("điểm du lịch nông thôn")
        verbose_name_plural = _("điểm du lịch nông thôn")
