"""Parts of a page kept once rendered: the head, the header and the body of the pages the page
cache cannot answer — a logged-in visitor, the first request after a purge, a listing filtered
in a way nobody asked for yet (issue 22, the lean render path).

`base.html` wraps those three parts in `{% fragment "name" %}`. For a request the page cache
could share (a GET tagged by its view: `cms.cache.tag`), a part is kept under the request's key
(host, language, path and query, as `cms.cache.page_key`) and the versions of the tags the
request carried when it was rendered — so it is stale at exactly the moment the page cache's copy
would be: a publish, a stock change, a review. All the parts of a request are read in one cache
read and checked in a second; a part's own tags are added to the request when it is used, so the
page cache keeps the whole page under them too.

The content of a tagged page is the same for every visitor — the rule the page cache already
rests on (nothing per visitor in such a page: cms/cache.py) — so a part rendered for one visitor
serves the others, logged in or not; the messages, outside the parts, are rendered every time. A
part is not kept when rendering it used a CSRF token or the messages.

On a miss the part is rendered as usual, after `prepare(page, request)`: what the page class
says rendering its parts needs (`render_select_related`, `render_prefetch_related`, and template
variables from `render_context(request)`) is loaded then, and only then — a page whose parts are
all kept never loads its gallery, variants or producer. `cms.routing` fetches the page without
them.
"""

import hashlib
import logging
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db.models import prefetch_related_objects
from django.urls import get_script_prefix
from django.utils.safestring import mark_safe

from . import cache

logger = logging.getLogger(__name__)

PREFIX = "pc:frag:"
NAMES = ("head", "header", "content")  # read together: one cache read per request


def _templates_version() -> str:
    """A hash of every template of the project's apps: a deploy that changes one starts new keys."""
    digest = hashlib.sha1()
    root = Path(settings.BASE_DIR)
    for config in apps.get_app_configs():
        folder = Path(config.path) / "templates"
        if not folder.is_dir() or root not in folder.parents:
            continue
        for path in sorted(folder.rglob("*.html")):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


_VERSION: str | None = None


def _version() -> str:
    global _VERSION
    if _VERSION is None:
        _VERSION = _templates_version()
    return _VERSION


def _store():
    return caches[settings.PAGE_CACHE_ALIAS]


def available() -> bool:
    """Parts can be kept: they are on, with the page cache, in a cache every process shares."""
    return getattr(settings, "FRAGMENT_CACHE_SECONDS", 0) > 0 and cache.enabled() and cache.shared()


def enabled(request) -> bool:
    """Parts are kept for a GET the page cache could share."""
    return (
        request is not None
        and request.method in ("GET", "HEAD")
        and getattr(request, "page_cache_tags", None) is not None
        and not request.path.startswith(cache.PRIVATE_PREFIXES)
        and not getattr(request, "is_preview", False)
        and available()
    )


def _key(request, name: str) -> str:
    raw = f"{cache.page_key(request)}|{get_script_prefix()}|{_version()}|{name}"
    return PREFIX + hashlib.sha1(raw.encode("utf-8", "surrogateescape")).hexdigest()


def _kept(request) -> dict:
    """The request's parts that are still fresh, read once (two cache round trips)."""
    kept = getattr(request, "_fragments", None)
    if kept is not None:
        return kept
    kept = {}
    try:
        keys = {_key(request, name): name for name in NAMES}
        found = _store().get_many(list(keys))
        tags = sorted({t for entry in found.values() for t in entry["tags"]})
        current = cache.tag_versions(tags) if tags else {}
        for key, entry in found.items():
            if all(current.get(t) == v for t, v in entry["tags"].items()):
                kept[keys[key]] = entry
    except Exception:  # noqa: BLE001 - a cache outage means rendering
        logger.exception("Could not read the page's kept parts")
        kept = {}
    request._fragments = kept
    return kept


def prepare(page, request) -> dict:
    """Load what rendering the page's parts needs, once per request: the related rows and
    prefetches its class names, and the template variables of its `render_context(request)`."""
    if page is None:
        return {}
    done = getattr(page, "_render_context", None)
    if done is not None:
        return done
    model = type(page)
    loaded = getattr(page, "_render_loaded", False)  # by cms.routing, with the page
    related = () if loaded else getattr(model, "render_select_related", ())
    if related and page.pk:
        full = model.objects.select_related(*related).filter(pk=page.pk).order_by().first()
        if full is not None:
            for name in {r.split("__")[0] for r in related}:
                field = model._meta.get_field(name)
                if field.is_cached(full):
                    field.set_cached_value(page, field.get_cached_value(full))
    prefetch = None if loaded else getattr(model, "render_prefetch_related", None)
    if prefetch and page.pk:
        prefetch_related_objects([page], *(prefetch() if callable(prefetch) else prefetch))
    extra = getattr(page, "render_context", None)
    page._render_loaded = True
    page._render_context = done = extra(request) if extra else {}
    return done


def _add_page_variables(context, values: dict) -> None:
    """The page's render variables join the layer its own `get_context` made (where "page"
    is), so they stay for the rest of the template like the page's other variables."""
    if not values:
        return
    for layer in reversed(context.dicts):
        if "page" in layer:
            layer.update(values)
            return
    context.dicts[-1].update(values)


def _watch(request) -> tuple:
    """What would make a part unfit to share: a CSRF token or the messages used."""
    storage = getattr(request, "_messages", None)
    return (
        bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE")),
        bool(storage is not None and storage.used),
    )


def render(request, name: str, page, context, render_nodes) -> str:
    """The part `name` of this request's page: kept, or rendered (and kept when it may be)."""
    use = enabled(request)
    if use:
        entry = _kept(request).get(name)
        if entry is not None:
            cache.tag(request, *entry["tags"])
            request.fragment_hits = getattr(request, "fragment_hits", 0) + 1
            return mark_safe(entry["html"])
    before = _watch(request) if use else None
    if use:
        # The versions of what the request shows so far, read before rendering: a purge while
        # this part renders leaves the kept copy stale, not fresh under the new version.
        try:
            known = cache.tag_versions(sorted(request.page_cache_tags | {"site"}), create=True)
        except Exception:  # noqa: BLE001
            logger.exception("Could not read tag versions for a page part")
            use = False
    _add_page_variables(context, prepare(page, request))
    html = render_nodes(context)
    if use and before == (False, False) and _watch(request) == before:
        try:
            added = sorted(request.page_cache_tags - set(known))
            versions = {**cache.tag_versions(added, create=True), **known} if added else known
            _store().set(
                _key(request, name),
                {"html": str(html), "tags": versions},
                timeout=settings.FRAGMENT_CACHE_SECONDS,
            )
        except Exception:  # noqa: BLE001
            logger.exception("Could not keep a page part")
    return html
