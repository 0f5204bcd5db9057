"""Public traceability pages (one per production batch, with a QR code of its own URL) and the
NTM open-data files."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from cms import datacache
from cms.visibility import public

from . import opendata
from .models import ProductPage, TraceabilityBatch
from .qr import qr_svg


def _public_batch(code):
    return get_object_or_404(
        TraceabilityBatch.objects.select_related(
            "product__producer__commune", "product__origin_commune", "product__category"
        ).prefetch_related("certifications"),
        code=code,
        product__in=public(ProductPage),
    )


def batch_detail(request, code):
    batch = _public_batch(code)
    url = request.build_absolute_uri(batch.get_absolute_url())
    return render(
        request,
        "products/batch_detail.html",
        {"batch": batch, "product": batch.product, "page_url": url, "qr": qr_svg(url, title=url)},
    )


@cache_control(public=True, max_age=86400)
def batch_qr(request, code):
    batch = _public_batch(code)
    url = request.build_absolute_uri(batch.get_absolute_url())
    svg = '<?xml version="1.0" encoding="utf-8"?>\n' + qr_svg(url, scale=8).replace(
        "<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1
    )
    return HttpResponse(svg, content_type="image/svg+xml")


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
