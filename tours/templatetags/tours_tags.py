"""Template tags for tours: schema.org JSON-LD and the small location map."""

import json

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


def _script(data: dict) -> str:
    # Escape "<", ">" and "&" so a title can never close the <script> element.
    text = json.dumps(data, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(f'<script type="application/ld+json">{text}</script>')


def _image_url(request, image, spec="max-960x960|format-jpeg") -> str | None:
    # Same rendition the product gallery's <picture> already made: no new file, one query.
    if image is None:
        return None
    from cms.templatetags.cms_images import rendition

    url = rendition(image, spec).url
    return request.build_absolute_uri(url) if request else url


def tourist_attraction_data(page, request=None) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "TouristAttraction",
        "name": page.title,
        "url": page.get_full_url(request),
        "geo": {
            "@type": "GeoCoordinates",
            "latitude": page.latitude,
            "longitude": page.longitude,
        },
        "address": {
            "@type": "PostalAddress",
            "addressRegion": "Hà Nội",
            "addressCountry": "VN",
        },
        "isAccessibleForFree": not page.ticket_prices.strip(),
        "touristType": str(page.get_kind_display()),
    }
    if page.name_en:
        data["alternateName"] = page.name_en
    if page.summary:
        data["description"] = page.summary
    if page.commune:
        data["address"]["addressLocality"] = str(page.commune)
    if page.address:
        data["address"]["streetAddress"] = page.address
    if page.opening_hours:
        data["openingHours"] = page.opening_hours
    first = next(iter(page.gallery.all()), None) if page.pk else None
    if first is not None:
        data["image"] = _image_url(request, first.image)
    return data


def product_data(page, variants, request=None, reviews=None) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": page.title,
        "url": page.get_full_url(request),
        "category": str(page.category.name) if page.category_id else None,
    }
    if page.summary:
        data["description"] = page.summary
    if page.producer_id and page.producer:
        data["brand"] = {"@type": "Brand", "name": page.producer.title}
    if page.main_image is not None:
        data["image"] = _image_url(request, page.main_image)
    if page.gtin:
        from products.trace import schema_org

        absolute = request.build_absolute_uri if request else str
        for key in ("gtin", "hasGS1DigitalLink"):
            data[key] = schema_org(page, None, absolute)[key]
    offers = []
    for v in variants:
        available = getattr(v, "available", None)
        offer = {
            "@type": "Offer",
            "sku": v.sku,
            "name": v.label,
            "price": str(v.price),
            "priceCurrency": "VND",
            "url": data["url"],
        }
        if available is not None:
            offer["availability"] = (
                "https://schema.org/InStock" if available > 0 else "https://schema.org/OutOfStock"
            )
        offers.append(offer)
    if offers:
        data["offers"] = offers
    summary = (reviews or {}).get("summary")
    if summary is not None and summary.count:
        data["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": str(summary.average),
            "reviewCount": summary.count,
            "bestRating": 5,
            "worstRating": 1,
        }
        data["review"] = [
            {
                "@type": "Review",
                "author": {"@type": "Person", "name": r.author_name},
                "datePublished": r.created_at.date().isoformat(),
                "reviewBody": r.text,
                "reviewRating": {"@type": "Rating", "ratingValue": r.rating, "bestRating": 5},
            }
            for r in (reviews or {}).get("items", [])
        ]
    return {k: v for k, v in data.items() if v is not None}


@register.simple_tag(takes_context=True)
def tourist_attraction_jsonld(context, page):
    return _script(tourist_attraction_data(page, context.get("request")))


@register.simple_tag(takes_context=True)
def product_jsonld(context, page):
    variants = context.get("variants")
    if variants is None:
        variants = list(page.variants.all())
    return _script(product_data(page, variants, context.get("request"), context.get("reviews")))


@register.inclusion_tag("tours/includes/mini_map.html")
def mini_map(latitude, longitude, title, points=None):
    """The small map of one place, or of several (`points`: [(lat, lon, title), …], the first
    one being latitude/longitude)."""
    from ..mapdata import tile_settings

    return {
        "latitude": latitude,
        "longitude": longitude,
        "title": title,
        "points": json.dumps([[float(a), float(b), str(t)] for a, b, t in points])
        if points
        else "",
        "tiles": tile_settings(),
    }


@register.simple_tag
def jsonld(data):
    """Any schema.org dict as a safe JSON-LD script (the traceability pages use it)."""
    return _script(data)
