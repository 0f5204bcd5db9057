"""What the public may see: one rule for every public surface.

A page is public when it is live, not inside a section with a view restriction (password,
login, groups — on the page itself or on an ancestor) and, when a site is given, inside that
site's tree. Listings, the producer index, batch pages, open data, the map, JSON-LD, what the
shop may sell, the public API and the search index all ask here, so a password-protected
product can never leak through one of them. Knows no domain model.
"""

from django.db.models import QuerySet
from wagtail.models import Page, PageViewRestriction, Site


def restricted_paths(site: Site | None = None) -> list[str]:
    """Tree paths of the pages that carry a view restriction (each hides its subtree).

    With a site — the request's own `Site` object, found once per request — the list is read
    once and kept on that object, so the several listings of one page (home: products,
    producers, sites) share one query; a restriction saved meanwhile shows from the next
    request on."""
    memo = getattr(site, "_restricted_paths", None) if site is not None else None
    if memo is None:
        memo = list(PageViewRestriction.objects.values_list("page__path", flat=True))
        if site is not None:
            site._restricted_paths = memo
    return memo


def public(queryset: QuerySet, site: Site | None = None) -> QuerySet:
    """The public pages of a page queryset (or of a page model's default manager)."""
    if isinstance(queryset, type) and issubclass(queryset, Page):
        queryset = queryset.objects.all()
    # Wagtail's `.public()`, with the restricted sections read once per request.
    queryset = queryset.live()
    for path in restricted_paths(site):
        queryset = queryset.exclude(path__startswith=path)
    if site is not None:
        queryset = queryset.descendant_of(site.root_page, inclusive=True)
    return queryset


def is_public(page: Page, site: Site | None = None) -> bool:
    """The same rule for one page."""
    return public(Page.objects.filter(pk=page.pk), site).exists()


SITE_PREFIX = "visibility:site:"
SITE_SECONDS = 24 * 3600  # a safety net: the "site" tag version is what makes an entry stale


def site_for(request) -> Site | None:
    """The site a request is for (Wagtail 8 no longer sets request.site), kept on the request
    as Wagtail keeps it (`request._wagtail_site`).

    With a cache every process shares, the site (with its root page) and the restricted
    sections are read from it under the "site" tag's version — one cache read instead of two
    queries — since everything that changes them (a site saved or deleted, the root page
    published or moved, a view restriction saved or deleted) purges that tag
    (cms/signals.py)."""
    if request is None:
        return None
    if not hasattr(request, "_wagtail_site"):
        cached = _cached_site(request)
        if cached is not None:
            request._wagtail_site = cached
    return Site.find_for_request(request)


def _cached_site(request) -> Site | None:
    import hashlib

    from django.conf import settings
    from django.core.cache import caches
    from django.http.request import split_domain_port

    from . import cache

    version = cache.site_version(request)
    if version is None:
        return None
    try:
        host = split_domain_port(request._get_raw_host())[0]
        port = request.get_port()
    except Exception:  # noqa: BLE001 - Wagtail's own lookup decides what a bad host gets
        return None
    raw = f"{host}|{port}|{version}".encode("utf-8", "surrogateescape")
    key = SITE_PREFIX + hashlib.sha1(raw).hexdigest()
    store = caches[settings.PAGE_CACHE_ALIAS]
    entry = store.get(key)
    if entry is None:
        site = Site._find_for_request(request)
        entry = {"site": site, "restricted": restricted_paths()}
        store.set(key, entry, timeout=SITE_SECONDS)
    site = entry["site"]
    if site is not None:
        site._restricted_paths = list(entry["restricted"])
    return site
