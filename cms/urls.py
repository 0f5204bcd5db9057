from django.conf import settings
from django.conf.urls.i18n import i18n_patterns  # noqa: F401
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms import dashboard_views, datacache, health, routing
from cms import views as cms_views
from cms.api import api_router
from products import urls as product_urls
from tours import urls as tour_urls

urlpatterns = [
    # Liveness and readiness for the load balancer (cms/health.py).
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("django-admin/", admin.site.urls),
    # Producer-safe replacements of a few Wagtail admin views (products/admin_overrides.py).
    path("admin/", include("products.admin_overrides")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v2/", api_router.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("i18n/chon/", cms_views.switch_language, name="switch_language"),
    path("favicon.ico", cms_views.favicon, name="favicon"),
    path("robots.txt", cms_views.robots_txt, name="robots_txt"),
    path("danh-muc/", cms_views.catalogue, name="catalogue"),
    path("sitemap.xml", datacache.sitemap),  # Wagtail's, built once per data version
    path("open-data/catalog.jsonld", cms_views.opendata_catalog, name="opendata_catalog"),
    # The public Plan 236 summary (cms/dashboard.py) and its CSV files.
    path("so-lieu/", dashboard_views.public_page, name="dashboard"),
    path("open-data/plan-236.csv", dashboard_views.public_all_csv, name="dashboard_all_csv"),
    path("so-lieu/<slug:key>.csv", dashboard_views.public_indicator_csv, name="dashboard_csv"),
    path("", include(product_urls)),
    *product_urls.digital_link_patterns,  # GS1 Digital Link: /01/<gtin>[/10/<lot>]
    path("", include("cms.search.urls")),
    path("shop/", include("shop.urls")),
    path("tai-khoan/", include("shop.account.urls")),
    path("trai-nghiem/", include("experiences.urls")),
    path("", include(tour_urls)),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [
    # Pages are found by their URL path in two queries (cms/routing.py), then served by
    # Wagtail's own view; Wagtail's _util/ views (password and login forms) stay its own.
    re_path(r"^(?!_util/)((?:[\w\-]+/)*)$", routing.serve, name="wagtail_serve"),
    path("", include(wagtail_urls)),
]
