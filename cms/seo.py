"""What search engines and link previews read from a public page (issue 14, part 6): its meta
description, canonical URL, language alternates and Open Graph picture — one rule each, here.

- **Description**: the page's `search_description` if an editor wrote one, else what the page
  says it is about (`page.meta_description()`, a plain method each page class may define — the
  product's summary, the producer's story, the site's summary …), else the translated site
  default. Always plain text: HTML removed, whitespace collapsed, at most 160 characters cut at
  a word boundary.
- **Canonical URL**: the absolute URL of the path without a query string, except the parameters
  that define the page (`?page=2` keeps `page`; the search page keeps `q`); `page=1` is dropped.
- **Languages**: the same path serves Vietnamese (no prefix) and English under `/en/`
  (`cms.language.EnglishPrefixMiddleware`); alternates name both, x-default the Vietnamese one.
- **Picture**: a rendition (`OG_SPEC`, 1200×630) of `page.meta_image()` if the page class
  defines it and it returns a picture, else the site's default `img/og-default.png`.

This module imports no domain app: pages expose `meta_description()` / `meta_image()`.
"""

import html
import re
from urllib.parse import urlencode

from django.templatetags.static import static
from django.utils.html import strip_tags
from django.utils.translation import gettext

from .language import EN_PREFIX, strip_prefix

DESCRIPTION_LENGTH = 160
OG_SPEC = "fill-1200x630|format-jpeg"  # pages that prefetch renditions name it too
DEFAULT_IMAGE = "img/og-default.png"
DEFAULT_IMAGE_SIZE = (1200, 630)
CANONICAL_PARAMS = ("page",)
OG_LOCALES = {"vi": "vi_VN", "en": "en_US"}
_SPACES = re.compile(r"\s+")


def site_description() -> str:
    return gettext(
        "Mua sản phẩm OCOP của Hà Nội trực tiếp từ người làm ra, xem chứng nhận sao, truy xuất "
        "nguồn gốc và khám phá làng nghề, điểm du lịch nông thôn."
    )


def plain_text(text: str, limit: int = DESCRIPTION_LENGTH) -> str:
    """Text (or rich-text HTML) as one plain line of at most `limit` characters, cut at a word
    boundary with an ellipsis when it was longer."""
    text = _SPACES.sub(" ", html.unescape(strip_tags(text or ""))).strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut and not text[limit - 1].isspace():
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.–—-") + "…"


def description(page=None, text: str = "") -> str:
    """The meta description: explicit `text` (non-page views), else the page's
    search_description, else its `meta_description()`, else the site default."""
    for candidate in (
        text,
        getattr(page, "search_description", ""),
        page.meta_description() if hasattr(page, "meta_description") else "",
    ):
        if result := plain_text(candidate):
            return result
    return site_description()


def _kept_query(request, keep) -> str:
    params = []
    for key in keep:
        value = request.GET.get(key, "").strip()
        if value and not (key == "page" and value == "1"):
            params.append((key, value))
    return "?" + urlencode(params) if params else ""


def canonical_url(request, keep=CANONICAL_PARAMS) -> str:
    """The absolute URL of this page, without query parameters other than those in `keep`."""
    return request.build_absolute_uri(request.path) + _kept_query(request, keep)


def alternates(request, keep=CANONICAL_PARAMS) -> list[tuple[str, str]]:
    """(hreflang, absolute URL) of this page in each language, then x-default."""
    path = strip_prefix(request.path)
    query = _kept_query(request, keep)
    vi = request.build_absolute_uri(path) + query
    en = request.build_absolute_uri(EN_PREFIX + path) + query
    return [("vi", vi), ("en", en), ("x-default", vi)]


def og_locale(language: str) -> tuple[str, list[str]]:
    """og:locale for the UI language and the other languages as og:locale:alternate."""
    code = (language or "vi").split("-")[0]
    current = OG_LOCALES.get(code, OG_LOCALES["vi"])
    return current, [v for v in OG_LOCALES.values() if v != current]


def og_image(request, page=None) -> tuple[str, int, int]:
    """(absolute URL, width, height) of the page's picture at OG_SPEC, or the site default."""
    image = page.meta_image() if hasattr(page, "meta_image") else None
    if image is not None:
        from .templatetags.cms_images import parsed_filter

        try:
            # get_renditions(): no cache write for a rendition prefetched with the page.
            rendition = next(iter(image.get_renditions(parsed_filter(OG_SPEC)).values()))
        except Exception:  # noqa: BLE001 - a missing source file must not break the page
            rendition = None
        if rendition is not None:
            return request.build_absolute_uri(rendition.url), rendition.width, rendition.height
    width, height = DEFAULT_IMAGE_SIZE
    return request.build_absolute_uri(static(DEFAULT_IMAGE)), width, height
