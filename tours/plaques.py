"""QR plaques for a virtual tour: one printable plaque per scene, each opening the tour at
that scene (``?scene=<key>``), to stand at the very spot in the village where it was taken."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from cms.cache import tag
from cms.visibility import is_public
from products.qr import qr_svg

from .models import VirtualTourPage
from .viewer import shown_scenes

PER_PAGE = 4  # A6 plaques, 2 × 2 on an A4 sheet


@dataclass
class Plaque:
    number: int
    key: str
    title: str
    url: str
    qr: str


def scene_url(page: VirtualTourPage, key: str, request=None) -> str:
    base = page.get_full_url(request) if request is None else request.build_absolute_uri(page.url)
    return f"{base}?scene={key}"


def plaques(page: VirtualTourPage, request=None) -> list[Plaque]:
    result = []
    for number, scene in enumerate(shown_scenes(page.scenes.all()), start=1):
        url = scene_url(page, scene.key, request)
        result.append(Plaque(number, scene.key, scene.title, url, qr_svg(url, scale=5)))
    return result


def sheets(items: list[Plaque]) -> list[list[Plaque]]:
    return [items[i : i + PER_PAGE] for i in range(0, len(items), PER_PAGE)]


@require_safe
def plaque_sheet(request, page_id: int):
    page = get_object_or_404(VirtualTourPage.objects.live(), pk=page_id)
    if not is_public(page):
        raise Http404
    tag(request, "tours")
    site = page.get_parent().specific
    return render(
        request,
        "tours/plaques.html",
        {"page": page, "site_page": site, "sheets": sheets(plaques(page, request))},
    )
