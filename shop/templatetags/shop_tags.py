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

    from products.purchasable import get_purchasable

    from ..delivery.views import estimate_for
    from ..forms import province_choices

    request = context.get("request")
    wanted = request.GET.get("giao_den", "") if request else ""
    choices = province_choices()
    code = wanted if wanted in dict(choices) else settings.SHOP_DEFAULT_PROVINCE
    sku = next((v.sku for v in variants if getattr(v, "available", 0) > 0), None)
    item = get_purchasable(sku) if sku else None
    return {
        "estimate": estimate_for(item, code) if item else None,
        "provinces": choices,
        "selected": code,
        "sku": sku,
    }
