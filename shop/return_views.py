"""Returns, thin views (rules in shop/returns.py): the buyer's request form and photos on the
public side; the producer's and officers' answers, and the officers' list of open cases, in
the admin."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import returns
from .admin_views import OfficerOnlyMixin
from .models import ReturnPhoto, ReturnRequest
from .views import _get_order, order_page


class ReturnForm(forms.Form):
    reason = forms.ChoiceField(
        label=gettext_lazy("Lý do"),
        choices=ReturnRequest.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Chọn lý do đổi/trả.")},
    )
    details = forms.CharField(
        label=gettext_lazy("Mô tả vấn đề"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": gettext_lazy("Mô tả vấn đề để người bán hiểu và xử lý.")},
    )
    wanted = forms.ChoiceField(
        label=gettext_lazy("Bạn muốn"),
        choices=ReturnRequest.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Chọn hoàn tiền hoặc đổi hàng.")},
    )

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[f"qty_{item.line.pk}"] = forms.IntegerField(
                label=f"{item.line.title} ({item.line.variant_label})",
                min_value=0,
                max_value=item.remaining,
                initial=0,
                required=False,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                error_messages={
                    "max_value": _("Tối đa %(n)s.") % {"n": item.remaining},
                    "min_value": _("Không được âm."),
                    "invalid": _("Nhập số nguyên."),
                },
            )

    def quantities(self) -> dict[int, int]:
        return {i.line.pk: self.cleaned_data.get(f"qty_{i.line.pk}") or 0 for i in self.items}

    def line_fields(self):
        return [(item, self[f"qty_{item.line.pk}"]) for item in self.items]


@order_page
def request_return(request, reference, part):
    """/shop/orders/<ref>/doi-tra/<part>/: the buyer asks to return lines of a delivered part."""
    order = _get_order(request, reference)
    shipment = order.shipments.filter(pk=part).first()
    if shipment is None:
        raise Http404
    items = returns.returnable(shipment)
    token = request.GET.get("t", "")
    back = order.signed_url() if token else order.get_absolute_url()
    if not items:
        messages.error(request, _("Phần đơn này không còn sản phẩm nào trong hạn đổi trả."))
        return redirect(back)
    form = ReturnForm(request.POST or None, items=items)
    if request.method == "POST" and form.is_valid():
        try:
            returns.open_request(
                order,
                shipment,
                form.quantities(),
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"],
                wanted=form.cleaned_data["wanted"],
                photos=request.FILES.getlist("photos"),
                user=request.user,
            )
        except returns.ReturnError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("Đã gửi yêu cầu đổi trả. Người bán sẽ trả lời trong %(h)s giờ.")
                % {"h": settings.SHOP_RETURN_ANSWER_HOURS},
            )
            return redirect(back)
    return render(
        request,
        "shop/return_form.html",
        {
            "order": order,
            "part": shipment,
            "form": form,
            "token": token,
            "back": back,
            "answer_hours": settings.SHOP_RETURN_ANSWER_HOURS,
            "max_photos": settings.SHOP_RETURN_MAX_PHOTOS,
        },
    )


def photo_response(photo, cache_control: str = "private, no-store"):
    """A buyer's photo (return or review) from the private storage, shown inline, never
    sniffed into anything but the image type it was checked as."""
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["Cache-Control"] = cache_control
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response


def return_photo(request, reference, photo):
    """A return photo, for the buyer who can see the order."""
    order = _get_order(request, reference)
    found = ReturnPhoto.objects.filter(pk=photo, request__order=order).first()
    if found is None:
        raise Http404
    return photo_response(found)


# --- admin ---------------------------------------------------------------------------------


class AdminPhotoView(View):
    """A return photo, for the part's producer and officers."""

    def get(self, request, photo):
        found = ReturnPhoto.objects.select_related("request__shipment").filter(pk=photo).first()
        if found is None or returns.role_of(request.user, found.request) is None:
            raise Http404
        return photo_response(found)


# The admin form's buttons: the producer's answers, and the officers' decisions.
ANSWERS = {
    "accept_refund": (True, ReturnRequest.Outcome.REFUND),
    "accept_exchange": (True, ReturnRequest.Outcome.EXCHANGE),
    "refuse": (False, ""),
}
DECISIONS = {
    "decide_refund": ReturnRequest.Outcome.REFUND,
    "decide_exchange": ReturnRequest.Outcome.EXCHANGE,
    "decide_reject": "reject",
}


class ReturnActionView(View):
    """POST /admin/shop/doi-tra/<pk>/: answer, decide or record the refund transfer."""

    def post(self, request, pk):
        case = ReturnRequest.objects.select_related("order", "shipment").filter(pk=pk).first()
        if case is None or returns.role_of(request.user, case) is None:
            raise Http404
        action = request.POST.get("action", "")
        note = request.POST.get("note", "")[:1000]
        try:
            if action in ANSWERS:
                accept, outcome = ANSWERS[action]
                returns.answer(case, request.user, accept=accept, outcome=outcome, note=note)
            elif action in DECISIONS:
                returns.decide(case, request.user, outcome=DECISIONS[action], note=note)
            elif action == "transferred":
                returns.record_transfer(
                    case, request.user, bank_reference=request.POST.get("bank_reference", "")
                )
            else:
                raise PermissionDenied
        except returns.ReturnError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Đã cập nhật yêu cầu đổi trả."))
        target = request.POST.get("next") or ""
        if target != reverse("shop_admin_returns"):
            target = reverse("shop_admin_order", args=[case.order.reference])
        return redirect(target)


class ReturnListView(OfficerOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    """/admin/shop/doi-tra/: every case not settled yet, oldest first, with its age."""

    template_name = "shop/admin/returns.html"
    page_title = gettext_lazy("Đổi trả và khiếu nại")
    header_icon = "warning"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        cases = list(
            ReturnRequest.objects.filter(status__in=returns.LIVE)
            .select_related("order", "shipment")
            .prefetch_related("lines__line")
            .order_by("created_at")
        )
        for case in cases:
            case.overdue = case.status == ReturnRequest.Status.OPEN and case.answer_due_at < now
        context["cases"] = cases
        return context
