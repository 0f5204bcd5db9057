"""Wagtail admin screens for orders: officers see every order; a producer sees only its parts.

Thin views: visibility from shop.permissions, every change through shop.orders.
"""

import csv
import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import orders as services
from .delivery import shipments
from .models import Order, OrderLine, OrderShipment
from .permissions import can_manage_orders, is_officer, producer_ids_for

PAGE_SIZE = 50


class Scope:
    """What one admin user may see: everything (officer) or some producers' parts."""

    def __init__(self, user):
        self.user = user
        self.officer = is_officer(user)
        self.producer_ids = set() if self.officer else producer_ids_for(user)
        if not self.officer and not self.producer_ids:
            raise PermissionDenied

    def orders(self):
        qs = Order.objects.all()
        if not self.officer:
            qs = qs.filter(shipments__producer_id__in=self.producer_ids).distinct()
        return qs

    def shipments(self):
        qs = OrderShipment.objects.all()
        if not self.officer:
            qs = qs.filter(producer_id__in=self.producer_ids)
        return qs

    def may_touch(self, shipment) -> bool:
        return self.officer or shipment.producer_id in self.producer_ids


class FilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Trạng thái"),
        required=False,
        choices=[("", gettext_lazy("Tất cả"))] + list(Order.Status.choices),
    )
    date_from = forms.DateField(
        label=gettext_lazy("Từ ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=gettext_lazy("Đến ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def apply(self, qs):
        if not self.is_valid():
            return qs
        data = self.cleaned_data
        if data["status"]:
            qs = qs.filter(status=data["status"])
        tz = timezone.get_current_timezone()
        if data["date_from"]:
            start = datetime.datetime.combine(data["date_from"], datetime.time.min, tzinfo=tz)
            qs = qs.filter(created_at__gte=start)
        if data["date_to"]:
            end = datetime.datetime.combine(
                data["date_to"] + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
            )
            qs = qs.filter(created_at__lt=end)
        return qs


class OrderListView(WagtailAdminTemplateMixin, TemplateView):
    page_title = gettext_lazy("Đơn hàng")
    header_icon = "list-ul"
    template_name = "shop/admin/order_list.html"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scope = Scope(self.request.user)
        form = FilterForm(self.request.GET or None)
        orders = form.apply(scope.orders()).select_related("commune").order_by("-created_at")
        orders = orders.prefetch_related(
            Prefetch("shipments", queryset=scope.shipments(), to_attr="visible_parts")
        )
        page = Paginator(orders, PAGE_SIZE).get_page(self.request.GET.get("p"))
        context.update(
            page_obj=page, form=form, officer=scope.officer, query=self.request.GET.urlencode()
        )
        return context


class OrderDetailView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "doc-full"
    template_name = "shop/admin/order_detail.html"

    def get_page_title(self):
        return _("Đơn hàng %(ref)s") % {"ref": self.kwargs["reference"]}

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("shop_admin_orders"), "label": _("Đơn hàng")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_order(self, scope):
        order = scope.orders().filter(reference=self.kwargs["reference"]).first()
        if order is None:
            raise Http404
        return order

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scope = Scope(self.request.user)
        order = self.get_order(scope)
        actor = services.Actor(self.request.user)
        parts = list(scope.shipments().filter(order=order).prefetch_related("lines"))
        for part in parts:
            part.order = order
            part.actions = services.available_actions(part, self.request.user, actor=actor)
            part.cannot_ship = shipments.cannot_create(part)
            part.carrier_choices = shipments.carriers_for(part) if not part.cannot_ship else []
            part.timeline = list(part.events.all())
            part.cases = list(
                part.returns.prefetch_related("lines__line", "photos", "events__user")
            )
        history = order.history.select_related("user", "shipment")
        if not scope.officer:
            history = history.filter(shipment__isnull=True) | history.filter(
                shipment__producer_id__in=scope.producer_ids
            )
        transfer_note = None
        if not scope.officer and order.status == Order.Status.PENDING_PAYMENT:
            transfer_note = services.explain(order, "confirm_transfer", self.request.user)
        context.update(
            order=order,
            parts=parts,
            officer=scope.officer,
            history=history,
            order_actions=services.available_actions(order, self.request.user, actor=actor),
            transfer_note=transfer_note if order.payment_method == Order.Payment.VIETQR else None,
        )
        return context

    def post(self, request, *args, **kwargs):
        scope = Scope(request.user)
        order = self.get_order(scope)
        action = request.POST.get("action", "")
        target = order
        if request.POST.get("part"):
            target = scope.shipments().filter(order=order, pk=request.POST["part"]).first()
            if target is None:
                raise PermissionDenied
        try:
            done = services.perform(
                target,
                action,
                request.user,
                note=request.POST.get("note", "")[:200],
                carrier=request.POST.get("carrier", ""),
                tracking=request.POST.get("tracking", ""),
            )
        except services.TransitionError as exc:
            messages.error(request, str(exc))
        else:
            label = services.BY_NAME[action].label
            if done and action == "cancel":
                for problem in shipments.cancel_booked(order):
                    messages.warning(
                        request,
                        _("Chưa hủy được vận đơn với hãng, hãy gọi hãng: %(p)s") % {"p": problem},
                    )
            if done:
                messages.success(request, _("Đã thực hiện “%(action)s”.") % {"action": label})
            else:
                messages.info(
                    request, _("“%(action)s” đã được thực hiện trước đó.") % {"action": label}
                )
        return redirect("shop_admin_order", order.reference)


class PackingSlipView(TemplateView):
    """A printable slip for one producer's part: who it goes to, what is in the parcel and
    what to collect on delivery. Stands alone (no admin chrome) so it prints on one page."""

    template_name = "shop/admin/packing_slip.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scope = Scope(self.request.user)
        part = (
            scope.shipments()
            .filter(order__reference=self.kwargs["reference"], pk=self.kwargs["part"])
            .select_related("order", "order__commune")
            .prefetch_related("lines")
            .first()
        )
        if part is None:
            raise Http404
        order = part.order
        collect = (
            part.total
            if order.payment_method == Order.Payment.COD and not part.cod_collected_at
            else 0
        )
        context.update(order=order, part=part, collect=collect)
        return context


class OfficerOnlyMixin:
    def dispatch(self, request, *args, **kwargs):
        if not is_officer(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def csv_download(filename: str) -> tuple[HttpResponse, "csv.writer"]:
    """A CSV attachment Excel opens with Vietnamese intact (UTF-8 with a BOM), and its writer."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    return response, csv.writer(response)


class BankTransactionsView(OfficerOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    """Officers: bank transfers the webhook could not apply (wrong amount, unknown reference,
    cancelled or already-paid order), to resolve by hand; the applied ones below them."""

    page_title = gettext_lazy("Giao dịch ngân hàng")
    header_icon = "doc-full"
    template_name = "shop/admin/bank_transactions.html"

    def get_context_data(self, **kwargs):
        from .models import BankTransaction

        context = super().get_context_data(**kwargs)
        records = BankTransaction.objects.select_related("order", "resolved_by")
        open_ = [r for r in records.filter(resolved_at__isnull=True)[:200] if r.needs_officer]
        context.update(open=open_, recent=records[:50])
        return context

    def post(self, request, *args, **kwargs):
        from .models import BankTransaction

        record = BankTransaction.objects.filter(pk=request.POST.get("record")).first()
        note = request.POST.get("note", "").strip()[:255]
        if record is None or not record.needs_officer:
            messages.error(request, _("Giao dịch này không cần xử lý."))
        elif not note:
            messages.error(request, _("Ghi rõ đã xử lý thế nào (hoàn tiền, thu thêm, gán đơn…)."))
        else:
            record.resolved_at, record.resolved_by = timezone.now(), request.user
            record.resolution_note = note
            record.save(update_fields=["resolved_at", "resolved_by", "resolution_note"])
            messages.success(request, _("Đã đánh dấu đã xử lý."))
        return redirect("shop_admin_bank_transactions")


CSV_HEADER = [
    "Mã đơn",
    "Ngày đặt",
    "Trạng thái đơn",
    "Thanh toán",
    "Đã thanh toán",
    "Chủ thể",
    "Trạng thái phần đơn",
    "Hình thức nhận",
    "Mã SKU",
    "Sản phẩm",
    "Quy cách",
    "Đơn giá",
    "Số lượng",
    "Thành tiền",
    "Người nhận",
    "Điện thoại",
    "Địa chỉ",
    "Hóa đơn: tên đơn vị",
    "Hóa đơn: MST",
    "Hóa đơn: địa chỉ",
    "Hóa đơn: email",
]


class OrderExportView(View):
    """CSV of order lines for a date range (one row per line; producers get only their lines)."""

    def get(self, request):
        scope = Scope(request.user)
        form = FilterForm(request.GET or None)
        orders = form.apply(scope.orders())
        lines = (
            OrderLine.objects.filter(order__in=orders.values("pk"))
            .select_related("order", "order__commune", "shipment")
            .order_by("order__created_at", "order_id", "pk")
        )
        if not scope.officer:
            lines = lines.filter(shipment__producer_id__in=scope.producer_ids)
        stamp = timezone.localdate().isoformat()
        response, writer = csv_download(f"don-hang-{stamp}.csv")
        writer.writerow(CSV_HEADER)
        for line in lines.iterator(chunk_size=500):
            order, part = line.order, line.shipment
            writer.writerow(
                [
                    order.reference,
                    timezone.localtime(order.created_at).strftime("%Y-%m-%d %H:%M"),
                    order.get_status_display(),
                    order.get_payment_method_display(),
                    "có" if order.is_paid else "chưa",
                    part.producer_title,
                    part.get_status_display(),
                    part.get_method_display(),
                    line.sku,
                    line.title,
                    line.variant_label,
                    line.unit_price,
                    line.quantity,
                    line.line_total,
                    order.recipient,
                    order.phone,
                    order.address_text,
                    order.invoice_company,
                    order.invoice_tax_code,
                    order.invoice_address,
                    order.invoice_email,
                ]
            )
        return response


def menu_visible(user) -> bool:
    return can_manage_orders(user)
