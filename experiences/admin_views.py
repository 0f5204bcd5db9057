"""The producer's sessions and participant lists in the Wagtail admin (farmers see only their
own experiences; officers all), printable, with CSV export, and the ticket lookup by code."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from shop.admin_views import csv_download
from shop.permissions import can_manage_orders

from . import bookings
from .models import CODE_ALPHABET, Ticket

CSV_HEADER = [
    "Mã vé",
    "Đơn hàng",
    "Người đặt",
    "Điện thoại",
    "Email",
    "Số người",
    "Thanh toán",
    "Đã thanh toán",
    "Thu tại chỗ (đ)",
    "Trạng thái đơn",
    "Đã đến lúc",
]


def _require_manager(user):
    if not can_manage_orders(user):
        raise PermissionDenied


def participants(session):
    """Tickets of a session's open orders, then the cancelled ones (listed apart)."""
    tickets = list(
        Ticket.objects.filter(session=session)
        .select_related("order", "line")
        .order_by("order__created_at", "pk")
    )
    valid = [t for t in tickets if bookings.is_valid(t)]
    return valid, [t for t in tickets if not bookings.is_valid(t)]


class SessionListView(WagtailAdminTemplateMixin, TemplateView):
    page_title = gettext_lazy("Khách tham gia trải nghiệm")
    header_icon = "group"
    template_name = "experiences/admin/sessions.html"

    def dispatch(self, request, *args, **kwargs):
        _require_manager(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        show_past = self.request.GET.get("cu") == "1"
        sessions = bookings.sessions_for(self.request.user)
        today = timezone.localdate()
        sessions = (
            sessions.filter(date__lt=today).order_by("-date", "-start_time")
            if show_past
            else sessions.filter(date__gte=today).order_by("date", "start_time")
        )
        context.update(sessions=sessions[:200], show_past=show_past)
        return context


def _session_for(user, pk):
    session = bookings.sessions_for(user).filter(pk=pk).first()
    if session is None:
        raise Http404(_("Không tìm thấy buổi trải nghiệm."))
    return session


class ParticipantsView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "group"
    template_name = "experiences/admin/participants.html"

    def dispatch(self, request, *args, **kwargs):
        _require_manager(request.user)
        self.session = _session_for(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return str(self.session)

    def get_template_names(self):
        if self.request.GET.get("in") == "1":
            return ["experiences/admin/participants_print.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        valid, cancelled = participants(self.session)
        context.update(
            session=self.session,
            tickets=valid,
            cancelled=cancelled,
            total=sum(t.participants for t in valid),
            checked_in=sum(t.participants for t in valid if t.checked_in_at),
        )
        return context


class ParticipantsCsvView(View):
    def get(self, request, pk):
        _require_manager(request.user)
        session = _session_for(request.user, pk)
        valid, _cancelled = participants(session)
        response, writer = csv_download(f"khach-{session.date.isoformat()}-{session.pk}.csv")
        writer.writerow(CSV_HEADER)
        for t in valid:
            order = t.order
            writer.writerow(
                [
                    t.code,
                    order.reference,
                    order.recipient,
                    order.phone,
                    order.email,
                    t.participants,
                    order.get_payment_method_display(),
                    "có" if order.is_paid else "chưa",
                    t.line.due_on_site,
                    order.get_status_display(),
                    timezone.localtime(t.checked_in_at).strftime("%Y-%m-%d %H:%M")
                    if t.checked_in_at
                    else "",
                ]
            )
        return response


class TicketLookupView(WagtailAdminTemplateMixin, TemplateView):
    """Type the code printed under the QR (when the camera cannot read it)."""

    page_title = gettext_lazy("Tra cứu vé")
    header_icon = "search"
    template_name = "experiences/admin/lookup.html"

    def dispatch(self, request, *args, **kwargs):
        _require_manager(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        raw = request.GET.get("ma", "")
        code = "".join(ch for ch in raw.upper() if ch.isalnum())
        self.error = ""
        if raw:
            ticket = None
            if 4 <= len(code) <= 12 and set(code) <= set(CODE_ALPHABET):
                ticket = (
                    Ticket.objects.filter(code=code)
                    .select_related("session__experience__product")
                    .first()
                )
            if ticket is not None and bookings.may_manage(request.user, ticket):
                return redirect(ticket.get_absolute_url())
            self.error = _("Không tìm thấy vé có mã này trong các trải nghiệm của bạn.")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(error=self.error, code=self.request.GET.get("ma", "")[:20])
        return context
