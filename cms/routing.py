"""Finding the page for a URL in two queries instead of two per path segment.

Wagtail routes `/a/b/c/` by walking the tree from the site's root: the root's specific row,
then for each segment one query for the child with that slug and one for its specific row —
eight queries for a product page before the page does any work. `serve` (the page URL pattern,
cms/urls.py) finds the page by its stored `url_path` instead: one query finds the page
(skipped when this process has seen the URL before: the remembered id is checked against the
row it fetches), one fetches its specific row with what its class says serving it needs
(`route_select_related`, `route_prefetch_related`). What only rendering its parts needs
(`render_select_related`, `render_prefetch_related`) is loaded when a part is rendered, not
when it is kept (cms/fragments.py), or with the page when parts are not kept. Then Wagtail's
own `serve` view runs as usual (hooks, view restrictions, `page.serve`). Like Wagtail's walk,
only the final page must be live; the page's own `route(request, [])` still decides.

A URL that is no page's path (a routable page's sub-path, a typo) falls back to Wagtail's walk,
so behaviour never changes — nothing in this project overrides `route()` below the root.
"""

from collections import OrderedDict
from threading import Lock

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from wagtail import views as wagtail_views
from wagtail.models import Page, PageViewRestriction

_SEEN: OrderedDict[str, tuple[int, int]] = OrderedDict()  # url_path → (page id, content type)
_SEEN_MAX = 20_000
_lock = Lock()


def _remember(url_path: str, value: tuple[int, int]) -> None:
    with _lock:
        _SEEN[url_path] = value
        _SEEN.move_to_end(url_path)
        while len(_SEEN) > _SEEN_MAX:
            _SEEN.popitem(last=False)


def _names(model, attribute: str) -> list:
    value = getattr(model, attribute, None) or ()
    return list(value() if callable(value) else value)


def _specific(pk: int, content_type_id: int, url_path: str):
    from . import fragments

    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
    except ContentType.DoesNotExist:  # remembered before the database was rebuilt
        _SEEN.pop(url_path, None)
        return None
    if model is None:
        return None
    queryset = model.objects.filter(pk=pk, url_path=url_path).order_by()  # one row: no sort
    related = _names(model, "route_select_related")
    prefetch = _names(model, "route_prefetch_related")
    # What only the page's kept parts need (cms/fragments.py) is loaded when one is rendered;
    # without kept parts, it comes with the page.
    full = not fragments.available()
    if full:
        related += _names(model, "render_select_related")
        prefetch += _names(model, "render_prefetch_related")
    if related:
        queryset = queryset.select_related(*related)
    if prefetch:
        queryset = queryset.prefetch_related(*prefetch)
    page = next(iter(queryset[:1]), None)
    if page is not None and full:
        page._render_loaded = True
    return page


def find_page(root: Page, path_components: list[str]):
    """The specific page at root + path, or None."""
    url_path = root.url_path + "/".join(path_components) + "/"
    seen = _SEEN.get(url_path)
    if seen is not None:
        page = _specific(*seen, url_path)
        if page is not None:
            return page
    row = (
        Page.objects.filter(
            slug=path_components[-1],
            depth=root.depth + len(path_components),
            url_path=url_path,
            path__startswith=root.path,
        )
        .values_list("pk", "content_type_id")
        .first()
    )
    if row is None:
        return None
    _remember(url_path, row)
    return _specific(*row, url_path)


def route_for_request(request, path: str):
    """What Wagtail's `Page.route_for_request` returns (a RouteResult or None), faster."""
    from .visibility import site_for

    if getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        return Page.route_for_request(request, path)  # translations: Wagtail's own walk
    site = site_for(request)  # from the shared cache when there is one
    if site is None:
        return None
    root = site.root_page
    components = [c for c in path.split("/") if c]
    try:
        if components:
            page = find_page(root, components)
        else:
            page = _specific(root.pk, root.content_type_id, root.url_path)
        if page is None:
            return Page.route_for_request(request, path)
        if not page.live:
            raise Http404
        return page.route(request, [])
    except Http404:
        return None


def serve(request, path):
    """Wagtail's page view, with the page found by `route_for_request` above."""
    if not hasattr(request, "_wagtail_route_for_request"):
        request._wagtail_route_for_request = route_for_request(request, path)
    return wagtail_views.serve(request, path)


def view_restrictions(page: Page, request=None):
    """The view restrictions on a page or its ancestors (an alias's: its source's) in one query,
    as an evaluated queryset — what Wagtail's `get_view_restrictions()` returns in two. None
    at all when the request's site knows there is no restriction anywhere (its restricted
    sections, cms/visibility.py, read from the shared cache: no query)."""
    from django.db.models import Q

    site = getattr(request, "_wagtail_site", None) if request is not None else None
    if site is not None and getattr(site, "_restricted_paths", None) == []:
        restrictions = PageViewRestriction.objects.none()
        len(restrictions)
        return restrictions

    step = page.steplen
    paths = [page.path[:i] for i in range(step, len(page.path) + 1, step)]
    aliased = Page.objects.filter(path__in=paths, alias_of__isnull=False).values("alias_of")
    restrictions = PageViewRestriction.objects.filter(Q(page__path__in=paths) | Q(page__in=aliased))
    len(restrictions)  # evaluate once: iteration, bool() and exists() reuse the result
    return restrictions
