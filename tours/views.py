"""Thin views: the map page and the open-data endpoints (with HTTP caching)."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from cms import datacache
from cms import opendata as registry
from cms.cache import tag

from . import mapdata, opendata


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
