"""The product search document, registered with the site search (cms/search).

Also keeps the index in step with what pages' own signals do not cover: stock changes (the
`stock_changed` event of products.stock, sent by every stock operation) and producer renames
(products show their producer's name).
"""

from django.dispatch import receiver
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail.signals import page_published

from cms.language import english_ui
from cms.search.registry import SearchDocument, register, schedule_update
from cms.visibility import public

from .models import ProducerPage, ProductPage, ProductRating
from .ratings import rating_changed
from .reference import OcopCategory
from .stock import in_stock_condition, page_ids_for_skus, stock_changed


@register
class ProductDocument(SearchDocument):
    doc_type = "product"
    label = _("Sản phẩm OCOP")
    model = ProductPage

    def get_queryset(self):
        return (
            public(ProductPage)
            .select_related("category__parent", "origin_commune__province", "producer", "rating")
            .prefetch_related("origin_commune__legacy_names")
            .annotate(has_stock=in_stock_condition())
        )

    def facet_labels(self, facet: str, values: set[str]) -> dict[str, str]:
        """OCOP group names in English when the UI is English (the index keeps Vietnamese)."""
        if facet != "category" or not english_ui():
            return {}
        return {c.code: c.display_name for c in OcopCategory.objects.filter(code__in=values)}

    def translations(self, ids) -> dict[int, dict[str, str]]:
        rows = ProductPage.objects.filter(pk__in=ids).values_list("pk", "name_en", "summary_en")
        return {pk: {"title": name, "snippet": summary} for pk, name, summary in rows}

    def cards(self, ids, request=None) -> dict:
        """The catalogue's cards (picture, price, stars, rating, stock), one cache read."""
        from cms.visibility import site_for

        from .cards import render_card_map
        from .catalogue import product_cards

        products = product_cards(public(ProductPage.objects.filter(pk__in=ids), site_for(request)))
        return render_card_map(products, request)

    def tag_values(self) -> dict[str, str]:
        """OCOP group and subgroup codes (intent rules target them)."""
        return {c.code: c.name for c in OcopCategory.objects.all()}

    def to_document(self, page: ProductPage) -> dict:
        category = page.category
        group = category.group
        commune = page.origin_commune
        producer = page.producer
        stars = page.ocop_stars
        keywords = [
            category.name,
            group.name if group != category else "",
            producer.title if producer else "",
            f"OCOP {stars} sao" if stars else "",
        ]
        # Found by English words, shown only in Vietnamese (cms/search/backends/common.py).
        english = [
            category.name_en,
            group.name_en if group != category else "",
            producer.name_en if producer else "",
            page.summary_en,
            strip_tags(page.body_en or ""),
        ]
        aliases = commune.aliases if commune is not None else []
        # The producer's own address names its pre-reform commune and district ("Kiêu Kỵ, Gia
        # Lâm, Hà Nội"): ranked above the other old communes merged into the same new one.
        places = [producer.address] if producer and producer.address else []
        has_stock = getattr(page, "has_stock", None)
        if has_stock is None:
            has_stock = ProductPage.objects.filter(pk=page.pk).filter(in_stock_condition()).exists()
        boost = 1.0 + (0.04 * stars if stars else 0.0) + (0.05 if page.featured else 0.0)
        try:
            rating = page.rating
        except ProductRating.DoesNotExist:
            rating = None
        return {
            "title": page.title,
            "alt_titles": [page.name_en],
            "body": " ".join(p for p in [page.summary, strip_tags(page.body or "")] if p),
            "other_language": [e for e in english if e],
            "keywords": [k for k in keywords if k],
            "url": page.url or "",
            "boost": boost,
            "category": category.code,
            "category_label": category.name,
            "group": group.code,
            "group_label": group.name,
            "stars": stars,
            "commune": commune.code if commune else "",
            "commune_label": commune.name if commune else "",
            "commune_aliases": aliases,
            "places": places,
            "province": commune.province.name if commune else "",
            "tags": [category.code, group.code],
            "price": page.min_price,
            "in_stock": bool(has_stock),
            "rating": float(rating.average) if rating and rating.count else None,
            "rating_count": rating.count if rating else 0,
            "geo": None,
        }


@receiver(stock_changed, dispatch_uid="products.search.stock_changed")
def reindex_on_stock_change(sender, skus, flipped=None, **kwargs):
    """In-stock is a facet: re-index the products of the variants that ran out or came back
    (a sale that leaves units behind changes nothing the index holds)."""
    skus = skus if flipped is None else flipped
    if skus:
        schedule_update(ProductDocument.doc_type, page_ids_for_skus(skus))


@receiver(rating_changed, dispatch_uid="products.search.rating_changed")
def reindex_on_rating_change(sender, page_id, **kwargs):
    """The buyers' rating is a sort key: re-index the product."""
    schedule_update(ProductDocument.doc_type, [page_id])


@receiver(page_published, sender=ProducerPage)
def producer_published(sender, instance, **kwargs):
    """Products carry their producer's name: re-index them when the producer changes."""
    ids = ProductPage.objects.child_of(instance).values_list("pk", flat=True)
    schedule_update(ProductDocument.doc_type, list(ids))
