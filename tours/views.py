"""Thin views: the map page and the open-data endpoints (with HTTP caching)."""

from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from cms import datacache
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
    """An open-data file, built once per data version (cms/datacache.py): a conditional GET is
    answered from the stored ETag and Last-Modified, a plain one from the stored body."""
    meta = opendata.DATASETS[name]

    def build():
        body = meta["build"](request).encode("utf-8")
        modified = opendata.last_modified(*meta["models"])
        return body, {"last_modified": int(modified.timestamp()) if modified else None}

    response = datacache.respond(
        request,
        datacache.document_key(name, request),
        build,
        meta["content_type"],
        {"Content-Disposition": f'inline; filename="{name}"'},
    )
    if response.status_code == 304:
        del response["Content-Disposition"]
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response
