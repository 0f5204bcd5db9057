"""The farmer's batch workspace in the Wagtail admin (issue 19): list, add, edit and submit
batches of its own products; officers see all and approve. Plus the stamp sheet and the export
for Hà Nội's traceability system.

Wagtail's snippet permissions are per model; the one rule of who may touch which batch lives in
products.trace (batches_for / may_manage_batch), applied here to the listing and chooser
querysets and to every view that loads one batch (edit, delete, history, revisions, workflow,
preview, usage…).
"""

import csv
import io

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.widgets import Button, ListingButton
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.chooser import ChooseResultsView, ChooseView, SnippetChooserViewSet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import stamps
from .models import TraceabilityBatch
from .trace import (
    EXPORT_FIELDS,
    batch_link_path,
    batch_record,
    batches_for,
    export_csv_rows,
    export_queryset,
    may_manage_batch,
)


class _OwnBatchMixin:
    """Views that load one batch refuse a batch of someone else's product."""

    def get_object(self, *args, **kwargs):
        batch = super().get_object(*args, **kwargs)
        if isinstance(batch, TraceabilityBatch) and not may_manage_batch(self.request.user, batch):
            raise PermissionDenied
        return batch


class _OwnBatchesListMixin:
    def get_object_list(self):
        return super().get_object_list().filter(pk__in=batches_for(self.request.user).values("pk"))


class BatchChooseView(_OwnBatchesListMixin, ChooseView):
    pass


class BatchChooseResultsView(_OwnBatchesListMixin, ChooseResultsView):
    pass


class BatchChooserViewSet(SnippetChooserViewSet):
    choose_view_class = BatchChooseView
    choose_results_view_class = BatchChooseResultsView


def _stamp_url(batch):
    return reverse("ocop_batch_stamps", args=[batch.pk])


class BatchIndexView(snippet_views.IndexView):
    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        buttons.append(
            ListingButton(
                _("In tem QR"), url=_stamp_url(instance), icon_name="doc-full", priority=30
            )
        )
        if instance.live:
            buttons.append(
                ListingButton(
                    _("Trang truy xuất công khai"),
                    url=instance.get_absolute_url(),
                    icon_name="link-external",
                    priority=40,
                )
            )
        return buttons

    @property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        for fmt, label in (("csv", _("Xuất CSV cho hệ thống Hà Nội")), ("json", _("Xuất JSON"))):
            buttons.append(
                Button(
                    label,
                    url=reverse("ocop_batch_export", args=[fmt]),
                    icon_name="download",
                    priority=50,
                )
            )
        return buttons


class BatchEditView(_OwnBatchMixin, snippet_views.EditView):
    @property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        buttons.append(
            Button(_("In tem QR"), url=_stamp_url(self.object), icon_name="doc-full", priority=30)
        )
        return buttons


def _own(view_class):
    return type(view_class.__name__, (_OwnBatchMixin, view_class), {})


class TraceabilityBatchViewSet(SnippetViewSet):
    """Batches, for farmers (their own products) and officers (all), with revisions and the
    officers' approval workflow."""

    model = TraceabilityBatch
    chooser_viewset_class = BatchChooserViewSet
    icon = "doc-full"
    menu_label = gettext_lazy("Lô sản xuất & truy xuất")
    menu_name = "lo-san-xuat"
    menu_order = 175
    add_to_admin_menu = True
    list_display = ["code", "product", "produced_on", "live"]
    list_filter = ["live"]
    search_fields = ["code"]
    search_backend_name = None  # the ORM: batches are not in the search index
    copy_view_enabled = False
    inspect_view_enabled = False

    index_view_class = BatchIndexView
    edit_view_class = BatchEditView
    delete_view_class = _own(snippet_views.DeleteView)
    usage_view_class = _own(snippet_views.UsageView)
    history_view_class = _own(snippet_views.HistoryView)
    revisions_view_class = _own(snippet_views.PreviewRevisionView)
    revisions_compare_view_class = _own(snippet_views.RevisionsCompareView)
    revisions_unschedule_view_class = _own(snippet_views.RevisionsUnscheduleView)
    unpublish_view_class = _own(snippet_views.UnpublishView)
    preview_on_edit_view_class = _own(snippet_views.PreviewOnEditView)
    lock_view_class = _own(snippet_views.LockView)
    unlock_view_class = _own(snippet_views.UnlockView)
    workflow_action_view_class = _own(snippet_views.WorkflowActionView)
    collect_workflow_action_data_view_class = _own(snippet_views.CollectWorkflowActionDataView)
    confirm_workflow_cancellation_view_class = _own(snippet_views.ConfirmWorkflowCancellationView)
    workflow_preview_view_class = _own(snippet_views.WorkflowPreviewView)
    workflow_history_view_class = _own(snippet_views.WorkflowHistoryView)
    workflow_history_detail_view_class = _own(snippet_views.WorkflowHistoryDetailView)

    def get_queryset(self, request):
        return batches_for(request.user).select_related("product")


# ----- stamp sheet and export (admin URLs) ----------------------------------------------------


def _managed_batch(request, pk):
    batch = get_object_or_404(TraceabilityBatch.objects.select_related("product"), pk=pk)
    if not may_manage_batch(request.user, batch):
        raise PermissionDenied
    return batch


class StampForm(forms.Form):
    so_tem = forms.IntegerField(
        label=gettext_lazy("Số tem"), min_value=1, max_value=stamps.MAX_STAMPS, initial=24
    )
    moi_trang = forms.TypedChoiceField(
        label=gettext_lazy("Số tem mỗi trang A4"),
        choices=[(n, n) for n in sorted(stamps.LAYOUTS)],
        coerce=int,
        initial=stamps.DEFAULT_PER_PAGE,
    )


class BatchStampsView(WagtailAdminTemplateMixin, TemplateView):
    """How many stamps, how many per page; with a valid `?so_tem=`, the PDF sheet."""

    page_title = gettext_lazy("In tem QR")
    header_icon = "doc-full"
    template_name = "products/admin/batch_stamps.html"

    def get(self, request, pk):
        self.batch = _managed_batch(request, pk)
        link = request.build_absolute_uri(batch_link_path(self.batch))
        form = StampForm(request.GET if "so_tem" in request.GET else None)
        if form.is_valid():
            pdf = stamps.stamp_sheet(
                self.batch,
                link,
                count=form.cleaned_data["so_tem"],
                per_page=form.cleaned_data["moi_trang"],
            )
            response = HttpResponse(pdf, content_type="application/pdf")
            response["Content-Disposition"] = f'inline; filename="tem-{self.batch.code}.pdf"'
            return response
        context = self.get_context_data(form=form, batch=self.batch, link=link)
        return self.render_to_response(context, status=400 if form.is_bound else 200)

    def get_page_subtitle(self):
        return self.batch.code


def batch_export(request, fmt):
    """The user's batches (an officer: all) for upload to Hà Nội's traceability system."""
    if fmt not in ("csv", "json"):
        raise Http404
    batches = export_queryset(batches_for(request.user)).order_by("produced_on", "code")
    if not request.GET.get("ca_ban_nhap"):
        batches = batches.filter(live=True)
    records = [batch_record(b, request.build_absolute_uri) for b in batches]
    stamp = timezone.localdate().strftime("%Y%m%d")
    if fmt == "json":
        response = JsonResponse(
            {"dinh_dang": "ocop-hanoi-truy-xuat/1", "so_lo": len(records), "lo": records},
            json_dumps_params={"ensure_ascii": False, "indent": 2},
        )
    else:
        out = io.StringIO()
        out.write("\ufeff")  # Excel opens UTF-8 with a BOM correctly
        writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS)
        writer.writeheader()
        writer.writerows(export_csv_rows(records))
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="lo-san-xuat-{stamp}.{fmt}"'
    return response


def admin_urls():
    return [
        path("ocop/lo-san-xuat/<int:pk>/tem/", BatchStampsView.as_view(), name="ocop_batch_stamps"),
        path("ocop/lo-san-xuat/xuat.<str:fmt>", batch_export, name="ocop_batch_export"),
    ]
