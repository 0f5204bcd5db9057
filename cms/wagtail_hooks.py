"""Site-wide Wagtail hooks: served pages are tagged for the anonymous page cache; officers' screens
of locked logins (cms/lockouts.py) and of background jobs (cms/jobs_admin.py)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import cache
from .routing import view_restrictions


@hooks.register("before_serve_page")
def tag_served_page(page, request, serve_args, serve_kwargs):
    """A live page served to a visitor may be shared: its own tag, "site" (header, footer),
    and what the page class says it shows (`page_cache_tags()`, e.g. "products")."""
    # One query for the page's and its ancestors' restrictions, kept on the page: Wagtail's own
    # check (an on_serve_page hook, after this one) asks again.
    restrictions = view_restrictions(page, request)
    page.get_view_restrictions = lambda: restrictions
    if restrictions:
        return  # a password- or login-protected page is never shared
    extra = getattr(page, "page_cache_tags", None)
    cache.tag(request, f"page:{page.pk}", "site", *(extra() if extra else ()))


class OfficerMenuItem(MenuItem):
    def is_shown(self, request):
        from .officers import is_officer

        return is_officer(request.user)


@hooks.register("register_admin_urls")
def lockout_urls():
    from .jobs_admin import JobListView
    from .lockouts import LockoutListView

    return [
        path("ocop/khoa-dang-nhap/", LockoutListView.as_view(), name="ocop_lockouts"),
        path("ocop/viec-chay-nen/", JobListView.as_view(), name="ocop_jobs"),
    ]


@hooks.register("register_admin_urls")
def dashboard_urls():
    from . import dashboard_views as views

    return [
        path("ocop/so-lieu/", views.DashboardView.as_view(), name="ocop_dashboard"),
        path("ocop/so-lieu/tat-ca.csv", views.admin_all_csv, name="ocop_dashboard_all_csv"),
        path("ocop/so-lieu/<slug:key>.csv", views.admin_indicator_csv, name="ocop_dashboard_csv"),
    ]


class DashboardMenuItem(MenuItem):
    def is_shown(self, request):
        from .dashboard import may_view

        return may_view(request.user)


@hooks.register("register_admin_menu_item")
def dashboard_menu_item():
    return DashboardMenuItem(
        _("Số liệu Kế hoạch 236"),
        reverse("ocop_dashboard"),
        name="ocop-dashboard",
        icon_name="table",
        order=250,
    )


@hooks.register("register_admin_urls")
def translation_report_urls():
    from .translation_report import TranslationReportView

    return [path("ocop/ban-dich/", TranslationReportView.as_view(), name="ocop_translations")]


class TranslatorMenuItem(MenuItem):
    def is_shown(self, request):
        from .translation import TRANSLATE_PERMISSION

        return request.user.has_perm(TRANSLATE_PERMISSION)


@hooks.register("register_reports_menu_item")
def translations_menu_item():
    return TranslatorMenuItem(
        _("Bản dịch tiếng Anh"),
        reverse("ocop_translations"),
        name="ocop-translations",
        icon_name="globe",
        order=50,
    )


@hooks.register("register_settings_menu_item")
def lockouts_menu_item():
    return OfficerMenuItem(
        _("Đăng nhập bị khóa"),
        reverse("ocop_lockouts"),
        name="ocop-lockouts",
        icon_name="lock",
        order=900,
    )


@hooks.register("register_settings_menu_item")
def jobs_menu_item():
    return OfficerMenuItem(
        _("Việc chạy nền"),
        reverse("ocop_jobs"),
        name="ocop-jobs",
        icon_name="cogs",
        order=910,
    )
