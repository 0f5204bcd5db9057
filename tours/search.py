"""The tourism-site search document, registered with the site search (cms/search)."""

from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from cms.search.registry import SearchDocument, register
from cms.visibility import public

from .models import TourSitePage


@register
class TourSiteDocument(SearchDocument):
    doc_type = "site"
    label = _("Điểm du lịch")
    model = TourSitePage

    def get_queryset(self):
        return (
            public(TourSitePage).select_related("commune").prefetch_related("commune__legacy_names")
        )

    def to_document(self, page: TourSitePage) -> dict:
        commune = page.commune
        aliases = commune.aliases if commune is not None else []
        story = strip_tags(getattr(page, "story", "") or "")
        geo = None
        if page.latitude is not None and page.longitude is not None:
            geo = (page.latitude, page.longitude)
        return {
            "title": page.title,
            "alt_titles": [page.name_en],
            "body": " ".join(p for p in [page.summary, story] if p),
            "keywords": [str(page.get_kind_display()), "du lịch nông thôn"],
            "url": page.url or "",
            "boost": 1.1,
            "commune": commune.code if commune else "",
            "commune_label": commune.name if commune else "",
            "commune_aliases": aliases,
            "geo": geo,
        }
