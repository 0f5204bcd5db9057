"""Officers' screen of background jobs (issue 21): /admin/ocop/viec-chay-nen/.

What failed (the job's label and kind), why (its last error, masked), when, after how many
attempts — and a button to try it again. Jobs waiting for a retry are listed too, so an officer
sees a mail server that has been down for an hour before the last attempt is spent.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from . import jobs
from .lockouts import OfficerOnlyMixin
from .models import Job

# Officers read Vietnamese here whatever the admin language (the kinds are named in jobs.py).
KIND_LABELS = {
    "tiles": gettext_lazy("Ô ảnh 360°"),
    "renditions": gettext_lazy("Ảnh thu nhỏ"),
    "index": gettext_lazy("Chỉ mục tìm kiếm"),
    "email": gettext_lazy("Thư điện tử"),
    "phone": gettext_lazy("Tin nhắn Zalo"),
}
LIMIT = 200


class JobListView(OfficerOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "cms/admin/jobs.html"
    page_title = gettext_lazy("Việc chạy nền")
    header_icon = "cogs"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        failed = list(Job.objects.filter(status=Job.Status.FAILED).order_by("-finished_at")[:LIMIT])
        waiting = list(
            Job.objects.filter(status=Job.Status.RETRYING).order_by("next_attempt_at")[:LIMIT]
        )
        for job in failed + waiting:
            job.kind_label = KIND_LABELS.get(job.kind, job.kind)
        context.update(failed=failed, waiting=waiting)
        return context

    def post(self, request, *args, **kwargs):
        raw = request.POST.get("job", "")
        job = None
        if raw.isdigit() and len(raw) < 18:
            job = Job.objects.filter(pk=int(raw)).first()
        if job is None or not jobs.retry(job):
            messages.error(request, _("Không thể chạy lại việc này (có thể đã được chạy lại)."))
        else:
            messages.success(
                request, _("Đã đưa việc “%(label)s” vào hàng chờ.") % {"label": job.label}
            )
        return redirect("ocop_jobs")
