"""Thin views: the map page, the embeds (map, virtual tour) and the open-data endpoints (with
HTTP caching)."""

import json

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.http import require_safe

from cms import datacache
from cms import opendata as registry
from cms.cache import tag
from cms.visibility import public

from . import mapdata, ogc, opendata, tilerelay
from .models import VirtualTourPage
from .viewer import tour_context


def _map_context(request, embed: bool = False) -> dict:
    result = mapdata.map_features(request.GET, request)
    table_only = request.GET.get("view") == "table"
    return {
        "result": result,
        "table_only": table_only and not embed,
        "embed": embed,
        "query": result.filters.query(),
        "layer_choices": mapdata.layer_choices(),
        "kind_choices": mapdata.kind_choices(),
        "group_choices": mapdata.group_choices(),
        "star_choices": mapdata.star_choices(),
        "ntm_legend": mapdata.ntm_legend(),
        "map_data": mapdata.map_json(result),
    }


@require_safe
def map_tile(request, z: int, x: int, y: int):
    """One map tile through the site (tours/tilerelay.py); 204 when the tile server is out of
    reach, so the map's offline background takes over without an error in the console."""
    if not tilerelay.enabled() or not tilerelay.valid(z, x, y):
        raise Http404
    data = tilerelay.tile(z, x, y)
    if data is None:
        response = HttpResponse(status=204)
        add_never_cache_headers(response)
        return response
    response = HttpResponse(data, content_type="image/png")
    patch_cache_control(response, public=True, max_age=tilerelay.TILE_SECONDS)
    return response


@require_safe
def map_page(request):
    """The map with its layers and filters (a GET form), and the same features as tables;
    `?view=table` is the table alone (no map script at all)."""
    tag(request, "map")
    return render(request, "tours/map_page.html", _map_context(request))


@require_safe
@registry.embeddable
def embed_map(request):
    """The map without the site's chrome, for other sites' iframes (cms.opendata.embeddable:
    only EMBED_ALLOWED_ORIGINS may frame it)."""
    tag(request, "map")
    return render(request, "tours/embed_map.html", _map_context(request, embed=True))


@require_safe
@registry.embeddable
def embed_tour(request, page_id: int):
    """A public virtual tour without the site's chrome (same viewer, scenes and accessible
    list as its page)."""
    tour = get_object_or_404(
        public(VirtualTourPage).prefetch_related(*VirtualTourPage.render_prefetch_related()),
        pk=page_id,
    )
    tag(request, f"page:{tour.pk}", "tours")
    context = {"page": tour, "self": tour, "request": request, **tour_context(tour, request)}
    return render(request, "tours/embed_tour.html", context)


@require_safe
def open_data_index(request):
    """The human page, listed from the same registry as the DCAT catalogue."""
    tag(request, "map")
    return render(
        request,
        "tours/open_data.html",
        {
            "datasets": registry.page_entries(),
            "embeds": registry.all_embeds(),
            "licence_name": registry.LICENCE_NAME,
            "licence_url": registry.LICENCE_URL,
        },
    )


@require_safe
def dataset(request, name: str):
    """An open-data file, built once per data version (cms/datacache.py): a conditional GET is
    answered from the stored ETag and Last-Modified, a plain one from the stored body."""
    meta = opendata.DATASETS[name]
    return datacache.serve_file(
        request,
        name,
        lambda request: meta["build"](request),
        meta["content_type"],
        lambda: opendata.last_modified(*meta["models"]),
    )


def _ogc_view(build, media_type: str = ogc.JSON):
    """An OGC API – Features endpoint: `build(request, **kwargs)` → a dict (tours/ogc.py),
    answered as JSON; an OgcError becomes its OGC exception body (400/404, never cached)."""

    @require_safe
    def view(request, **kwargs):
        try:
            body, status, content_type = build(request, **kwargs), 200, media_type
        except ogc.OgcError as error:
            body, status, content_type = error.body(), error.status, ogc.JSON
        response = HttpResponse(
            json.dumps(body, ensure_ascii=False), status=status, content_type=content_type
        )
        response["Access-Control-Allow-Origin"] = "*"
        if status == 200:
            patch_cache_control(response, public=True, max_age=datacache.FILE_CACHE_SECONDS)
        else:
            add_never_cache_headers(response)
        return response

    return view


ogc_landing = _ogc_view(ogc.landing)
ogc_conformance = _ogc_view(ogc.conformance)
ogc_api = _ogc_view(ogc.openapi, ogc.OPENAPI)
ogc_collections = _ogc_view(ogc.collections)
ogc_collection = _ogc_view(ogc.collection)
ogc_items = _ogc_view(ogc.items, ogc.GEOJSON)
ogc_item = _ogc_view(ogc.item, ogc.GEOJSON)
