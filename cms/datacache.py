"""Whole-catalogue documents (open-data files, sitemap.xml) built once per data version.

Building `products.csv` or the sitemap walks every public page (seconds at 10,000 products);
their content changes only when pages do. `pages_version()` is a fingerprint of what they are
built from, read in three small aggregate queries: the newest page log entry (Wagtail logs
every publish, unpublish, move, delete and copy), the number of live pages and the newest
publication time (changes made without Wagtail's actions), the view restrictions (count and
newest), and today's date (OCOP status and reference data). A document is kept in Django's
cache under that version, its validators (ETag, Last-Modified) beside it: a conditional GET is
answered from those alone, a plain GET from the stored body; only a new version builds again.
The version is read from the database, so the cache need not be shared between processes.
"""

import hashlib

from django.conf import settings
from django.core.cache import caches
from django.db.models import Count, Max, Q
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import get_language
from django.views.decorators.http import require_safe
from wagtail.models import Page, PageLogEntry, PageViewRestriction

from cms.language import neutral_language

TIMEOUT = 24 * 3600
FILE_CACHE_SECONDS = 300  # what clients and proxies may keep an open-data file


def _store():
    return caches[settings.PAGE_CACHE_ALIAS]


def pages_version() -> str:
    """A short fingerprint that changes whenever what public pages show may have changed."""
    log = PageLogEntry.objects.aggregate(m=Max("pk"))["m"]
    pages = Page.objects.aggregate(
        live=Count("pk", filter=Q(live=True)), published=Max("last_published_at")
    )
    restrictions = PageViewRestriction.objects.aggregate(n=Count("pk"), m=Max("pk"))
    raw = repr((log, sorted(pages.items()), sorted(restrictions.items()), timezone.localdate()))
    return hashlib.sha1(raw.encode()).hexdigest()[:16]


def etag_for(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def document_key(name: str, request, extra: str = "") -> str:
    """What the document's bytes depend on besides the data: host and scheme (absolute URLs)
    and the UI language (labels). `extra` is a version of data that are not pages (NTM
    results: `products.opendata.ntm_version()`)."""
    host = request.get_host() if request is not None else ""
    scheme = request.scheme if request is not None else ""
    return f"doc:{name}:{scheme}:{host}:{get_language() or ''}:{pages_version()}:{extra}"


def cached_document(key: str, build):
    """(meta, body or None): `build()` → (body bytes, extra meta) runs only when `key` is new;
    otherwise only the small meta entry is read (the body is None: `respond` reads it when the
    answer is not a 304)."""
    store = _store()
    meta = store.get(key + ":meta")
    if meta is not None:
        return meta, None
    body, extra = build()
    meta = {"etag": etag_for(body), **extra}
    store.set_many({key: body, key + ":meta": meta}, timeout=TIMEOUT)
    return meta, body


def respond(request, key: str, build, content_type: str, headers=None) -> HttpResponse:
    """A 200 with the stored (or freshly built) body, or a 304 from the stored validators."""
    meta, body = cached_document(key, build)
    last_modified = meta.get("last_modified")
    response = get_conditional_response(request, etag=meta["etag"], last_modified=last_modified)
    if response is None:
        if body is None:
            body = _store().get(key)
        if body is None:  # evicted meanwhile: build again
            _store().delete(key + ":meta")
            meta, body = cached_document(key, build)
        response = HttpResponse(body, content_type=content_type)
    response["ETag"] = meta["etag"]
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def serve_file(request, name: str, build, content_type: str, modified, extra: str = ""):
    """An open-data file: `build(request)` → text, built once per data version; `modified()`
    → its Last-Modified (datetime or None). CORS-open and publicly cacheable for 5 minutes."""
    from django.utils.cache import patch_cache_control

    def make():
        # One file for every visitor: built in the default language with unprefixed URLs, even
        # when an /en/ request builds it (its English lives in the *_en fields).
        with neutral_language():
            body = build(request).encode("utf-8")
        stamp = modified()
        return body, {"last_modified": int(stamp.timestamp()) if stamp else None}

    response = respond(
        request,
        document_key(name, request, extra),
        make,
        content_type,
        {"Content-Disposition": f'inline; filename="{name}"'},
    )
    if response.status_code == 304:
        del response["Content-Disposition"]
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, public=True, max_age=FILE_CACHE_SECONDS)
    return response


@require_safe
def sitemap(request):
    """Wagtail's sitemap.xml, built once per data version (and answered 304 when unchanged)."""
    from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap

    def build():
        response = wagtail_sitemap(request)
        response.render()
        modified = response.get("Last-Modified")
        extra = {"content_type": response["Content-Type"]}
        if modified:
            from django.utils.http import parse_http_date

            extra["last_modified"] = parse_http_date(modified)
        if response.has_header("X-Robots-Tag"):
            extra["robots"] = response["X-Robots-Tag"]
        return response.content, extra

    key = document_key("sitemap.xml", request)
    meta, _body = cached_document(key, build)
    headers = {"X-Robots-Tag": meta["robots"]} if meta.get("robots") else {}
    return respond(request, key, build, meta["content_type"], headers)
