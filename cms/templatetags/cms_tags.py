"""Shared template tags: money, footer links, query strings."""

from babel.numbers import format_currency
from django import template

from cms.language import localized
from cms.visibility import public, site_for

register = template.Library()


@register.filter
def vnd(amount) -> str:
    """150000 → "150.000 ₫" (non-breaking space, Vietnamese grouping in every UI language)."""
    if amount is None or amount == "":
        return ""
    return format_currency(int(amount), "VND", locale="vi_VN")


@register.simple_tag(takes_context=True)
def footer_pages(context):
    from cms.models import StandardPage

    site = site_for(context.get("request"))
    return public(StandardPage, site).in_menu().order_by("path")


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (for pagination and sorting)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params[key] = value
    return params.urlencode()


register.simple_tag(localized, name="localized")


@register.simple_tag(takes_context=True)
def pageurl_by_type(context, model_label: str) -> str:
    """URL of the single live page of a type (catalogue, producers, tours), or "#"."""
    from django.apps import apps

    cache = context.render_context.setdefault("_pageurl_by_type", {})
    if model_label not in cache:
        model = apps.get_model(model_label)
        page = model.objects.live().only("url_path", "path", "depth").order_by("pk").first()
        cache[model_label] = page.get_url(context.get("request")) if page else "#"
    return cache[model_label]
