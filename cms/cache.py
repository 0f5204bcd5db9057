"""The anonymous page cache: whole responses kept in Django's cache, purged by tags.

Views opt in by tagging the request (`tag(request, "page:12", "products")`); Wagtail pages are
tagged by `cms.wagtail_hooks` with their own tag, "site" (header and footer) and whatever the
page class adds (`page_cache_tags()`). The middleware serves a stored copy to a visitor who is
not logged in and has no message waiting, and stores a response only when it is safe to share:
a 200 that used no CSRF token, set no cookie of its own, showed no message and was not marked
private. Nothing per visitor is in such a page (the cart count is filled in by a script from a
cookie; forms that must POST fetch their token when used).

Purging is exact and cheap: each tag has a version; a stored page remembers the versions it was
made under and is stale as soon as one moved (`purge(*tags)`, usually on transaction commit).
Domain apps purge their own tags (products on publish and stock, tours on publish); this module
knows no domain app. Works with any shared cache: locmem for one process (`make run`), Redis
for several (production refuses locmem with more than one worker: see docs/deploy.md).

A reverse proxy or CDN in front (issue 21, docs/deploy.md) may keep the same pages: a stored
page also says `Cache-Control: public, s-maxage=FRONTEND_CACHE_SECONDS` (anything else that is
tagged says `private`), and its URL is remembered under each of its tags. Purging a tag then
also purges those URLs from the proxy through Wagtail's frontend cache (WAGTAILFRONTENDCACHE,
e.g. HTTP PURGE to Varnish), so publish, unpublish, move and stock changes reach it too.
"""

import hashlib
import logging
import secrets

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

logger = logging.getLogger(__name__)

PAGE_PREFIX = "pc:page:"
TAG_PREFIX = "pc:tag:"
URLS_PREFIX = "pc:urls:"  # the URLs a proxy may hold per tag (frontend purge)
MAX_URLS_PER_TAG = 5000  # beyond this a URL leaves the proxy only when its s-maxage ends
# Paths that are never served from the cache, whatever they tag.
PRIVATE_PREFIXES = ("/admin/", "/django-admin/", "/shop/", "/tai-khoan/", "/i18n/", "/documents/")
AUTH_COOKIE = "ocop_auth"  # set while logged in (see `AuthMarkerMiddleware`): never cached
KEPT_HEADERS = (
    "Content-Type",
    "Content-Language",
    "Vary",
    "Cache-Control",
    "Link",
    "X-Robots-Tag",
    "Content-Disposition",
    "Access-Control-Allow-Origin",
    "Last-Modified",
    "X-Frame-Options",
)
# What a view tells middlewares outside the cache through the response object, kept with the
# stored page so a hit is answered the same way: django-csp's per-view policy changes (an
# embeddable page's frame-ancestors, cms.opendata.embeddable) and Django's X-Frame-Options
# exemption.
KEPT_ATTRIBUTES = (
    "_csp_replace",
    "_csp_update",
    "_csp_config",
    "_csp_exempt",
    "xframe_options_exempt",
)


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def enabled() -> bool:
    return settings.PAGE_CACHE_SECONDS > 0


def shared() -> bool:
    """Every web process reads and writes the same cache, so a tag's version is the same for all
    of them (False for production on the per-process locmem cache: see production.py). The page
    cache needs it; so do the site chrome and open-data entries kept under tag versions."""
    return getattr(settings, "CACHE_SHARED", True)


def tag(request, *tags: str) -> None:
    """Mark this request's response as shareable and name what it shows."""
    if request is None:
        return
    current = getattr(request, "page_cache_tags", None)
    if current is None:
        current = request.page_cache_tags = set()
    current.update(t for t in tags if t)


def purge(*tags: str) -> None:
    """Every stored page that carries one of these tags is stale from now on (here and, with a
    frontend cache configured, in the proxy)."""
    tags = {t for t in tags if t}
    if not tags or not (enabled() or shared()):
        return
    try:
        _cache().set_many({TAG_PREFIX + t: secrets.token_hex(6) for t in tags}, timeout=None)
    except Exception:  # noqa: BLE001 - a cache outage must not break a publish
        logger.exception("Could not purge page cache tags %s", sorted(tags))
    if frontend_enabled():
        purge_frontend(tags)


# --------------------------------------------------------------------------- frontend cache


def frontend_enabled() -> bool:
    """A proxy may keep pages only while this cache can tell it when they change."""
    return (
        enabled()
        and bool(getattr(settings, "WAGTAILFRONTENDCACHE", None))
        and frontend_seconds() > 0
    )


def frontend_seconds() -> int:
    return int(getattr(settings, "FRONTEND_CACHE_SECONDS", 0) or 0)


def _redis_client(store):
    """The raw client of Django's Redis cache (for sets), or None for other backends."""
    inner = getattr(store, "_cache", None)
    get_client = getattr(inner, "get_client", None)
    return get_client(write=True) if get_client else None


def _remember_url(url: str, tags) -> None:
    store = _cache()
    client = _redis_client(store)
    for tag in tags:
        key = store.make_and_validate_key(URLS_PREFIX + tag)
        if client is not None:
            if client.scard(key) < MAX_URLS_PER_TAG:
                client.sadd(key, url)
            continue
        urls = store.get(URLS_PREFIX + tag) or []
        if url not in urls and len(urls) < MAX_URLS_PER_TAG:
            store.set(URLS_PREFIX + tag, [*urls, url], timeout=None)


def _take_urls(tags) -> set[str]:
    store = _cache()
    client = _redis_client(store)
    urls: set[str] = set()
    for tag in tags:
        if client is not None:
            key = store.make_and_validate_key(URLS_PREFIX + tag)
            pipe = client.pipeline()
            pipe.smembers(key)
            pipe.delete(key)
            members, _deleted = pipe.execute()
            urls.update(m.decode() if isinstance(m, bytes) else m for m in members)
        else:
            urls.update(store.get(URLS_PREFIX + tag) or [])
            store.delete(URLS_PREFIX + tag)
    return urls


def purge_frontend(tags) -> set[str]:
    """Purge from the proxy every URL stored under these tags (Wagtail's frontend cache:
    a task, so with a worker it runs there). Returns the URLs."""
    try:
        urls = _take_urls(sorted(tags))
    except Exception:  # noqa: BLE001
        logger.exception("Could not read the proxy's URLs for tags %s", sorted(tags))
        return set()
    if urls:
        from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache

        try:
            purge_urls_from_cache(sorted(urls))
        except Exception:  # noqa: BLE001 - a proxy outage must not break a publish
            logger.exception("Could not purge %s URL(s) from the frontend cache", len(urls))
    return urls


def purge_on_commit(*tags: str) -> None:
    """Purge once the current transaction commits (a rolled-back change purges nothing, and a
    request in between cannot store the old page under the new versions)."""
    tags = tuple(tags)
    transaction.on_commit(lambda: purge(*tags))


def _versions(tags, create: bool = False) -> dict[str, str]:
    store = _cache()
    keys = [TAG_PREFIX + t for t in tags]
    found = store.get_many(keys)
    if create:
        missing = {k: secrets.token_hex(6) for k in keys if k not in found}
        for key, value in missing.items():
            store.add(key, value, timeout=None)
        if missing:
            found = store.get_many(keys)
    return {k[len(TAG_PREFIX) :]: v for k, v in found.items()}


def tag_versions(tags, create: bool = False) -> dict[str, str]:
    """The current version of each tag (`create`: give a missing tag one). Something kept under
    these versions is stale as soon as one of its tags is purged."""
    return _versions(tags, create=create)


def site_version(request) -> str | None:
    """The "site" tag's version for this request (read once, kept on the request), or None
    without a shared cache. What is kept under it — the request's `Site` and the restricted
    sections (cms/visibility.py), the header and footer (cms/chrome.py) — is stale as soon as
    anything site-wide changes (cms/signals.py)."""
    if not shared():
        return None
    if request is not None and hasattr(request, "_site_tag_version"):
        return request._site_tag_version
    try:
        version = tag_versions(["site"], create=True).get("site")
    except Exception:  # noqa: BLE001 - a cache outage means resolving from the database
        logger.exception("Could not read the site tag version")
        version = None
    if request is not None:
        request._site_tag_version = version
    return version


KEPT_PREFIX = "pc:kept:"
KEPT_SECONDS = 600  # a safety net: the tag versions are what make a kept value stale


def kept_key(name: str, tags) -> str | None:
    """The key of a value kept until one of `tags` (or "site": restrictions, moves) is purged —
    a home section's page ids, say — or None without a cache every process shares."""
    if not shared():
        return None
    try:
        versions = tag_versions(sorted({*tags, "site"}), create=True)
    except Exception:  # noqa: BLE001 - a cache outage means computing it
        logger.exception("Could not read tag versions for %s", name)
        return None
    raw = repr((name, sorted(versions.items()))).encode("utf-8", "surrogateescape")
    return KEPT_PREFIX + hashlib.sha1(raw).hexdigest()


def kept_get(key: str | None):
    if key is None:
        return None
    try:
        return _cache().get(key)
    except Exception:  # noqa: BLE001
        logger.exception("Could not read a kept value")
        return None


def kept_set(key: str | None, value, timeout: int = KEPT_SECONDS) -> None:
    if key is None:
        return
    try:
        _cache().set(key, value, timeout=timeout)
    except Exception:  # noqa: BLE001
        logger.exception("Could not keep a value")


def page_key(request) -> str:
    """Host, language, path and the query string in a canonical order."""
    query = "&".join(sorted(request.META.get("QUERY_STRING", "").split("&")))
    raw = f"{request.get_host()}|{getattr(request, 'LANGUAGE_CODE', '')}|{request.path}?{query}"
    return PAGE_PREFIX + hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()[:40]


def _servable(request) -> bool:
    if request.method not in ("GET", "HEAD") or not enabled():
        return False
    if request.path.startswith(PRIVATE_PREFIXES):
        return False
    cookies = request.COOKIES  # (a deleted cookie may still come back empty)
    return not cookies.get(AUTH_COOKIE) and not cookies.get("messages")


def lookup(request) -> HttpResponse | None:
    try:
        entry = _cache().get(page_key(request))
        if entry is None:
            return None
        if _versions(entry["tags"]) != entry["tags"]:
            return None
    except Exception:  # noqa: BLE001 - a cache outage means a normal render
        logger.exception("Page cache lookup failed")
        return None
    if request.headers.get("If-None-Match") == entry["etag"]:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(entry["content"], status=entry["status"])
    for name, value in entry["headers"].items():
        response[name] = value
    for name, value in entry.get("attributes", {}).items():
        setattr(response, name, value)
    response["ETag"] = entry["etag"]
    response["X-Page-Cache"] = "hit"
    return response


def _shareable(request, response) -> bool:
    if getattr(request, "page_cache_tags", None) is None or response.status_code != 200:
        return False
    if response.streaming or response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    control = response.get("Cache-Control", "")
    if "private" in control or "no-store" in control or "no-cache" in control:
        return False
    storage = getattr(request, "_messages", None)
    if storage is not None and (storage.used or getattr(storage, "_queued_messages", None)):
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def store(request, response) -> None:
    try:
        tags = _versions(sorted(request.page_cache_tags | {"site"}), create=True)
        content = response.content
        entry = {
            "status": response.status_code,
            "content": content,
            "headers": {h: response[h] for h in KEPT_HEADERS if response.has_header(h)},
            "attributes": {
                a: getattr(response, a) for a in KEPT_ATTRIBUTES if hasattr(response, a)
            },
            "etag": '"' + hashlib.sha256(content).hexdigest()[:32] + '"',
            "tags": tags,
        }
        _cache().set(page_key(request), entry, timeout=settings.PAGE_CACHE_SECONDS)
        response["ETag"] = entry["etag"]
        response["X-Page-Cache"] = "miss"
        if frontend_enabled():
            _remember_url(request.build_absolute_uri(), tags)
    except Exception:  # noqa: BLE001
        logger.exception("Page cache store failed")


def _anonymous(request) -> bool:
    if request.method not in ("GET", "HEAD") or request.path.startswith(PRIVATE_PREFIXES):
        return False
    cookies = request.COOKIES
    return not cookies.get(AUTH_COOKIE) and not cookies.get("messages")


def _cache_control(request, response) -> None:
    """What a proxy in front may do with a tagged response: keep it (anonymous-safe: the same
    for every visitor), or not (anything else)."""
    if "Cache-Control" in response:
        return
    if frontend_enabled():
        if _anonymous(request) and _shareable(request, response):
            seconds = frontend_seconds()
            response["Cache-Control"] = f"public, max-age=0, s-maxage={seconds}, must-revalidate"
            return
        response["Cache-Control"] = "private, max-age=0, must-revalidate"
        return
    response["Cache-Control"] = "max-age=0, must-revalidate"


class PageCacheMiddleware:
    """Serve and store anonymous pages (after LocaleMiddleware: the language is part of the
    key; before sessions are read: a hit costs two cache reads and no database query)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        servable = _servable(request)
        if servable:
            cached = lookup(request)
            if cached is not None:
                return cached
        response = self.get_response(request)
        if getattr(request, "page_cache_tags", None) is not None:
            # The same URL differs by language and by being logged in (both cookies).
            patch_vary_headers(response, ("Cookie", "Accept-Language"))
            _cache_control(request, response)
            if servable and _shareable(request, response):
                store(request, response)
        return response


class AuthMarkerMiddleware:
    """Keep a cookie (no secret in it) that says "logged in", so the page cache can tell
    without opening the session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is None or not hasattr(request, "session"):
            return response
        # Only look when the view already loaded the session (no query added otherwise).
        marked = bool(request.COOKIES.get(AUTH_COOKIE))
        if not getattr(request.session, "_session_cache", None) and not marked:
            return response
        logged_in = user.is_authenticated
        if logged_in and not marked:
            response.set_cookie(
                AUTH_COOKIE,
                "1",
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
            )
        elif not logged_in and marked:
            response.delete_cookie(AUTH_COOKIE, samesite="Lax")
        return response
