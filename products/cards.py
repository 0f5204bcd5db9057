"""Product cards (listing, home, producer page): rendered once per content, renditions in one query.

A card's HTML is a function of what it shows — title, English name, URL, stars, price, rating,
producer, commune, in stock or not, the main picture (and its crop) — plus the UI language, the
site (relative or absolute links) and the card template itself. The cache key is a hash of
exactly those values, so an entry can never be stale: any change to what a card shows is a new
key, in every process, whatever cache the site runs on (old entries simply expire). A listing
page asks the cache for all its cards in one read and renders only the missing ones; for
those, the renditions of the card's picture specs (and only those) come in one query.

The keys are built from rows (`card_rows()`: the values of a listing's query and of its main
pictures, no model instance), so a page whose cards are all cached loads no product, producer,
commune or picture object; only the missing cards' products are loaded, with their pictures.
A list of instances (the search page's hits) works too, with the same keys.
"""

import hashlib
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db.models import QuerySet, prefetch_related_objects
from django.template import Context
from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from wagtail.images import get_image_model

from cms.templatetags.cms_images import filter_specs
from cms.visibility import site_for

TEMPLATE = "products/includes/product_card.html"
# The card's {% picture %} specs: kept beside the template, checked by a test.
PICTURE_SPECS = ("format-{webp,jpeg}", "fill-{320x240,640x480}")
PREFIX = "card:"


def _template_version() -> str:
    """A hash of the card template's source: a changed template is a new set of keys."""
    path = Path(__file__).parent / "templates" / TEMPLATE
    return hashlib.sha1(path.read_bytes()).hexdigest()[:8]


_VERSION = _template_version()


def _timeout() -> int:
    return getattr(settings, "CARD_CACHE_SECONDS", 24 * 3600)


def card_key(product, language: str, site_id) -> str:
    """The key of a product instance's card (the same as `_row_key` for its row)."""
    image = product.main_image
    producer = product.producer
    commune = product.origin_commune if product.origin_commune_id else None
    return _key(
        language,
        site_id,
        (
            product.pk,
            product.url_path,
            product.title,
            product.name_en,
            product.ocop_stars,
            product.min_price,
            getattr(product, "rating_count", None),
            str(getattr(product, "rating_average", None)),
            bool(getattr(product, "in_stock", True)),
            (producer.pk, producer.title, producer.name_en) if producer else None,
            (commune.pk, commune.kind, commune.name) if commune else None,
            (
                image.pk,
                image.file.name,
                image.focal_point_x,
                image.focal_point_y,
                image.focal_point_width,
                image.focal_point_height,
            )
            if image
            else None,
        ),
    )


def _key(language: str, site_id, shown: tuple) -> str:
    raw = (_VERSION, language, get_script_prefix(), site_id, *shown)  # /en/ links under /en/
    return PREFIX + hashlib.sha1(repr(raw).encode("utf-8")).hexdigest()


# --- cards from rows: what the keys need in two narrow queries, instances only for misses ----

# What a card shows, read with .values() from a queryset of `catalogue.product_cards()`.
ROW_FIELDS = (
    "pk",
    "url_path",
    "title",
    "name_en",
    "ocop_stars",
    "min_price",
    "rating_count",
    "rating_average",
    "in_stock",
    "producer_id",
    "producer__title",
    "producer__name_en",
    "origin_commune_id",
    "origin_commune__kind",
    "origin_commune__name",
)
ANNOTATIONS = {"in_stock", "rating_average", "rating_count"}
# The main picture: the first of the product's pictures (the order of card_images_prefetch()).
IMAGE_FIELDS = (
    "page_id",
    "image_id",
    "image__file",
    "image__focal_point_x",
    "image__focal_point_y",
    "image__focal_point_width",
    "image__focal_point_height",
)


class CardRows(list):
    """The rows of some products' cards, in order (each a dict of ROW_FIELDS plus "image"), and
    the model to load for the cards that must be rendered."""

    def __init__(self, rows, model):
        super().__init__(rows)
        self.model = model


def card_rows(queryset) -> CardRows:
    """What the cards of a `product_cards()` queryset (sliced or not) show: two queries with no
    model instance — the rows, then their main pictures."""
    from .models import ProductImage

    rows = list(queryset.prefetch_related(None).values(*ROW_FIELDS))
    images = {}
    if rows:
        pictures = (
            ProductImage.objects.filter(page_id__in=[r["pk"] for r in rows])
            .order_by("sort_order", "pk")
            .values_list(*IMAGE_FIELDS)
        )
        for page_id, *image in pictures:
            images.setdefault(page_id, tuple(image))
    for row in rows:
        row["image"] = images.get(row["pk"])
    return CardRows(rows, queryset.model)


def _row_key(row: dict, language: str, site_id) -> str:
    return _key(
        language,
        site_id,
        (
            row["pk"],
            row["url_path"],
            row["title"],
            row["name_en"],
            row["ocop_stars"],
            row["min_price"],
            row["rating_count"],
            str(row["rating_average"]),
            bool(row["in_stock"]),
            (row["producer_id"], row["producer__title"], row["producer__name_en"])
            if row["producer_id"]
            else None,
            (row["origin_commune_id"], row["origin_commune__kind"], row["origin_commune__name"])
            if row["origin_commune_id"]
            else None,
            row["image"],
        ),
    )


def _as_rows(products):
    """Card rows for what a template passes: rows already, or a queryset not yet evaluated that
    carries the card annotations; None for anything else (instances are used as they are)."""
    if isinstance(products, CardRows):
        return products
    if (
        isinstance(products, QuerySet)
        and products._result_cache is None
        and ANNOTATIONS <= set(products.query.annotations)
    ):
        return card_rows(products)
    return None


def prefetch_card_renditions(products) -> None:
    """The card renditions of these products' main pictures, in one query (created later by the
    tag when missing, as Wagtail does)."""
    images = [p.main_image for p in products if p.main_image is not None]
    images = [i for i in images if not hasattr(i, "prefetched_renditions")]
    if not images:
        return
    rendition_model = get_image_model().get_rendition_model()
    prefetch_related_objects(
        images,
        _renditions_prefetch(rendition_model),
    )


def _renditions_prefetch(rendition_model):
    from django.db.models import Prefetch

    return Prefetch(
        "renditions",
        queryset=rendition_model.objects.filter(filter_spec__in=filter_specs(*PICTURE_SPECS)),
        to_attr="prefetched_renditions",
    )


def render_cards(products, request=None) -> str:
    """The `<li>` of every card, in order, from the cache where possible."""
    rows = _as_rows(products)
    if rows is not None:
        cards = _render_rows(rows, request)
        return mark_safe("".join(cards.get(r["pk"], "") for r in rows))
    products = list(products)
    cards = render_card_map(products, request)
    return mark_safe("".join(cards[p.pk] for p in products))


def _render_rows(rows: CardRows, request) -> dict:
    """Cards by page id from rows: one cache read; the missing ones are rendered from instances
    loaded for them alone (with their pictures, and those pictures' card renditions)."""
    if not rows:
        return {}
    language = get_language() or ""
    site = site_for(request)
    site_id = site.pk if site else "-"
    keys = {r["pk"]: _row_key(r, language, site_id) for r in rows}
    store = caches[settings.PAGE_CACHE_ALIAS]
    timeout = _timeout()
    found = store.get_many(list(keys.values())) if timeout > 0 else {}
    missing = [pk for pk, key in keys.items() if key not in found]
    if missing:
        from .catalogue import product_cards

        products = list(product_cards(rows.model._default_manager.filter(pk__in=missing)))
        found.update(_render_missing(products, [keys[p.pk] for p in products], request, timeout))
    return {pk: mark_safe(found[key]) for pk, key in keys.items() if key in found}


def _render_missing(products, keys, request, timeout) -> dict:
    prefetch_card_renditions(products)
    template = get_template(TEMPLATE).template
    context = Context({"request": request}, autoescape=True)
    rendered = {}
    for product, key in zip(products, keys, strict=True):
        if key in rendered:
            continue
        with context.push(product=product):
            rendered[key] = template.render(context)
    if timeout > 0:
        caches[settings.PAGE_CACHE_ALIAS].set_many(rendered, timeout=timeout)
    return rendered


def render_card_map(products, request=None) -> dict:
    """Each product's card `<li>` by page id (the search page mixes them with other hits)."""
    rows = _as_rows(products)
    if rows is not None:
        return _render_rows(rows, request)
    products = list(products)
    if not products:
        return {}
    # The cards' pictures: product_cards() prefetches them; a plain queryset gets them here.
    if not all(
        hasattr(p, "_prefetched_objects_cache") and "images" in p._prefetched_objects_cache
        for p in products
    ):
        from .catalogue import card_images_prefetch

        prefetch_related_objects(products, card_images_prefetch())
    language = get_language() or ""
    site = site_for(request)
    site_id = site.pk if site else "-"
    keys = [card_key(p, language, site_id) for p in products]
    store = caches[settings.PAGE_CACHE_ALIAS]
    timeout = _timeout()
    found = store.get_many(keys) if timeout > 0 else {}
    missing = [(p, k) for p, k in zip(products, keys, strict=True) if k not in found]
    if missing:
        found.update(
            _render_missing([p for p, _ in missing], [k for _, k in missing], request, timeout)
        )
    return {p.pk: mark_safe(found[k]) for p, k in zip(products, keys, strict=True)}
