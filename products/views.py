"""Public traceability pages: one per published batch (its stages as a timeline), its QR code,
the GS1 Digital Link resolver (`/01/<gtin>[/10/<lot>]`, products.trace), and the NTM open-data
files."""

import json

from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from cms import datacache
from cms.language import english_ui, localized

from . import opendata
from .gs1 import is_valid_gtin
from .qr import qr_svg
from .trace import (
    LINK_TYPES,
    LINKSET_TYPES,
    batch_url,
    linkset,
    public_batches,
    published_revisions,
    schema_org,
)
from .trace import resolve as resolve_link
from .trace_blocks import STAGE_KINDS


def _public_batch(code):
    return get_object_or_404(
        public_batches()
        .select_related(
            "product__producer__commune", "product__origin_commune", "product__category"
        )
        .prefetch_related("certifications"),
        code=code,
    )


STAGE_LABELS = dict(STAGE_KINDS)


def _timeline(batch):
    """The stages, oldest first, each with its photos and GPS point (if any)."""
    stages = []
    for block in batch.stages:
        value = block.value
        point = None
        if value.get("latitude") is not None and value.get("longitude") is not None:
            point = (float(value["latitude"]), float(value["longitude"]))
        english = english_ui()
        description, place = value.get("description") or "", value.get("place") or ""
        description_en, place_en = value.get("description_en"), value.get("place_en")
        stages.append(
            {
                "value": value,
                "kind_label": STAGE_LABELS.get(value["kind"], ""),
                "point": point,
                # the visitor's language; the Vietnamese (marked) while no English is written
                "description": localized(description, description_en),
                "description_vi": english and bool(description.strip()) and not description_en,
                "place": localized(place, place_en),
                "place_vi": english and bool(place.strip()) and not place_en,
            }
        )
    stages.sort(key=lambda s: s["value"]["started_on"])
    return stages


@require_safe
def batch_detail(request, code):
    batch = _public_batch(code)
    url = batch_url(request, batch)
    stages = _timeline(batch)
    points = [(*s["point"], s["place"] or batch.product.t.title) for s in stages if s["point"]]
    return render(
        request,
        "products/batch_detail.html",
        {
            "batch": batch,
            "product": batch.product,
            "page_url": url,
            "qr": qr_svg(url, title=url),
            "stages": stages,
            "points": points,
            "amendments": published_revisions(batch)[1:],
            "today": timezone.localdate(),
            "schema": schema_org(batch.product, batch, request.build_absolute_uri),
        },
    )


@require_safe
@cache_control(public=True, max_age=86400)
def batch_qr(request, code):
    batch = _public_batch(code)
    svg = '<?xml version="1.0" encoding="utf-8"?>\n' + qr_svg(
        batch_url(request, batch), scale=8
    ).replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
    return HttpResponse(svg, content_type="image/svg+xml")


@require_safe
def digital_link(request, gtin, lot=None):
    """GS1 Digital Link resolver: a scan of `/01/<gtin>/10/<lot>` opens the batch's page, of
    `/01/<gtin>` the product's; `?linkType=` picks another link (gs1:pip, gs1:traceability,
    gs1:certificationInfo, gs1:hasRetailers), `linkType=linkset` (or an Accept of
    application/linkset+json) lists them all. An unknown link type opens the default link, as
    the GS1 resolver standard asks."""
    if not is_valid_gtin(gtin):
        return HttpResponseBadRequest(
            _("Mã GTIN không hợp lệ: cần 8, 12, 13 hoặc 14 chữ số và chữ số kiểm tra đúng."),
            content_type="text/plain; charset=utf-8",
        )
    resolution = resolve_link(gtin, lot)
    if resolution is None:
        raise Http404(_("Không tìm thấy sản phẩm hoặc lô này."))
    link_type = request.GET.get("linkType", "")
    wants_linkset = link_type in LINKSET_TYPES or "application/linkset+json" in request.headers.get(
        "Accept", ""
    )
    linkset_url = request.build_absolute_uri(f"{request.path}?linkType=linkset")
    if wants_linkset:
        body = linkset(
            resolution, request.build_absolute_uri(request.path), request.build_absolute_uri
        )
        response = HttpResponse(
            json.dumps(body, ensure_ascii=False), content_type="application/linkset+json"
        )
    else:
        if link_type.startswith("https://gs1.org/voc/"):
            link_type = "gs1:" + link_type.removeprefix("https://gs1.org/voc/")
        if link_type not in LINK_TYPES or link_type not in resolution.links:
            link_type = resolution.default
        target = resolution.links[link_type]
        query = request.GET.copy()
        query.pop("linkType", None)
        if query:  # other query parameters pass through to the target (GS1 DL 1.4, 6.6)
            base, _sep, fragment = target.partition("#")
            target = f"{base}?{query.urlencode()}" + (f"#{fragment}" if fragment else "")
        response = HttpResponseRedirect(target)
        response.status_code = 307
    response["Link"] = f'<{linkset_url}>; rel="linkset"; type="application/linkset+json"'
    response["Vary"] = "Accept"
    response["Cache-Control"] = "public, max-age=300"
    return response


NTM_FILES = {
    "ntm-communes.csv": (opendata.ntm_csv, "text/csv; charset=utf-8; header=present"),
    "ntm-communes.geojson": (opendata.ntm_geojson, "application/geo+json; charset=utf-8"),
}


@require_safe
def ntm_dataset(request, name: str):
    """/open-data/ntm-communes.csv|.geojson, built once per NTM and page version."""
    build, content_type = NTM_FILES[name]
    return datacache.serve_file(
        request, name, build, content_type, opendata.ntm_modified, extra=opendata.ntm_version()
    )
