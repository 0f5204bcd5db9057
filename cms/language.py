"""Which UI language is active, for content fields kept in Vietnamese and English, and the
English URL prefix."""

from contextlib import contextmanager

from django.conf import settings
from django.urls import get_script_prefix, set_script_prefix
from django.utils import translation
from django.utils.translation import get_language

# Every public URL also exists under /en/, always in English (what search engines index as the
# English alternate, `cms.seo.alternates`); without the prefix the language comes from the
# cookie or the browser (LocaleMiddleware), Vietnamese by default.
EN_PREFIX = "/en"
# Not under the prefix: the admins keep their own URLs (and are left out of the CSP by path).
UNPREFIXED = ("/admin/", "/django-admin/")


def english_ui() -> bool:
    return (get_language() or "").startswith("en")


def localized(vi: str, en: str) -> str:
    """The English variant of a content field when the UI is English and it exists."""
    return en if en and english_ui() else vi


def strip_prefix(path: str) -> str:
    """/en/san-pham/ → /san-pham/ (any other path unchanged)."""
    if path == EN_PREFIX or path.startswith(EN_PREFIX + "/"):
        return path[len(EN_PREFIX) :] or "/"
    return path


@contextmanager
def neutral_language():
    """Vietnamese and unprefixed URLs inside the block, whatever the request: for documents
    shared by every visitor (open-data files, the sitemap) that are built once and cached."""
    previous = get_script_prefix()
    set_script_prefix("/")
    try:
        with translation.override(settings.LANGUAGE_CODE):
            yield
    finally:
        set_script_prefix(previous)


@contextmanager
def urls_in(language: str):
    """Inside the block, reverse() and page URLs are those of `language` (/en/… for English):
    for what is made outside a request, such as a buyer's email in the buyer's language."""
    previous = get_script_prefix()
    set_script_prefix(EN_PREFIX + "/" if (language or "").startswith("en") else "/")
    try:
        yield
    finally:
        set_script_prefix(previous)


def english_path(path: str) -> str:
    """/san-pham/ → /en/san-pham/ (a path already under the prefix unchanged)."""
    path = strip_prefix(path)
    return EN_PREFIX + path if not path.startswith(UNPREFIXED) else path


def in_language(path: str, language: str) -> str:
    """The same page in `language`: /en/<path> for English, <path> for Vietnamese."""
    return english_path(path) if language.startswith("en") else strip_prefix(path)


class EnglishPrefixMiddleware:
    """/en/<path> is <path> in English: the URL is resolved without the prefix and English is
    activated whatever the cookie says. After LocaleMiddleware, before the page cache (whose key
    holds the full path and the language). `request.path` keeps the prefix.

    While the request runs, the script prefix is /en/, so every URL the site makes — Wagtail's
    page URLs (`pageurl`, `routablepageurl`, rich-text links: all go through reverse()),
    `{% url %}`, reverse() in views and forms' actions — stays under /en/: following any link
    keeps the language. Static and media URLs are absolute and never prefixed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rest = strip_prefix(request.path_info)
        if rest != request.path_info and not rest.startswith(UNPREFIXED):
            request.path_info = rest
            translation.activate("en")
            request.LANGUAGE_CODE = "en"
            previous = get_script_prefix()
            set_script_prefix(previous.rstrip("/") + EN_PREFIX + "/")
            try:
                return self.get_response(request)
            finally:
                set_script_prefix(previous)
        return self.get_response(request)
