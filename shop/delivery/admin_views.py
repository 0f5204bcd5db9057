"""The producer's delivery screens in the admin: delivery settings (pickup address, accepted
carriers, variants without weight), and on an order part: create the carrier shipment, print
its label, refresh its tracking. Rules live in shipments.py; these views only call it."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from products.purchasable import producer_addresses, producer_titles, variants_without_weight
from products.reference import Commune, programme_communes

from ..admin_views import Scope
from ..models import ProducerShipping
from ..phone import normalise_phone
from . import carriers, get_carrier
from .base import CarrierError
from .shipments import ShipmentError, create_shipment, track


class DeliverySettingsForm(forms.ModelForm):
    carriers = forms.MultipleChoiceField(
        label=gettext_lazy("Hãng vận chuyển chủ thể nhận gửi"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Phí của hãng rẻ nhất được báo cho người mua; không chọn hãng nào thì dùng bảng giá."
        ),
    )

    class Meta:
        model = ProducerShipping
        fields = ["pickup_commune", "pickup_street", "pickup_phone", "carriers"]
        help_texts = {
            "pickup_street": gettext_lazy("Số nhà, thôn/xóm nơi shipper đến lấy hàng."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pickup_commune"].queryset = Commune.objects.filter(programme_communes())
        self.fields["carriers"].choices = [
            (code, c.name if c.configured() else _("%(n)s (sàn chưa kết nối)") % {"n": c.name})
            for code, c in carriers().items()
        ]
        self.initial["carriers"] = self.instance.carrier_codes

    def clean_pickup_phone(self):
        phone = self.cleaned_data["pickup_phone"]
        return normalise_phone(phone) if phone.strip() else ""

    def clean_carriers(self):
        chosen = self.cleaned_data["carriers"]
        off = [carriers()[c].name for c in chosen if not carriers()[c].configured()]
        if off:
            raise forms.ValidationError(
                _("Sàn chưa kết nối %(names)s: chưa thể chọn.") % {"names": ", ".join(off)}
            )
        return ",".join(chosen)


class DeliverySettingsView(WagtailAdminTemplateMixin, FormView):
    """/admin/shop/giao-hang/: a producer's delivery settings (officers: ?producer=<id>)."""

    template_name = "shop/admin/delivery_settings.html"
    form_class = DeliverySettingsForm
    page_title = gettext_lazy("Cài đặt giao hàng")
    header_icon = "site"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def dispatch(self, request, *args, **kwargs):
        scope = Scope(request.user)
        wanted = request.GET.get("producer", "")
        if scope.officer:
            if not wanted.isdigit():
                raise Http404
            self.producer_id = int(wanted)
        elif wanted.isdigit() and int(wanted) in scope.producer_ids:
            self.producer_id = int(wanted)
        else:
            self.producer_id = min(scope.producer_ids)
        if self.producer_id not in producer_titles([self.producer_id]):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        instance = ProducerShipping.objects.filter(producer_id=self.producer_id).first()
        if instance is None:
            page = producer_addresses([self.producer_id])[self.producer_id]
            instance = ProducerShipping(
                producer_id=self.producer_id,
                pickup_commune_id=page.commune_id,
                pickup_street=page.address,
                pickup_phone=page.phone,
            )
        kwargs["instance"] = instance
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            producer_title=producer_titles([self.producer_id])[self.producer_id],
            without_weight=variants_without_weight(self.producer_id),
            default_weight=settings.SHOP_DEFAULT_WEIGHT_GRAMS,
        )
        return context

    def form_valid(self, form):
        form.save()
        messages.success(self.request, _("Đã lưu cài đặt giao hàng."))
        return redirect(f"{reverse('shop_admin_delivery')}?producer={self.producer_id}")


class PartView(View):
    """Base for the actions on one producer's part of an order."""

    def part(self, request):
        part = (
            Scope(request.user)
            .shipments()
            .filter(order__reference=self.kwargs["reference"], pk=self.kwargs["part"])
            .select_related("order", "order__commune", "order__commune__province")
            .first()
        )
        if part is None:
            raise Http404
        return part

    def back(self, part):
        return redirect("shop_admin_order", part.order.reference)


class CreateShipmentView(PartView):
    def post(self, request, *args, **kwargs):
        part = self.part(request)
        try:
            made = create_shipment(part, request.POST.get("carrier", ""), user=request.user)
        except ShipmentError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("Đã tạo vận đơn %(code)s với %(carrier)s.")
                % {"code": made.tracking_code, "carrier": made.carrier},
            )
        return self.back(part)


class LabelView(PartView):
    """The carrier's label, asked for fresh each time (GHN's print links expire)."""

    def get(self, request, *args, **kwargs):
        part = self.part(request)
        carrier = get_carrier(part.carrier_code)
        if carrier is None or not part.tracking_code:
            raise Http404
        try:
            label = carrier.label(part.tracking_code)
        except CarrierError as exc:
            messages.error(request, _("Chưa lấy được nhãn vận đơn: %(e)s") % {"e": exc})
            return self.back(part)
        if label.url:
            return redirect(label.url)
        response = HttpResponse(label.content, content_type=label.content_type)
        response["Content-Disposition"] = f'inline; filename="{part.tracking_code}.pdf"'
        return response


class TrackView(PartView):
    def post(self, request, *args, **kwargs):
        part = self.part(request)
        try:
            new = track(part)
        except ShipmentError as exc:
            messages.error(request, _("Chưa tra được vận đơn: %(e)s") % {"e": exc})
        else:
            messages.info(request, _("Đã cập nhật: %(n)s trạng thái mới.") % {"n": new})
        return self.back(part)
