"""The open-data registry and its DCAT catalogue (issue 17, part 3).

`cms` knows no product, producer, site or NTM field: each app describes its datasets with a
`Dataset` and calls `register()` from its `AppConfig.ready()` (products: producers, products,
ntm-communes; tours: tourism-sites, tours). `all_datasets()` is what the catalogue
(`/open-data/catalog.jsonld`, `catalog()` here) and the human page `/open-data/` list, so both
always name the same datasets, titles, descriptions, files and licence.

Titles, descriptions and keywords are lazy gettext strings (source Vietnamese): the page shows
the active language; the catalogue gives both, language-tagged (`@language` vi / en).

Embeds (issue 17, part 5) are registry-side pieces too: `embeddable` lets a view's pages be
framed by the origins in `EMBED_ALLOWED_ORIGINS` (django-csp's per-response `frame-ancestors`
replacement; every other page keeps `frame-ancestors 'none'` and X-Frame-Options DENY),
`register_embed()` lists an embeddable page on /open-data/, and `iframe_snippet()` is the
copy-paste `<iframe>` shown to portal editors. The embedded views belong to their apps
(tours: the map and the virtual tours).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps

from csp.decorators import csp_replace
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.clickjacking import xframe_options_exempt

LICENCE_NAME = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
PUBLISHER_NAME = "Chương trình OCOP & Du lịch nông thôn Hà Nội"
PUBLISHER_NAME_EN = "Hà Nội OCOP & Rural Tourism Programme"
# Hà Nội (GeoNames), for dct:spatial.
SPATIAL_URI = "http://sws.geonames.org/1581130/"
LANGUAGES = ("vi", "en")

# IANA media types and the EU file-type authority (what DCAT-AP uses for dct:format).
IANA = "https://www.iana.org/assignments/media-types/"
FILE_TYPES = {
    "text/csv": ("CSV", "http://publications.europa.eu/resource/authority/file-type/CSV"),
    "application/geo+json": (
        "GeoJSON",
        "http://publications.europa.eu/resource/authority/file-type/GEOJSON",
    ),
    "application/json": ("JSON", "http://publications.europa.eu/resource/authority/file-type/JSON"),
    "application/ld+json": (
        "JSON-LD",
        "http://publications.europa.eu/resource/authority/file-type/JSON_LD",
    ),
}

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
}


@dataclass(frozen=True)
class Distribution:
    """One downloadable file of a dataset: its URL name (reversed per request) and media type."""

    url_name: str
    media_type: str
    url_kwargs: dict = field(default_factory=dict)

    @property
    def format_label(self) -> str:
        return FILE_TYPES.get(self.media_type, (self.media_type, ""))[0]

    @property
    def format_uri(self) -> str:
        return FILE_TYPES.get(self.media_type, ("", ""))[1]

    @property
    def media_type_uri(self) -> str:
        return IANA + self.media_type

    def path(self) -> str:
        return reverse(self.url_name, kwargs=self.url_kwargs or None)

    def filename(self) -> str:
        return self.path().rstrip("/").rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Dataset:
    """A dataset as the catalogue lists it. `modified()` is the newest publication or update of
    its rows (None when it has none); `version()` (optional) is a short fingerprint of data the
    page versions do not cover (cms/datacache.py), e.g. NTM results that are not pages."""

    id: str
    title: str
    description: str
    keywords: tuple = ()
    distributions: tuple[Distribution, ...] = ()
    modified: Callable[[], datetime.datetime | None] = lambda: None
    version: Callable[[], str] | None = None
    # A note shown with the dataset (e.g. "some rows are illustrative"), or "".
    note: str = ""


_REGISTRY: dict[str, Dataset] = {}


def register(dataset: Dataset) -> Dataset:
    """Add (or replace, for reloads) a dataset; registration order is the listing order."""
    _REGISTRY[dataset.id] = dataset
    return dataset


def all_datasets() -> list[Dataset]:
    return list(_REGISTRY.values())


def get(dataset_id: str) -> Dataset | None:
    return _REGISTRY.get(dataset_id)


def versions() -> str:
    """The extra data versions of every dataset (for the catalogue's cache key)."""
    return ":".join(d.version() for d in all_datasets() if d.version is not None)


def _tagged(text) -> list[dict]:
    """A lazy string as RDF literals, one per language."""
    out = []
    for language in LANGUAGES:
        with translation.override(language):
            out.append({"@value": str(text), "@language": language})
    return out


def _date(value: datetime.datetime | None) -> dict | None:
    if value is None:
        return None
    if timezone.is_aware(value):
        value = value.astimezone(datetime.UTC)
    return {"@value": value.replace(microsecond=0).isoformat(), "@type": "xsd:dateTime"}


def dataset_node(dataset: Dataset, request, modified=None) -> dict:
    base = request.build_absolute_uri("/").rstrip("/")
    page = base + reverse("tours:open_data")
    node = {
        "@id": f"{page}#{dataset.id}",
        "@type": "dcat:Dataset",
        "dct:identifier": dataset.id,
        "dct:title": _tagged(dataset.title),
        "dct:description": _tagged(dataset.description),
        "dcat:keyword": [tag for keyword in dataset.keywords for tag in _tagged(keyword)],
        "dct:spatial": {"@id": SPATIAL_URI},
        "dct:license": {"@id": LICENCE_URL},
        "dct:publisher": {"@id": f"{page}#publisher"},
        "dcat:landingPage": {"@id": page},
        "dcat:distribution": [
            {
                "@id": f"{page}#{dataset.id}-{d.format_label.lower()}",
                "@type": "dcat:Distribution",
                "dct:title": d.filename(),
                "dcat:downloadURL": {"@id": base + d.path()},
                "dcat:accessURL": {"@id": base + d.path()},
                "dcat:mediaType": {"@id": d.media_type_uri},
                "dct:format": {"@id": d.format_uri},
                "dct:license": {"@id": LICENCE_URL},
            }
            for d in dataset.distributions
        ],
    }
    if dataset.note:
        node["skos:editorialNote"] = _tagged(dataset.note)
    stamp = _date(modified)
    if stamp:
        node["dct:modified"] = stamp
    return node


def catalog(request) -> dict:
    """The DCAT catalogue of every registered dataset, as JSON-LD (absolute URLs from the
    request)."""
    page = request.build_absolute_uri(reverse("tours:open_data"))
    datasets = all_datasets()
    stamps = {d.id: d.modified() for d in datasets}
    newest = max((s for s in stamps.values() if s), default=None)
    node = {
        "@context": CONTEXT,
        "@id": request.build_absolute_uri(reverse("opendata_catalog")),
        "@type": "dcat:Catalog",
        "dct:title": _tagged(_("Dữ liệu mở OCOP và du lịch nông thôn Hà Nội")),
        "dct:description": _tagged(
            _(
                "Danh mục dữ liệu mở của sàn OCOP và du lịch nông thôn Hà Nội: kết quả xây dựng "
                "nông thôn mới theo xã, chủ thể và sản phẩm OCOP, điểm du lịch nông thôn và "
                "tham quan ảo."
            )
        ),
        "dct:language": [
            {"@id": "http://publications.europa.eu/resource/authority/language/VIE"},
            {"@id": "http://publications.europa.eu/resource/authority/language/ENG"},
        ],
        "dct:publisher": {
            "@id": f"{page}#publisher",
            "@type": "foaf:Organization",
            "foaf:name": [
                {"@value": PUBLISHER_NAME, "@language": "vi"},
                {"@value": PUBLISHER_NAME_EN, "@language": "en"},
            ],
            "foaf:homepage": {"@id": request.build_absolute_uri("/")},
        },
        "dct:license": {"@id": LICENCE_URL},
        "dct:spatial": {"@id": SPATIAL_URI},
        "foaf:homepage": {"@id": page},
        "dcat:dataset": [dataset_node(d, request, stamps[d.id]) for d in datasets],
    }
    stamp = _date(newest)
    if stamp:
        node["dct:modified"] = stamp
    return node


def newest_modified() -> datetime.datetime | None:
    return max((s for s in (d.modified() for d in all_datasets()) if s), default=None)


def page_entries() -> list[dict]:
    """What the human page /open-data/ lists, in the active language."""
    return [
        {
            "id": d.id,
            "title": d.title,
            "description": d.description,
            "keywords": d.keywords,
            "note": d.note,
            "files": [
                {
                    "url": dist.path(),
                    "filename": dist.filename(),
                    "format": dist.format_label,
                    "media_type": dist.media_type,
                    # type and subtype, so a phone may break the line after the slash
                    "media_parts": dist.media_type.split("/", 1),
                }
                for dist in d.distributions
            ],
        }
        for d in all_datasets()
    ]


# ----- embeds ---------------------------------------------------------------------------------

# scheme://host[:port], the host possibly "*.example.vn" (a CSP host-source with a wildcard).
_ORIGIN = re.compile(r"^https?://(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:\d{1,5})?$", re.IGNORECASE)


def embed_origins() -> list[str]:
    """The origins allowed to frame embeddable pages (EMBED_ALLOWED_ORIGINS), malformed ones
    left out — a path, a quote or a space could otherwise widen or break the policy."""
    origins = []
    for origin in getattr(settings, "EMBED_ALLOWED_ORIGINS", ()):
        origin = origin.strip().rstrip("/")
        if _ORIGIN.match(origin) and origin not in origins:
            origins.append(origin)
    return origins


def embeddable(view):
    """A view whose pages the configured origins may frame: its responses carry
    `frame-ancestors <origins>` instead of `'none'` (django-csp's `csp_replace`) and no
    X-Frame-Options (which cannot name origins). The page cache keeps both per response
    (cms/cache.py). With no valid origin configured nothing may frame it."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        origins = embed_origins()
        if not origins:
            return view(request, *args, **kwargs)
        framed = xframe_options_exempt(csp_replace({"frame-ancestors": origins})(view))
        return framed(request, *args, **kwargs)

    return wrapped


@dataclass(frozen=True)
class Embed:
    """An embeddable page listed on /open-data/ with its snippet (the tours' map, say)."""

    id: str
    title: str
    description: str
    url_name: str
    height: int = 520
    allow: str = "fullscreen"


_EMBEDS: dict[str, Embed] = {}


def register_embed(embed: Embed) -> Embed:
    _EMBEDS[embed.id] = embed
    return embed


def all_embeds() -> list[Embed]:
    return list(_EMBEDS.values())


def iframe_snippet(url: str, title: str, height: int = 520, allow: str = "fullscreen") -> str:
    """The `<iframe>` a portal editor pastes: full width, fixed height, lazy, no border, the
    page's title as the frame's accessible name."""
    return format_html(
        '<iframe src="{}" title="{}" width="100%" height="{}" style="border:0" '
        'loading="lazy" allow="{}" allowfullscreen '
        'referrerpolicy="strict-origin-when-cross-origin"></iframe>',
        url,
        title,
        int(height),
        allow,
    )
