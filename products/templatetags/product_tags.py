"""Template tags for product listings."""

from django import template

from ..cards import render_cards

register = template.Library()


@register.simple_tag(takes_context=True)
def product_cards(context, products):
    """Every product's card (`<li>`), cached per content (products/cards.py)."""
    return render_cards(products, context.get("request"))
