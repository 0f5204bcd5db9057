"""Where apps register what they want searchable.

The search service knows no product or tour fields: each app describes its objects with a
`SearchDocument` subclass in its own `search.py` and registers it::

    @register
    class ProductDocument(SearchDocument):
        doc_type = "product"
        label = _("Sản phẩm")
        model = ProductPage

        def to_document(self, obj) -> dict: ...

`to_document` returns a plain dict with these keys (all but title and url optional):

    title            str, shown and weighted most
    alt_titles       list[str], other names (English name…), weighted next
    body             str, descriptive text (plain text; used for snippets)
    keywords         list[str], extra matching text (category, commune, producer names…)
    url              str
    boost            float (default 1.0)
    category, category_label, group, group_label      OCOP category and its group
    stars            int | None
    commune, commune_label                            current commune code and name
    commune_aliases  list[str], other names of the commune ("Dương Xá, Gia Lâm": old commune,
                     old district)
    places           list[str], the object's own place names (a producer's pre-reform address,
                     "Kiêu Kỵ, Gia Lâm"), ranked above the commune's other names
    province         str, the province ("Hà Nội"), a place name of the lowest weight
    tags             list[str], codes the intent rules (cms.search.models.IntentRule) target:
                     OCOP category and group codes ("IV.1", "IV"), the site kind
                     ("craft_village")
    price            int | None (lowest price, VND)
    rating           float | None (buyers' average, 1–5), rating_count int
    in_stock         bool | None
    geo              (lat, lon) | None
"""

from __future__ import annotations

from collections.abc import Iterable

_registry: dict[str, SearchDocument] = {}


class SearchDocument:
    doc_type: str = ""
    label = ""
    model = None

    def get_queryset(self):
        """Every object that belongs in the index (live and public for pages)."""
        queryset = self.model._default_manager.all()
        if hasattr(queryset, "live"):
            from cms.visibility import public

            queryset = public(queryset)
        return queryset

    def to_document(self, obj) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    def batches(self, size: int = 500) -> Iterable[list]:
        """The queryset in primary-key order, in lists of `size` (bounded memory)."""
        queryset = self.get_queryset().order_by("pk")
        last = None
        while True:
            chunk = queryset if last is None else queryset.filter(pk__gt=last)
            items = list(chunk[:size])
            if not items:
                return
            yield items
            last = items[-1].pk

    def count(self) -> int:
        return self.get_queryset().count()

    def get_object(self, pk):
        """The object if it should be indexed, else None (unpublished, private, deleted)."""
        return self.get_queryset().filter(pk=pk).first()

    def handles(self, obj) -> bool:
        return self.model is not None and isinstance(obj, self.model)

    def tag_values(self) -> dict[str, str]:
        """The tag codes this document type puts on its objects, with a label (the intent
        rule form checks codes against them)."""
        return {}

    def cards(self, ids, request=None) -> dict:
        """The search page's card (`<li>` HTML) for some of these objects, by id — e.g. the
        catalogue's own product card; objects left out get the page's plain hit."""
        return {}

    def facet_labels(self, facet: str, values: set[str]) -> dict[str, str]:
        """Labels in the active UI language for some values of a facet this document fills
        (the index stores one label per value, in the language it was written in)."""
        return {}

    def translations(self, ids) -> dict[int, dict[str, str]]:
        """{object id: {"title": …, "snippet": …}} in English for the hits on an English page
        (the index holds one display title and body, in Vietnamese; English words are indexed
        too, so English queries match). Missing ids keep the Vietnamese."""
        return {}


def register(cls: type[SearchDocument]) -> type[SearchDocument]:
    if not cls.doc_type:
        raise ValueError(f"{cls.__name__} needs a doc_type")
    _registry[cls.doc_type] = cls()
    return cls


def documents() -> list[SearchDocument]:
    return list(_registry.values())


def known_tags() -> dict[str, str]:
    """Every tag code the registered documents use (empty before any registers)."""
    tags: dict[str, str] = {}
    for document in documents():
        tags.update(document.tag_values())
    return tags


def localize_facets(facets: dict[str, list[dict]]) -> None:
    """Replace facet value labels by those the documents give for the active language."""
    for facet, entries in facets.items():
        values = {str(entry["value"]) for entry in entries}
        if not values:
            continue
        labels = {}
        for document in documents():
            labels.update(document.facet_labels(facet, values))
        for entry in entries:
            entry["label"] = labels.get(str(entry["value"]), entry["label"])


def get_document(doc_type: str) -> SearchDocument | None:
    return _registry.get(doc_type)


def document_for(obj) -> SearchDocument | None:
    """The registered document for a model instance (exact class first, then subclasses)."""
    for document in _registry.values():
        if document.model is type(obj):
            return document
    for document in _registry.values():
        if document.handles(obj):
            return document
    return None


def schedule_update(doc_type: str, object_ids: Iterable[int]) -> None:
    """Re-index (or drop, if no longer indexable) these objects in a background task,
    once the current transaction commits. Apps call this from their own signal handlers."""
    from .tasks import schedule

    schedule(doc_type, list(object_ids))
