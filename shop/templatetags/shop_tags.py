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
