"""Public side of bookings: the ticket page (what the QR opens), its QR, check-in, and the
buyer's cancellation. Thin: the rules are in bookings.py."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from shop.models import Order
from shop.views import can_view_order, order_page

from . import bookings
from .models import Ticket


def _ticket(token: str) -> Ticket:
    if not token or len(token) > 64:
        raise Http404(_("Không tìm thấy vé."))
    return get_object_or_404(
        Ticket.objects.select_related("order", "session__experience__product__producer"),
        token=token,
    )


@never_cache
@require_safe
def ticket(request, token):
    """The producer (or an officer) sees the booking and a check-in button; anyone else only
    whether the ticket is valid, and for which session — never the buyer's details."""
    ticket = _ticket(token)
    manager = bookings.may_manage(request.user, ticket)
    context = {
        "ticket": ticket,
        "session": ticket.session,
        "valid": bookings.is_valid(ticket),
        "manager": manager,
        "qr": bookings.qr_svg(ticket) if not manager else "",
    }
    response = render(request, "experiences/ticket.html", context)
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
@require_safe
def ticket_qr(request, token):
    ticket = _ticket(token)
    response = HttpResponse(bookings.qr_svg(ticket), content_type="image/svg+xml")
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@require_POST
def check_in(request, token):
    ticket = _ticket(token)
    if not bookings.may_manage(request.user, ticket):
        return HttpResponse(_("Chỉ chủ thể bán trải nghiệm này mới xác nhận được vé."), status=403)
    if bookings.check_in(ticket, request.user):
        messages.success(request, _("Đã xác nhận khách đến."))
    elif not bookings.is_valid(ticket):
        messages.error(request, _("Vé không còn hiệu lực: đơn đã hủy."))
    else:
        messages.info(request, _("Vé này đã được xác nhận trước đó."))
    return redirect(ticket.get_absolute_url())


@order_page
@require_POST
def cancel(request, reference):
    order = Order.objects.filter(reference=reference).first()
    if order is None or not can_view_order(request, order):
        raise Http404(_("Không tìm thấy đơn hàng."))
    target = order.get_absolute_url()
    token = request.GET.get("t", "")
    if token:
        target += f"?t={token}"
    try:
        outcome = bookings.cancel_booking(order, user=request.user)
    except bookings.CancellationRefused as exc:
        messages.error(request, str(exc))
        response = render(
            request,
            "experiences/cancel_refused.html",
            {"order": order, "reason": str(exc), "target": target},
            status=400,
        )
        return response
    if outcome == "refunded":
        messages.success(request, _("Đã hủy đặt chỗ và hoàn tiền theo hình thức đã thanh toán."))
    else:
        messages.success(request, _("Đã hủy đặt chỗ."))
    return redirect(target)
