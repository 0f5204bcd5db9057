"""What the map shows (`/ban-do/`, `/embed/map/`): four layers of GeoJSON features and the filters
that pick them, the one place both the map (JSON for Leaflet) and its table view read from.

Layers (`layer=`, repeatable; none given = all):

- ``ntm`` — the latest NTM result of each commune (products.opendata), a point per commune,
  coloured by status (`NTM_STATUSES` is the legend); `status=` picks statuses.
- ``sites`` — live tourism sites, `kind=` picks site kinds.
- ``producers`` — live OCOP producers with coordinates.
- ``products`` — live products with a public traceability batch (products.trace's rule), at
  their producer's point or else their origin commune's.

`group=` (OCOP group I–VI) narrows sites, producers and products; `stars=` (3/4/5, repeatable,
exact like the catalogue's filter) narrows producers (one of their live products has it) and
products. Unknown values are ignored, so a stale link still shows a map; the old `kind=producer`
(before layers) still means the producers layer.

Every layer's features are sent with the page (so layer toggles work without a reload); the
table view lists the features of the active layers, exactly those the map draws.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, Max
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cms.visibility import public
from products.models import OcopCategory, ProductPage
from products.ntm import NtmStatus
from products.opendata import ILLUSTRATIVE_NOTE, latest_ntm_results
from products.reference import PROGRAMME_PROVINCE_CODE, Commune
from products.trace import public_batches

from . import opendata
from .models import TourSitePage

PRODUCER = "producer"  # the old `kind=` value for producers (before layers)
DEFAULT_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
DEFAULT_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)

NTM, SITES, PRODUCERS, PRODUCTS = "ntm", "sites", "producers", "products"
LAYERS = (NTM, SITES, PRODUCERS, PRODUCTS)
STARS = (3, 4, 5)


def layer_choices() -> list[tuple[str, str]]:
    return [
        (NTM, _("Kết quả nông thôn mới theo xã")),
        (SITES, _("Điểm du lịch nông thôn")),
        (PRODUCERS, _("Chủ thể OCOP")),
        (PRODUCTS, _("Sản phẩm có truy xuất nguồn gốc")),
    ]


# NTM statuses in order, with the level shown in the marker (colour is never the only cue)
# and the legend colour (white text on it is ≥ 4.5:1; tours.css uses the same colours).
NTM_STATUSES = [
    (NtmStatus.NOT_MET, 0, "#b42318"),
    (NtmStatus.STANDARD, 1, "#8a4b08"),
    (NtmStatus.ADVANCED, 2, "#175cd3"),
    (NtmStatus.MODEL, 3, "#5b2a86"),
]
NTM_LEVEL = {status.value: level for status, level, _colour in NTM_STATUSES}


def ntm_legend() -> list[dict]:
    return [
        {"status": status.value, "label": status.label, "level": level, "colour": colour}
        for status, level, colour in NTM_STATUSES
    ]


def kind_choices() -> list[tuple[str, str]]:
    """Tourism site kinds (the `kind=` filter of the sites layer)."""
    return list(TourSitePage.Kind.choices)


def group_choices() -> list[tuple[str, str]]:
    return [
        (c.code, f"{c.code}. {c.display_name}") for c in OcopCategory.objects.filter(parent=None)
    ]


def star_choices() -> list[tuple[int, str]]:
    return [(n, label) for n, label in ProductPage.STAR_CHOICES]


def tile_settings() -> dict:
    """Where Leaflet gets its tiles: the site's relay (tours/tilerelay.py), or the tile server
    itself when MAP_TILE_RELAY is off."""
    from . import tilerelay

    return {
        "tileUrl": tilerelay.PATH
        if tilerelay.enabled()
        else getattr(settings, "MAP_TILE_URL", DEFAULT_TILE_URL),
        "attribution": getattr(settings, "MAP_ATTRIBUTION", DEFAULT_ATTRIBUTION),
    }


# ----- filters --------------------------------------------------------------------------------


@dataclass
class MapFilters:
    layers: list[str]  # the active layers, in LAYERS order
    kinds: list[str] = field(default_factory=list)
    group: str = ""
    stars: list[int] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    focus: str = ""  # a feature id to centre on (embeds of one site)
    chosen_layers: list[str] = field(default_factory=list)  # as given (empty: all)

    def query(self, **extra) -> str:
        """The query string of these filters (for links to the table, the map, an embed)."""
        pairs = [("layer", layer) for layer in self.chosen_layers]
        pairs += [("kind", kind) for kind in self.kinds]
        if self.group:
            pairs.append(("group", self.group))
        pairs += [("stars", n) for n in self.stars]
        pairs += [("status", s) for s in self.statuses]
        if self.focus:
            pairs.append(("focus", self.focus))
        pairs += [(k, v) for k, v in extra.items() if v]
        return urlencode(pairs)


def parse_filters(params) -> MapFilters:
    site_kinds = {k for k, _label in kind_choices()}
    raw_kinds = params.getlist("kind")
    kinds = [k for k in dict.fromkeys(raw_kinds) if k in site_kinds]
    chosen = [layer for layer in LAYERS if layer in params.getlist("layer")]
    if chosen:
        layers = chosen
    elif raw_kinds and (kinds or PRODUCER in raw_kinds):
        # A link from before layers: kind=<site kinds> and/or kind=producer.
        layers = [layer for layer, on in ((SITES, kinds), (PRODUCERS, PRODUCER in raw_kinds)) if on]
        chosen = layers
    else:
        layers = list(LAYERS)
    group = params.get("group", "")
    if group not in {code for code, _label in group_choices()}:
        group = ""
    stars = sorted({int(s) for s in params.getlist("stars") if s in {str(n) for n in STARS}})
    valid_status = {s.value for s in NtmStatus}
    statuses = [s for s in dict.fromkeys(params.getlist("status")) if s in valid_status]
    focus = params.get("focus", "")[:40]
    return MapFilters(
        layers=layers,
        kinds=kinds,
        group=group,
        stars=stars,
        statuses=statuses,
        focus=focus,
        chosen_layers=chosen,
    )


# ----- features per layer ---------------------------------------------------------------------


def _point(latitude, longitude) -> dict | None:
    if latitude is None or longitude is None:
        return None
    return {"type": "Point", "coordinates": [round(longitude, 6), round(latitude, 6)]}


def ntm_features(filters: MapFilters) -> list[dict]:
    """One point per commune with an NTM result (its newest year) and register coordinates."""
    features = []
    for result in latest_ntm_results():
        if filters.statuses and result.status not in filters.statuses:
            continue
        commune = result.commune
        geometry = _point(commune.latitude, commune.longitude)
        if geometry is None:
            continue  # no point to draw; the open-data files still list it
        features.append(
            {
                "type": "Feature",
                "id": f"ntm-{commune.code}",
                "geometry": geometry,
                "properties": {
                    "type": "ntm_result",
                    "layer": NTM,
                    "name": str(commune),
                    "commune": str(commune),
                    "commune_code": commune.code,
                    "legacy_commune": result.legacy_commune,
                    "legacy_label": result.legacy_label(),
                    "status": result.status,
                    "status_label": str(result.get_status_display()),
                    "level": NTM_LEVEL[result.status],
                    "model_field": result.model_field,
                    "year": result.year,
                    "decision_number": result.decision_number,
                    "decision_date": (
                        result.decision_date.isoformat() if result.decision_date else None
                    ),
                    "decision_date_label": (
                        result.decision_date.strftime("%d/%m/%Y") if result.decision_date else ""
                    ),
                    "illustrative": result.illustrative,
                    "note": str(ILLUSTRATIVE_NOTE) if result.illustrative else "",
                },
            }
        )
    return features


def product_offers() -> dict[int, list[tuple[str, int | None]]]:
    """(OCOP group, stars) of each producer's live products."""
    offers: dict[int, list[tuple[str, int | None]]] = defaultdict(list)
    rows = public(ProductPage).values_list(
        "producer_id", "category__code", "category__parent__code", "ocop_stars"
    )
    for producer_id, code, parent_code, stars in rows:
        if producer_id:
            offers[producer_id].append((parent_code or code, stars))
    return offers


def _offer_matches(group: str | None, stars: int | None, filters: MapFilters) -> bool:
    return (not filters.group or group == filters.group) and (
        not filters.stars or stars in filters.stars
    )


def _with_commune_kind(features: list[dict]) -> list[dict]:
    """The kind of each feature's commune (xã, phường), for the table's "of the same name"."""
    codes = {f["properties"].get("commune_code") for f in features} - {None, ""}
    kinds = dict(Commune.objects.filter(code__in=codes).values_list("code", "kind"))
    for feature in features:
        feature["properties"]["commune_kind"] = kinds.get(feature["properties"].get("commune_code"))
    return features


def site_features(filters: MapFilters, request=None) -> list[dict]:
    sites = opendata.live_sites()
    if filters.kinds:
        sites = sites.filter(kind__in=filters.kinds)
    features = opendata.site_features(request, sites)
    for feature in features:
        feature["properties"]["layer"] = SITES
    if filters.group:
        features = [f for f in features if filters.group in f["properties"]["ocop_groups"]]
    return _with_commune_kind(features)


def producer_features(filters: MapFilters, request=None) -> list[dict]:
    offers = product_offers()
    features = []
    for feature in opendata.producer_features(request):
        producer_id = int(feature["id"].removeprefix("producer-"))
        mine = offers.get(producer_id, [])
        if (filters.group or filters.stars) and not any(
            _offer_matches(g, s, filters) for g, s in mine
        ):
            continue
        stars = sorted({s for _g, s in mine if s}, reverse=True)
        feature["properties"].update(
            layer=PRODUCERS, ocop_stars=stars, best_stars=stars[0] if stars else None
        )
        features.append(feature)
    return _with_commune_kind(features)


def product_features(filters: MapFilters, request=None) -> list[dict]:
    """Live products with a public traceability batch (products.trace.public_batches), each
    linking to its newest public batch page."""
    batches = (
        public_batches()
        .values("product_id")
        .annotate(n=Count("pk"), newest=Max("produced_on"))
        .order_by()
    )
    by_product = {row["product_id"]: row for row in batches}
    newest_codes = {}
    for product_id, code in (
        public_batches()
        .filter(product_id__in=by_product)
        .order_by("product_id", "-produced_on", "-pk")
        .values_list("product_id", "code")
    ):
        newest_codes.setdefault(product_id, code)
    products = (
        public(ProductPage)
        .filter(pk__in=by_product)
        .select_related("category__parent", "producer__commune", "origin_commune")
        .order_by("title")
    )
    features = []
    for product in products:
        group = product.category.group.code
        if not _offer_matches(group, product.ocop_stars, filters):
            continue
        producer = product.producer
        geometry = None
        if producer is not None:
            geometry = _point(producer.latitude, producer.longitude)
        commune = product.origin_commune or (producer.commune if producer else None)
        if geometry is None and commune is not None:
            geometry = _point(commune.latitude, commune.longitude)
        if geometry is None:
            continue
        code = newest_codes.get(product.pk)
        features.append(
            {
                "type": "Feature",
                "id": f"product-{product.pk}",
                "geometry": geometry,
                "properties": {
                    "type": "traceable_product",
                    "layer": PRODUCTS,
                    "name": product.title,
                    "name_en": product.name_en,
                    "kind_label": str(product.category.display_name),
                    "commune": str(commune) if commune else None,
                    "producer": producer.t.title if producer else "",
                    "producer_commune": (
                        str(producer.commune) if producer and producer.commune else None
                    ),
                    "ocop_groups": [group],
                    "ocop_stars": [product.ocop_stars] if product.ocop_stars else [],
                    "best_stars": product.ocop_stars,
                    "batches": by_product[product.pk]["n"],
                    "url": product.get_full_url(request) or "",
                    "trace_url": _trace_url(code, request),
                },
            }
        )
    # The table lists them under their producer (each producer and its commune said once).
    features.sort(key=lambda f: (f["properties"]["producer"].casefold(), f["properties"]["name"]))
    return features


def _trace_url(code: str | None, request=None) -> str:
    if not code:
        return ""
    path = reverse("products:batch", kwargs={"code": code})
    return request.build_absolute_uri(path) if request else path


def commune_labels(features: list[dict]) -> list[list]:
    """[name, lat, lon, shown at every zoom] for the programme province's communes: the offline
    background's labels (communes with a feature are shown from the first zoom level)."""
    with_features = {f["properties"].get("commune_code") for f in features}
    rows = (
        Commune.objects.filter(province__code=PROGRAMME_PROVINCE_CODE)
        .exclude(latitude=None)
        .exclude(longitude=None)
        .order_by("name")
        .values_list("code", "name", "latitude", "longitude")
    )
    return [
        [name, round(lat, 4), round(lon, 4), 1 if code in with_features else 0]
        for code, name, lat, lon in rows
    ]


# ----- the result -----------------------------------------------------------------------------


@dataclass
class Layer:
    id: str
    label: str
    features: list[dict]
    active: bool

    @property
    def count(self) -> int:
        return len(self.features)


@dataclass
class MapResult:
    filters: MapFilters
    layers: list[Layer]

    @property
    def features(self) -> list[dict]:
        """The features the map draws: those of the active layers."""
        return [f for layer in self.layers if layer.active for f in layer.features]

    @property
    def all_features(self) -> list[dict]:
        return [f for layer in self.layers for f in layer.features]

    def layer(self, layer_id: str) -> Layer:
        return next(layer for layer in self.layers if layer.id == layer_id)

    # The template's counts (kept for the sentence above the map).
    @property
    def site_count(self) -> int:
        return self.layer(SITES).count if self.layer(SITES).active else 0

    @property
    def producer_count(self) -> int:
        return self.layer(PRODUCERS).count if self.layer(PRODUCERS).active else 0


BUILDERS = {
    NTM: lambda filters, request: ntm_features(filters),
    SITES: site_features,
    PRODUCERS: producer_features,
    PRODUCTS: product_features,
}


def map_features(params, request=None) -> MapResult:
    """Every layer's features under the filters in *params* (a QueryDict)."""
    filters = parse_filters(params)
    layers = [
        Layer(
            id=layer_id,
            label=label,
            features=BUILDERS[layer_id](filters, request),
            active=layer_id in filters.layers,
        )
        for layer_id, label in layer_choices()
    ]
    return MapResult(filters=filters, layers=layers)


def map_json(result: MapResult) -> dict:
    """What map.js reads (json_script): tiles, active layers, every layer's features, the NTM
    legend and the offline background's commune labels."""
    return {
        **tile_settings(),
        "type": "FeatureCollection",
        "layers": result.filters.layers,
        "focus": result.filters.focus,
        "features": result.all_features,
        "legend": {row["status"]: row["colour"] for row in ntm_legend()},
        "communes": commune_labels(result.all_features),
    }
