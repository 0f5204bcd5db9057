"""Site-wide pages: the home page and standard (legal/footer) pages."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from cms.visibility import public, site_for


class HomePage(Page):
    hero_title = models.CharField(_("tiêu đề lớn"), max_length=200, blank=True)
    hero_text = models.TextField(_("lời giới thiệu"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("hero_title"), FieldPanel("hero_text")]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("trang chủ")

    def get_context(self, request, *args, **kwargs):
        from products.catalogue import product_cards
        from products.models import ProducerPage, ProductIndexPage, ProductPage
        from tours.models import TourIndexPage, TourSitePage

        context = super().get_context(request, *args, **kwargs)
        site = site_for(request)
        live = public(ProductPage, site)
        featured = live.filter(featured=True).order_by("-ocop_stars", "title")[:8]
        if not featured:
            featured = live.order_by("-ocop_stars", "-first_published_at")[:8]
        context.update(
            featured_products=product_cards(featured),
            producers=public(ProducerPage, site)
            .select_related("commune", "logo")
            .order_by("-first_published_at")[:6],
            tour_sites=public(TourSitePage, site).select_related("commune").order_by("title")[:6],
            # Ordering by the subclass key lets the database start from the (tiny) subclass table
            # instead of walking every page in tree order.
            catalogue_page=ProductIndexPage.objects.live().order_by("pk").first(),
            tours_page=TourIndexPage.objects.live().order_by("pk").first(),
        )
        return context


class StandardPage(Page):
    """A plain page: seller information, return policy, contact. Pages marked "show in menus"
    appear in the footer."""

    body = RichTextField(_("nội dung"))

    content_panels = Page.content_panels + [FieldPanel("body")]

    class Meta:
        verbose_name = _("trang thông tin")
