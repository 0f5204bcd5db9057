"""Shop template tags: the cart size shown in the site header."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def cart_count(context) -> int:
    """Units in the visitor's cart (0 without a request, e.g. in emails)."""
    from shop.cart import Cart

    request = context.get("request")
    if request is None or not hasattr(request, "session") or not hasattr(request, "user"):
        return 0
    return Cart(request).count()


@register.inclusion_tag("shop/_delivery_estimate.html", takes_context=True)
def delivery_estimate(context, variants):
    """What delivering this product costs and takes to a province (?giao_den=<code>, else the
    default province), by the fee table; the exact quote comes at checkout."""
    from django.conf import settings
    from django.core.cache import cache

    from ..delivery.views import estimate_for
    from ..forms import province_choices

    request = context.get("request")
    wanted = request.GET.get("giao_den", "") if request else ""
    # Both are kept like carriers' quotes (SHOP_QUOTE_CACHE_SECONDS): the province list is the
    # address register's, the estimate only says what the fee table gives from the producer's
    # pickup province; the exact quote is made in the cart and at checkout.
    seconds = settings.SHOP_QUOTE_CACHE_SECONDS
    variant = next((v for v in variants if getattr(v, "available", 0) > 0), None)
    producer_id = variant.page.producer_id if variant is not None else None

    def estimate_key(code):
        return f"shop:estimate:{producer_id}:{variant.weight_grams}:{code}"

    # One cache read for the province list and the likely estimate (the asked-for province,
    # or the default one).
    guess = estimate_key(wanted or settings.SHOP_DEFAULT_PROVINCE) if producer_id else None
    found = cache.get_many([k for k in ("shop:provinces", guess) if k]) if seconds > 0 else {}
    choices = found.get("shop:provinces")
    if choices is None:
        choices = province_choices()
        if seconds > 0:
            cache.set("shop:provinces", choices, seconds)
    names = dict(choices)
    code = wanted if wanted in names else settings.SHOP_DEFAULT_PROVINCE
    estimate = None
    if producer_id:
        key = estimate_key(code)
        if seconds > 0:
            estimate = found.get(key) if key == guess else cache.get(key)
        if estimate is None:
            estimate = estimate_for(producer_id, variant.weight_grams, (code, names[code]))
            if seconds > 0:
                cache.set(key, estimate, seconds)
    return {
        "estimate": estimate,
        "provinces": choices,
        "selected": code,
        "sku": variant.sku if variant else None,
    }


@register.simple_tag
def product_reviews(page, limit: int = 5) -> dict:
    """A product's published-review summary and newest reviews, for its page and its JSON-LD:
    {"summary": ProductRating | None, "items": [Review, …]} (two queries when it has reviews,
    one when not)."""
    from products.ratings import summary_of

    from ..reviews import published

    summary = summary_of(page)
    items = list(published(page.pk)[:limit]) if summary else []
    return {"summary": summary, "items": items}


@register.filter
def star_glyphs(value) -> str:
    """4.4 → "★★★★☆" (rounded to the nearest whole star; the number is shown beside it)."""
    try:
        whole = max(0, min(5, int(float(value) + 0.5)))
    except (TypeError, ValueError):
        whole = 0
    return "★" * whole + "☆" * (5 - whole)


@register.inclusion_tag("shop/_restock_form.html", takes_context=True)
def restock_form(context, variants):
    """'Báo khi có hàng' for the sold-out variants of a product page (shop/restock.py)."""
    variants = list(variants)
    everything = context.get("variants") or variants
    return {
        "variants": variants,
        "request": context.get("request"),
        # Open at once when nothing of the product can be bought.
        "open": all(getattr(v, "available", 0) <= 0 for v in everything),
    }
