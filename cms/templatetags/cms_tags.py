"""Shared template tags: money, header and footer links, query strings."""

from babel.numbers import format_currency
from django import template
from django.conf import settings
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from cms import chrome
from cms.language import english_ui, localized
from cms.visibility import public, site_for

register = template.Library()


def _vnd_pattern() -> tuple[str, str, str]:
    """Babel's Vietnamese currency format, taken apart once: group separator, and the text
    before and after the digits for positive and negative amounts ("150.000\\xa0₫")."""
    sample = format_currency(1234567, "VND", locale="vi_VN")
    negative = format_currency(-1234567, "VND", locale="vi_VN")
    digits = next(c for c in sample if not c.isdigit())  # the grouping symbol
    grouped = f"1{digits}234{digits}567"
    before, after = sample.split(grouped)
    neg_before, neg_after = negative.split(grouped)
    return digits, before + "{}" + after, neg_before + "{}" + neg_after


_GROUP, _POSITIVE, _NEGATIVE = _vnd_pattern()


@register.filter
def vnd(amount) -> str:
    """150000 → "150.000 ₫" (non-breaking space, Vietnamese grouping in every UI language).
    The same text as Babel's `format_currency(n, "VND", locale="vi_VN")`, without a locale
    lookup per call (a listing formats dozens of prices)."""
    if amount is None or amount == "":
        return ""
    number = int(amount)
    grouped = f"{abs(number):,}".replace(",", _GROUP)
    return (_NEGATIVE if number < 0 else _POSITIVE).format(grouped)


@register.simple_tag(takes_context=True)
def footer_pages(context):
    from cms.models import StandardPage

    site = site_for(context.get("request"))
    return public(StandardPage, site).in_menu().order_by("path")


@register.simple_tag(takes_context=True)
def site_footer(context):
    """The footer (operator, legal pages), kept per site and language under the "site" tag's
    version (cms/chrome.py)."""
    request = context.get("request")

    def render():
        return context.template.engine.get_template("cms/includes/footer.html").render(context)

    return mark_safe(chrome.footer(request, get_language() or "", render))


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (for pagination and sorting)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params[key] = value
    return params.urlencode()


register.simple_tag(localized, name="localized")


@register.filter
def named_in(name, texts) -> bool:
    """True when the place `name` is already part of one of `texts` ("|"-separated): a card or
    list line then leaves out the commune it would repeat ("Bát Tràng pottery class · Commune
    Bát Tràng" says Bát Tràng once)."""
    name = str(name or "").strip().casefold()
    return bool(name) and any(name in part.casefold() for part in str(texts or "").split("|"))


@register.simple_tag
def lang_vi(obj, field: str) -> str:
    """` lang="vi"` on the element showing `obj.t.<field>` when an English page shows it in
    Vietnamese (no English text yet), so screen readers and translators know."""
    if english_ui() and hasattr(obj, "untranslated_fields") and field in obj.untranslated_fields():
        return mark_safe(' lang="vi"')
    return ""


@register.inclusion_tag("cms/includes/translation_notice.html")
def translation_notice(obj):
    """On an English page whose own text is (partly) still only in Vietnamese: a short notice
    (the untranslated fields fall back to Vietnamese, marked with lang="vi")."""
    shown = english_ui() and bool(
        getattr(obj, "untranslated_fields", set) and obj.untranslated_fields()
    )
    return {"shown": shown}


@register.simple_tag(takes_context=True)
def pageurl_by_type(context, model_label: str) -> str:
    """URL of the single live page of a type (catalogue, producers, tours), or "#". The header's
    three come from one query, cached under the "site" tag's version (cms/chrome.py)."""
    request = context.get("request")
    if model_label in chrome.SECTION_TYPES:
        return chrome.section_urls(request)[model_label]
    from django.apps import apps

    model = apps.get_model(model_label)
    page = model.objects.live().only("url_path", "path", "depth").order_by("pk").first()
    return page.get_url(request) if page else "#"


@register.simple_tag
def languages_in_themselves():
    """(code, name) of each site language, named in itself as settings.LANGUAGES writes it
    ("Tiếng Việt", "English") — not translated into the current language, and NFC-composed
    (Django's own `name_local` for vi is not)."""
    return list(settings.LANGUAGES)


class CaptureNode(template.Node):
    """Renders its content into a context variable (blocks inside may be overridden)."""

    child_nodelists = ("nodelist",)

    def __init__(self, nodelist, name: str):
        self.nodelist = nodelist
        self.name = name

    def render(self, context):
        # Rendered template output is already escaped: keep it safe so it is not escaped twice.
        context[self.name] = mark_safe(self.nodelist.render(context).strip())
        return ""


class FragmentNode(template.Node):
    """A part of the page kept once rendered (cms/fragments.py)."""

    child_nodelists = ("nodelist",)

    def __init__(self, nodelist, name: str):
        self.nodelist = nodelist
        self.name = name

    def render(self, context):
        from cms import fragments

        return fragments.render(
            context.get("request"), self.name, context.get("page"), context, self.nodelist.render
        )


@register.tag
def fragment(parser, token):
    """{% fragment "content" %}…{% endfragment %}: base.html's head, header and content, kept
    under the page cache's tags for the visitors the page cache cannot answer."""
    bits = token.split_contents()
    from cms.fragments import NAMES

    name = bits[1].strip("\"'") if len(bits) == 2 else ""
    if name not in NAMES:
        raise template.TemplateSyntaxError(f"{{% fragment %}} takes one of: {', '.join(NAMES)}")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, name)


@register.tag
def capture(parser, token):
    """{% capture "name" %}…{% endcapture %}: base.html renders the title block once and uses
    it in <title> and the Open Graph tags."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("{% capture %} takes one name")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[1].strip("\"'"))


@register.inclusion_tag("cms/includes/seo_head.html", takes_context=True)
def seo_head(context, title="", description="", keep=""):
    """Meta description, canonical URL, language alternates, Open Graph and Twitter card of the
    page (the rules are in cms/seo.py)."""
    from cms import seo

    request = context.get("request")
    page = context.get("page")
    params = tuple(keep.split()) or seo.CANONICAL_PARAMS
    result = {"description": seo.description(page, text=str(description)), "title": title}
    if request is None:
        return result
    image, width, height = seo.og_image(request, page)
    locale, other_locales = seo.og_locale(get_language())
    result.update(
        canonical=seo.canonical_url(request, params),
        alternates=seo.alternates(request, params),
        og_type=getattr(page, "og_type", "website"),
        image=image,
        image_width=width,
        image_height=height,
        locale=locale,
        other_locales=other_locales,
    )
    return result


@register.inclusion_tag("cms/includes/embed_snippet.html", takes_context=True)
def embed_snippet(context, url_name, *args, title="", height=520, allow="fullscreen", query=""):
    """The "Nhúng vào trang khác" disclosure: the copy-paste `<iframe>` of an embeddable page
    (cms.opendata), in the visitor's language, shown only when some origin may frame it."""
    from django.urls import reverse

    from cms import opendata
    from cms.language import EN_PREFIX, english_ui

    origins = opendata.embed_origins()
    if not origins:
        return {"snippet": ""}
    request = context.get("request")
    path = reverse(url_name, args=args)  # under /en/ already on an /en/ page (script prefix)
    if english_ui() and not path.startswith(EN_PREFIX + "/"):
        path = EN_PREFIX + path
    if query:
        path = f"{path}?{query}"
    url = request.build_absolute_uri(path) if request is not None else path
    hosts = [origin.split("://", 1)[1] for origin in origins]
    return {
        "snippet": opendata.iframe_snippet(url, title, height, allow),
        "url": url,
        "hosts": ", ".join(hosts),
        "field_id": "embed-code-" + url_name.replace(":", "-").replace("_", "-"),
    }
