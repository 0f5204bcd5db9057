"""The tourism-site search document, registered with the site search (cms/search)."""

from django.utils import translation
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
            public(TourSitePage)
            .select_related("commune__province")
            .prefetch_related("commune__legacy_names")
        )

    def translations(self, ids) -> dict[int, dict[str, str]]:
        rows = TourSitePage.objects.filter(pk__in=ids).values_list("pk", "name_en", "summary_en")
        return {pk: {"title": name, "snippet": summary} for pk, name, summary in rows}

    def tag_values(self) -> dict[str, str]:
        """Site kinds (intent rules target them)."""
        return {value: str(label) for value, label in TourSitePage.Kind.choices}

    def to_document(self, page: TourSitePage) -> dict:
        commune = page.commune
        aliases = commune.aliases if commune is not None else []
        story = strip_tags(getattr(page, "story", "") or "")
        with translation.override("vi"):
            kind = str(page.get_kind_display())
        with translation.override("en"):
            kind_en = str(page.get_kind_display())  # English kind words find sites too
        geo = None
        if page.latitude is not None and page.longitude is not None:
            geo = (page.latitude, page.longitude)
        return {
            "title": page.title,
            "alt_titles": [page.name_en],
            "body": " ".join(p for p in [page.summary, story] if p),
            "keywords": [kind, "du lịch nông thôn"],
            # Found by English words, shown only in Vietnamese (cms/search/backends/common.py).
            "other_language": [kind_en, page.summary_en, strip_tags(page.story_en or "")],
            "url": page.url or "",
            "boost": 1.1,
            "commune": commune.code if commune else "",
            "commune_label": commune.name if commune else "",
            "commune_aliases": aliases,
            "places": [page.address] if page.address else [],
            "province": commune.province.name if commune else "",
            "tags": [page.kind],
            "geo": geo,
        }
