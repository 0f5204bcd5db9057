"""Thin views: the map page and the open-data endpoints (with HTTP caching)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from cms.cache import tag

from . import mapdata, opendata

CACHE_SECONDS = 300


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
    tag(request, "map")
    datasets = [{"name": name, **meta} for name, meta in opendata.DATASETS.items()]
    return render(
        request,
        "tours/open_data.html",
        {
            "datasets": datasets,
            "licence_name": opendata.LICENCE_NAME,
            "licence_url": opendata.LICENCE_URL,
        },
    )


@require_safe
def dataset(request, name: str):
    meta = opendata.DATASETS[name]
    body = meta["build"](request)
    etag = opendata.etag_for(body)
    modified = opendata.last_modified(*meta["models"])
    last_modified = int(modified.timestamp()) if modified else None
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        response = HttpResponse(body, content_type=meta["content_type"])
        response["Content-Disposition"] = f'inline; filename="{name}"'
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response
