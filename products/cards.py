"""Product cards (listing, home, producer page): rendered once per content, renditions in one query.

A card's HTML is a function of what it shows — title, English name, URL, stars, price, rating,
producer, commune, in stock or not, the main picture (and its crop) — plus the UI language, the
site (relative or absolute links) and the card template itself. The cache key is a hash of
exactly those values, so an entry can never be stale: any change to what a card shows is a new
key, in every process, whatever cache the site runs on (old entries simply expire). A listing
page asks the cache for all its cards in one read and renders only the missing ones; for
those, the renditions of the card's picture specs (and only those) come in one query.
"""

import hashlib
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db.models import prefetch_related_objects
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
    image = product.main_image
    producer = product.producer
    shown = (
        _VERSION,
        language,
        get_script_prefix(),  # /en/ pages link under /en/ (cms/language.py)
        site_id,
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
        (product.origin_commune_id, str(product.origin_commune))
        if product.origin_commune_id
        else None,
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
    )
    return PREFIX + hashlib.sha1(repr(shown).encode("utf-8")).hexdigest()


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
    products = list(products)
    cards = render_card_map(products, request)
    return mark_safe("".join(cards[p.pk] for p in products))


def render_card_map(products, request=None) -> dict:
    """Each product's card `<li>` by page id (the search page mixes them with other hits)."""
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
    missing = [p for p, k in zip(products, keys, strict=True) if k not in found]
    if missing:
        prefetch_card_renditions(missing)
        template = get_template(TEMPLATE).template
        context = Context({"request": request}, autoescape=True)
        rendered = {}
        for product, key in zip(products, keys, strict=True):
            if key in found or key in rendered:
                continue
            with context.push(product=product):
                rendered[key] = template.render(context)
        if timeout > 0:
            store.set_many(rendered, timeout=timeout)
        found.update(rendered)
    return {p.pk: mark_safe(found[k]) for p, k in zip(products, keys, strict=True)}
