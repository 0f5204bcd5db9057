"""Public traceability pages: one per production batch, with a QR code of its own URL."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_control

from cms.visibility import public

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
