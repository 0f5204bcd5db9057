"""Views of the Plan 236 dashboard (cms/dashboard.py): the public summary `/so-lieu/` with its
CSV files, and the officers' dashboard in the Wagtail admin `/admin/ocop/so-lieu/`.

The public page shows only `public` indicators, city-wide (no commune filter), and nothing
about the visitor, so the anonymous page cache keeps it (tagged with every indicator's
`cache_tags`: a publish, an order's payment, refund or return, an NTM change purges it).
Bad GET values (`year=abc`) are named on the page, which then shows the default year, with
status 400 (never cached).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from . import dashboard, datacache
from .cache import tag


def _context(request, filters, errors, *, public: bool) -> dict:
    from django.utils.http import urlencode

    query = {"year": filters.year}
    if filters.commune:
        query["commune"] = filters.commune
    return {
        "query": urlencode(query),
        "figures": dashboard.figures(filters),
        "filters": filters,
        "errors": errors,
        "years": dashboard.year_choices(),
        "communes": [] if public else dashboard.commune_choices(),
        "public": public,
        "dashboard_title": dashboard.TITLE,
    }


@require_safe
def public_page(request):
    filters, errors = dashboard.parse_filters(request.GET, public=True)
    if not errors:
        tag(request, *sorted(dashboard.cache_tags(public=True)))
    return render(
        request,
        "cms/dashboard/public.html",
        _context(request, filters, errors, public=True),
        status=400 if errors else 200,
    )


def _bad_csv(errors) -> HttpResponse:
    response = HttpResponse(
        "\n".join(errors) + "\n", status=400, content_type="text/plain; charset=utf-8"
    )
    add_never_cache_headers(response)
    return response


def _public_csv(request, name: str, build):
    filters, errors = dashboard.parse_filters(request.GET, public=True)
    if errors:
        return _bad_csv(errors)
    return datacache.serve_file(
        request,
        name,
        lambda request: build(filters),
        "text/csv; charset=utf-8",
        lambda: None,
        extra=f"{filters.key()}:{dashboard.versions(public=True)}",
    )


@require_safe
def public_indicator_csv(request, key: str):
    indicator = dashboard.get(key)
    if indicator is None or not indicator.public:
        raise Http404
    return _public_csv(
        request,
        f"{key}.csv",
        lambda filters: dashboard.indicator_csv(indicator, dashboard.rows_for(indicator, filters)),
    )


@require_safe
def public_all_csv(request):
    return _public_csv(request, "plan-236.csv", dashboard.all_csv)


# ----- officers (Wagtail admin) ---------------------------------------------------------------


def _require_officer(request):
    if not dashboard.may_view(request.user):
        raise PermissionDenied  # Wagtail's admin answers it with a redirect to /admin/


class DashboardView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "cms/dashboard/admin.html"
    page_title = gettext_lazy("Số liệu Kế hoạch 236")
    header_icon = "table"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def dispatch(self, request, *args, **kwargs):
        _require_officer(request)
        self.filters, self.errors = dashboard.parse_filters(request.GET, public=False)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(_context(self.request, self.filters, self.errors, public=False))
        return context

    def render_to_response(self, context, **kwargs):
        kwargs.setdefault("status", 400 if self.errors else 200)
        return super().render_to_response(context, **kwargs)


def _private_csv(body: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    add_never_cache_headers(response)
    return response


@require_safe
def admin_indicator_csv(request, key: str):
    _require_officer(request)
    indicator = dashboard.get(key)
    if indicator is None:
        raise Http404
    filters, errors = dashboard.parse_filters(request.GET, public=False)
    if errors:
        return _bad_csv(errors)
    rows = dashboard.rows_for(indicator, filters)
    return _private_csv(dashboard.indicator_csv(indicator, rows), f"{key}-{filters.year}.csv")


@require_safe
def admin_all_csv(request):
    _require_officer(request)
    filters, errors = dashboard.parse_filters(request.GET, public=False)
    if errors:
        return _bad_csv(errors)
    return _private_csv(dashboard.all_csv(filters), f"so-lieu-236-{filters.year}.csv")
