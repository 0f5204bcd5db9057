"""Site-wide views: the language switch, the favicon and the open-data catalogue."""

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.templatetags.static import static
from django.utils.cache import patch_cache_control
from django.utils.translation import check_for_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from . import datacache, opendata
from .hardening import local_next
from .language import in_language


@never_cache
@require_safe
def switch_language(request):
    """GET /i18n/chon/?language=en&next=/san-pham/: remember the language in its cookie and go
    back. A link or a GET form, so cached pages need no CSRF token for it; it changes only a
    display preference."""
    # The same page in the chosen language: English under /en/, Vietnamese without the prefix.
    language = request.GET.get("language", "")
    target = in_language(local_next(request.GET.get("next"), "/"), language)
    response = HttpResponseRedirect(target)
    if language in dict(settings.LANGUAGES) and check_for_language(language):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


@require_safe
def favicon(request):
    """/favicon.ico, which browsers and crawlers ask for whatever the page says: a cacheable
    redirect to the hashed static file."""
    response = HttpResponseRedirect(static("img/favicon.ico"))
    patch_cache_control(response, public=True, max_age=86400)
    return response


# What crawlers are asked to leave alone: the admin, the account pages, the language switch,
# frames for other sites and the map's tile relay. The shop's pages stay crawlable (a crawler
# sees an empty cart and the tracking form; order links are signed and never published).
ROBOTS_DISALLOW = [
    "/admin/",
    "/django-admin/",
    "/tai-khoan/",
    "/i18n/",
    "/embed/",
    "/ban-do/o/",
]


@require_safe
def robots_txt(request):
    """/robots.txt: every public page may be crawled (in both languages), the private parts
    not, and the sitemap is named with this site's own address."""
    lines = ["User-agent: *"]
    for path in ROBOTS_DISALLOW:
        lines.append(f"Disallow: {path}")
        if not path.startswith(("/admin/", "/django-admin/")):
            lines.append(f"Disallow: /en{path}")
    lines.append(f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}")
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
    patch_cache_control(response, public=True, max_age=86400)
    return response


@require_safe
def opendata_catalog(request):
    """/open-data/catalog.jsonld: the DCAT catalogue (cms/opendata.py), built once per data
    version; a conditional GET is answered from the stored validators, hashing nothing."""
    import json

    return datacache.serve_file(
        request,
        "catalog.jsonld",
        lambda request: json.dumps(opendata.catalog(request), ensure_ascii=False, indent=1),
        "application/ld+json; charset=utf-8",
        opendata.newest_modified,
        extra=opendata.versions(),
    )


@require_safe
def catalogue(request):
    """/danh-muc/: a fixed address of the catalogue for pages that cannot look pages up — the
    500 page renders without the database (cms/templates/500.html)."""
    from .chrome import section_urls

    target = section_urls(request)["products.ProductIndexPage"]
    return HttpResponseRedirect(target if target != "#" else "/")
