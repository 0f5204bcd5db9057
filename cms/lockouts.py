"""Officers' screen of logins locked by django-axes (issue 20): /admin/ocop/khoa-dang-nhap/.

A username + client address is locked after AXES_FAILURE_LIMIT wrong passwords within the
cool-off (AXES_COOLOFF_TIME); an officer who has checked who is asking can lift it early.
"""

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from .officers import is_officer


def locked_attempts():
    """Attempts that lock their username + address now, newest first."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
    ).order_by("-attempt_time")


class OfficerOnlyMixin:
    """Admin screens for officers (and site admins) only: anyone else is refused."""

    def dispatch(self, request, *args, **kwargs):
        if not is_officer(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class LockoutListView(OfficerOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "cms/admin/lockouts.html"
    page_title = gettext_lazy("Đăng nhập bị khóa")
    header_icon = "lock"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            attempts=locked_attempts()[:200],
            limit=settings.AXES_FAILURE_LIMIT,
            cooloff_minutes=int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        )
        return context

    def post(self, request, *args, **kwargs):
        raw = request.POST.get("attempt", "")
        attempt = None
        if raw.isdigit() and len(raw) < 18:
            attempt = AccessAttempt.objects.filter(pk=int(raw)).first()
        if attempt is None:
            messages.error(request, _("Không tìm thấy lượt khóa này (có thể đã hết hạn)."))
        else:
            reset(ip=attempt.ip_address, username=attempt.username)
            messages.success(
                request, _("Đã mở khóa đăng nhập cho %(name)s.") % {"name": attempt.username}
            )
        return redirect("ocop_lockouts")
