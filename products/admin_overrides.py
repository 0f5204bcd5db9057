"""Admin URLs that must answer differently for producers than Wagtail does, mounted under
/admin/ before Wagtail's own (cms/urls.py).

Wagtail's "page types usage" report names the last edited page of each type across the whole
site — another producer's draft title included — to anyone who may edit any page. Officers keep
it; a producer gets 403 (its menu item is hidden by `products.wagtail_hooks`)."""

from django.core.exceptions import PermissionDenied
from django.urls import path
from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView

from .permissions import is_officer


def officers_only(view):
    def guarded(request, *args, **kwargs):
        if not is_officer(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded


urlpatterns = [
    path(
        "reports/page-types-usage/",
        officers_only(PageTypesUsageReportView.as_view()),
    ),
    path(
        "reports/page-types-usage/results/",
        officers_only(PageTypesUsageReportView.as_view(results_only=True)),
    ),
]
