"""The site's chrome — the header's section links and the footer — resolved once per site.

Every public page shows the same three section links (catalogue, producers, tours) and the same
footer (the operator's identity, the legal pages in the menu). Resolving them is a handful of
queries a page; they change only when an index or standard page is published, moved or
deleted, a site setting is saved or a view restriction changes — exactly what purges the page
cache's "site" tag (`cms/signals.py`). So they are kept in Django's cache under the current
version of that tag: a purge makes them stale everywhere at once, and a page renders them
from two cache reads and no query.

Tag versions are only exact in a cache that every process shares (`cms.cache.shared()`).
Without one (production on the per-process locmem cache), each request resolves the links
itself, once (one query for the three of them) and renders the footer.
"""

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.urls import get_script_prefix
from django.utils.translation import get_language
from wagtail.models import Page

from . import cache

# The section pages the header links to (`{% pageurl_by_type %}`): one query finds all of them.
SECTION_TYPES = ("products.ProductIndexPage", "products.ProducerIndexPage", "tours.TourIndexPage")
URLS_PREFIX = "chrome:urls:"
FOOTER_PREFIX = "chrome:footer:"
TIMEOUT = 24 * 3600  # a safety net: the "site" tag version is what makes an entry stale


def _store():
    return caches[settings.PAGE_CACHE_ALIAS]


def _site_id(request) -> int | str:
    from .visibility import site_for

    site = site_for(request)
    return site.pk if site else "-"


def resolve_section_urls(request) -> dict[str, str]:
    """{model label: URL of its first live page, or "#"} in one query."""
    from django.contrib.contenttypes.models import ContentType

    models = {label: apps.get_model(label) for label in SECTION_TYPES}
    types = ContentType.objects.get_for_models(*models.values())  # cached per process
    by_type = {types[model].pk: label for label, model in models.items()}
    urls = dict.fromkeys(SECTION_TYPES, "#")
    found = set()
    pages = (
        Page.objects.live()
        .filter(content_type_id__in=by_type)
        .only("url_path", "path", "depth", "content_type_id")
        .order_by("pk")
    )
    for page in pages:
        label = by_type[page.content_type_id]
        if label not in found:
            found.add(label)
            urls[label] = page.get_url(request) or "#"
    return urls


def section_urls(request) -> dict[str, str]:
    """The header's section links for this request's site (memoised on the request)."""
    if request is not None and hasattr(request, "_chrome_urls"):
        return request._chrome_urls
    version = cache.site_version(request)
    urls = None
    # The URLs depend on the script prefix (/en/ pages link under /en/, cms/language.py).
    key = f"{URLS_PREFIX}{_site_id(request)}:{get_script_prefix()}:{version}"
    if version is not None:
        # The footer of this language comes in the same read (one round trip for the chrome).
        footer_key = _footer_key(request, get_language() or "", version)
        found = _store().get_many([key, footer_key])
        urls = found.get(key)
        if request is not None and footer_key in found:
            request._chrome_footer = (footer_key, found[footer_key])
    if urls is None:
        urls = resolve_section_urls(request)
        if version is not None:
            _store().set(key, urls, timeout=TIMEOUT)
    if request is not None:
        request._chrome_urls = urls
    return urls


def _footer_key(request, language: str, version: str) -> str:
    return f"{FOOTER_PREFIX}{_site_id(request)}:{language}:{get_script_prefix()}:{version}"


def footer(request, language: str, render) -> str:
    """The footer's HTML: from the cache when the "site" version is unchanged, else `render()`."""
    version = cache.site_version(request)
    if version is None:
        return render()
    key = _footer_key(request, language, version)
    kept = getattr(request, "_chrome_footer", None) if request is not None else None
    html = kept[1] if kept and kept[0] == key else _store().get(key)
    if html is None:
        html = render()
        _store().set(key, html, timeout=TIMEOUT)
    return html
