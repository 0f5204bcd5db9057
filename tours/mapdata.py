"""What the map page shows: sites and producers as GeoJSON features, filtered by kind and group."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from products.models import OcopCategory

from . import opendata
from .models import TourSitePage

PRODUCER = "producer"
DEFAULT_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
DEFAULT_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)


def kind_choices() -> list[tuple[str, str]]:
    return [*TourSitePage.Kind.choices, (PRODUCER, _("Chủ thể OCOP"))]


def group_choices() -> list[tuple[str, str]]:
    return [
        (c.code, f"{c.code}. {c.display_name}") for c in OcopCategory.objects.filter(parent=None)
    ]


def tile_settings() -> dict:
    return {
        "tileUrl": getattr(settings, "MAP_TILE_URL", DEFAULT_TILE_URL),
        "attribution": getattr(settings, "MAP_ATTRIBUTION", DEFAULT_ATTRIBUTION),
    }


@dataclass
class MapResult:
    features: list[dict]
    kinds: list[str]
    group: str
    site_count: int
    producer_count: int


def map_features(params, request=None) -> MapResult:
    """Features for the map; ``kind`` (repeatable) and ``group`` come from the query string.
    Unknown values are ignored, so a stale link still shows a map."""
    valid_kinds = {k for k, _label in kind_choices()}
    kinds = [k for k in params.getlist("kind") if k in valid_kinds]
    group = params.get("group", "")
    if group not in {code for code, _label in group_choices()}:
        group = ""
    features = []
    site_kinds = [k for k in kinds if k != PRODUCER]
    if not kinds or site_kinds:
        sites = opendata.live_sites()
        if site_kinds:
            sites = sites.filter(kind__in=site_kinds)
        features += opendata.site_features(request, sites)
    if not kinds or PRODUCER in kinds:
        features += opendata.producer_features(request)
    if group:
        features = [f for f in features if group in f["properties"]["ocop_groups"]]
    return MapResult(
        features=features,
        kinds=kinds,
        group=group,
        site_count=sum(f["properties"]["type"] == "tourism_site" for f in features),
        producer_count=sum(f["properties"]["type"] == PRODUCER for f in features),
    )
