"""Thin views over the search service: the JSON API and the server-rendered search page."""

import dataclasses

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from cms import cache, throttle
from cms.language import english_path, english_ui

from . import registry, service
from .query import MAX_PAGE, SearchParamError


def _json(data: dict, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def localize_hits(result):
    """On an English page: a copy of the result whose hits have their English title and
    summary, when they have them, and URLs under /en/ (the index stores Vietnamese and
    unprefixed URLs). Answers are cached per process: never change the one given."""
    if result is None or not english_ui() or not result.hits:
        return result
    english = {}
    for doc_type in {hit.type for hit in result.hits}:
        document = registry.get_document(doc_type)
        if document is not None:
            ids = [hit.id for hit in result.hits if hit.type == doc_type]
            for pk, texts in document.translations(ids).items():
                english[(doc_type, pk)] = texts
    hits = []
    for hit in result.hits:
        found = english.get((hit.type, hit.id)) or {}
        changes = {"url": english_path(hit.url) if hit.url.startswith("/") else hit.url}
        if found.get("title"):
            changes.update(title=found["title"], title_html="")
        if found.get("snippet"):
            changes["snippet"] = escape(found["snippet"])
        hits.append(dataclasses.replace(hit, **changes))
    return dataclasses.replace(result, hits=hits)


@require_GET
def api_search(request):
    wait = throttle.hit(request, "search_api")
    if wait:
        return throttle.throttled(request, wait, json=True)
    try:
        result = service.search(request.GET)
    except SearchParamError as error:
        return _json({"error": error.message, "param": error.param}, status=400)
    return _json(localize_hits(result).to_json())


@require_GET
def api_suggest(request):
    wait = throttle.hit(request, "search_suggest")
    if wait:
        return throttle.throttled(request, wait, json=True)
    q = request.GET.get("q", "")
    if len(q) > 100:
        return _json({"error": _("Từ khoá quá dài (tối đa 100 ký tự)."), "param": "q"}, 400)
    suggestions = service.suggest(q)
    if english_ui():  # links under /en/ (copies: answers are cached per process)
        suggestions = [
            {**s, "url": english_path(s["url"])} if str(s.get("url", "")).startswith("/") else s
            for s in suggestions
        ]
    return _json({"suggestions": suggestions})


def _querystring(params, **changes) -> str:
    query = params.copy()
    query.pop("page", None)
    for name, value in changes.items():
        if value is None:
            query.pop(name, None)
        elif isinstance(value, list):
            query.setlist(name, value)
        else:
            query[name] = value
    return "?" + query.urlencode() if query else "?"


def _toggle_list(params, name: str, value: str) -> str:
    current = [v for item in params.getlist(name) for v in item.split(",") if v]
    if value in current:
        current.remove(value)
    else:
        current.append(value)
    return _querystring(params, **{name: current or None})


def facet_links(params, facets: dict) -> dict:
    """Each facet entry gets the URL that toggles it (the page works without JavaScript)."""
    linked = {}
    for name, entries in facets.items():
        out = []
        for entry in entries:
            entry = dict(entry)
            value = str(entry["value"])
            if name == "price":
                if entry["selected"]:
                    entry["url"] = _querystring(params, price_min=None, price_max=None)
                else:
                    entry["url"] = _querystring(
                        params,
                        price_min=str(entry["min"]) if entry["min"] is not None else None,
                        price_max=str(entry["max"]) if entry["max"] is not None else None,
                    )
            elif name == "in_stock":
                entry["url"] = _querystring(params, in_stock=None if entry["selected"] else "1")
            elif name == "commune":
                entry["url"] = _querystring(params, commune=None if entry["selected"] else [value])
            else:
                entry["url"] = _toggle_list(params, name, value)
            out.append(entry)
        linked[name] = out
    return linked


FACET_TITLES = {
    "type": gettext_lazy("Loại"),
    "category": gettext_lazy("Nhóm OCOP"),
    "stars": gettext_lazy("Hạng sao"),
    "commune": gettext_lazy("Xã/phường"),
    "price": gettext_lazy("Khoảng giá"),
    "in_stock": gettext_lazy("Tình trạng"),
}


SORT_LABELS = {
    "": gettext_lazy("Liên quan nhất"),
    "rating": gettext_lazy("Đánh giá cao"),
    "price": gettext_lazy("Giá tăng dần"),
    "-price": gettext_lazy("Giá giảm dần"),
}


def sort_links(params, current: str) -> list[dict]:
    """The result orders as links (no JavaScript needed); the current one is marked."""
    return [
        {
            "label": label,
            "url": _querystring(params, sort=value or None),
            "selected": value == current,
        }
        for value, label in SORT_LABELS.items()
    ]


def hit_cards(hits, request) -> list[tuple]:
    """(hit, card HTML or "") in order: each document type renders its own cards (products:
    the catalogue's card), the others get the page's plain hit."""
    from .registry import get_document

    cards = {}
    for doc_type in {hit.type for hit in hits}:
        document = get_document(doc_type)
        if document is not None:
            ids = [hit.id for hit in hits if hit.type == doc_type]
            cards[doc_type] = document.cards(ids, request)
    out = []
    for hit in hits:
        card = cards.get(hit.type, {}).get(hit.id, "")
        if card and hit.snippet and card.rstrip().endswith("</li>"):
            # The cached card is the same for every query; what this query matched (whole
            # words marked, escaped by the highlighter) goes at its end.
            card = mark_safe(
                card.rstrip()[: -len("</li>")] + f'<p class="hit-snippet">{hit.snippet}</p></li>'
            )
        out.append((hit, card))
    return out


def search_page(request):
    cache.tag(request, "search", "products")
    error = None
    result = None
    try:
        result = localize_hits(service.search(request.GET))
    except SearchParamError as exc:
        error = exc.message
    context = {"q": request.GET.get("q", ""), "error": error, "result": result}
    if result is not None:
        context["hits"] = hit_cards(result.hits, request)
        context["active_filters"] = sum(
            1 for name in request.GET if name not in ("q", "page", "sort") and request.GET[name]
        )
        facets = facet_links(request.GET, result.facets)
        context["facet_groups"] = [
            (name, FACET_TITLES[name], facets[name]) for name in FACET_TITLES if facets[name]
        ]
        context["sort_links"] = sort_links(request.GET, result.query.sort)
        page = result.query.page
        if page > 1:
            context["prev_url"] = _querystring(request.GET) + f"&page={page - 1}"
        if page < min(result.num_pages, MAX_PAGE):
            context["next_url"] = _querystring(request.GET) + f"&page={page + 1}"
        context["clear_url"] = _querystring(request.GET.__class__(""), q=context["q"] or None)
    return render(request, "search/search_page.html", context, status=400 if error else 200)
