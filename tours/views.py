"""Thin views: the map page and the open-data endpoints (with HTTP caching)."""

import json

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.http import require_safe

from cms import datacache
from cms import opendata as registry
from cms.cache import tag

from . import mapdata, ogc, opendata


@require_safe
def map_page(request):
    tag(request, "map")
    result = mapdata.map_features(request.GET, request)
    return render(
        request,
        "tours/map_page.html",
        {
            "result": result,
            "kind_choices": mapdata.kind_choices(),
            "group_choices": mapdata.group_choices(),
            "map_data": {
                **mapdata.tile_settings(),
                "type": "FeatureCollection",
                "features": result.features,
            },
        },
    )


@require_safe
def open_data_index(request):
    """The human page, listed from the same registry as the DCAT catalogue."""
    tag(request, "map")
    return render(
        request,
        "tours/open_data.html",
        {
            "datasets": registry.page_entries(),
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
