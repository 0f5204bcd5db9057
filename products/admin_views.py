"""Admin screens for farmers and officers: onboarding, stock, and "my products".

Views stay thin: permissions come from products.permissions, work from products.onboarding and
products.stock.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from django.views.generic.edit import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .models import StockItem, StockMovement
from .onboarding import OnboardingForm, onboard_producer
from .permissions import can_manage_stock, is_officer, producer_pages_for, variants_for
from .stock import set_on_hand

STOCK_PAGE_SIZE = 100


class OfficerRequiredMixin:
    def dispatch(self, request, *args, **kwargs):
        if not is_officer(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class StockAccessMixin:
    def dispatch(self, request, *args, **kwargs):
        if not can_manage_stock(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class OnboardingView(OfficerRequiredMixin, WagtailAdminTemplateMixin, FormView):
    page_title = gettext_lazy("Thêm chủ thể OCOP")
    header_icon = "group"
    template_name = "products/admin/onboarding.html"
    form_class = OnboardingForm

    def form_valid(self, form):
        done = onboard_producer(form.cleaned_data, by=self.request.user)
        messages.success(
            self.request,
            _(
                "Đã tạo chủ thể “%(title)s” và tài khoản “%(username)s”. Chủ thể phải đổi "
                "mật khẩu tạm khi đăng nhập lần đầu."
            )
            % {"title": done.producer.title, "username": done.user.username},
        )
        return redirect("wagtailadmin_explore", done.producer.pk)


def _stock_rows(user, producer_slug: str | None):
    variants = variants_for(user).select_related("page").order_by("page__title", "sort_order")
    if producer_slug:
        producer = producer_pages_for(user).filter(slug=producer_slug).first()
        if producer is None:
            variants = variants.none()
        else:
            variants = variants.filter(page__path__startswith=producer.path)
    return variants


class StockForm(forms.Form):
    """One quantity field per variant shown on the page (named by SKU)."""

    def __init__(self, variants, stock: dict, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for variant in variants:
            item = stock.get(variant.sku)
            on_hand = item.on_hand if item else 0
            reserved = item.reserved if item else 0
            name = f"sku-{variant.sku}"
            self.fields[name] = forms.IntegerField(
                label=f"{variant.page.title} — {variant.label}",
                min_value=reserved,
                initial=on_hand,
                error_messages={
                    "min_value": _("Không thể thấp hơn %(limit_value)s (đang giữ cho đơn hàng)."),
                    "invalid": _("Nhập một số nguyên."),
                    "required": _("Nhập số lượng (0 nếu hết hàng)."),
                },
            )
            self.rows.append(
                {
                    "variant": variant,
                    "on_hand": on_hand,
                    "reserved": reserved,
                    "field": self[name],
                }
            )

    def changes(self):
        for row in self.rows:
            new = self.cleaned_data[row["field"].name]
            if new != row["on_hand"]:
                yield row["variant"].sku, row["on_hand"], new


class StockView(StockAccessMixin, WagtailAdminTemplateMixin, TemplateView):
    page_title = gettext_lazy("Tồn kho")
    header_icon = "list-ul"
    template_name = "products/admin/stock.html"

    def get_variants_page(self):
        producer = self.request.GET.get("producer") or None
        variants = _stock_rows(self.request.user, producer)
        paginator = Paginator(variants, STOCK_PAGE_SIZE)
        return paginator.get_page(self.request.GET.get("p"))

    def build_form(self, page_obj, data=None):
        skus = [v.sku for v in page_obj.object_list]
        stock = {item.sku: item for item in StockItem.objects.filter(sku__in=skus)}
        return StockForm(page_obj.object_list, stock, data=data)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.setdefault("page_obj", self.get_variants_page())
        context.setdefault("form", self.build_form(context["page_obj"]))
        if is_officer(user):
            context["producers"] = producer_pages_for(user).order_by("title").only("title", "slug")
        context["selected_producer"] = self.request.GET.get("producer", "")
        context["querystring"] = self.request.GET.urlencode()
        return context

    def post(self, request, *args, **kwargs):
        page_obj = self.get_variants_page()
        form = self.build_form(page_obj, data=request.POST)
        if form.is_valid():
            changed = list(form.changes())
            try:
                with transaction.atomic():
                    for sku, _old, new in changed:
                        set_on_hand(sku, new, user=request.user, reason="Màn hình tồn kho")
            except ValueError as error:
                form.add_error(None, str(error))
            else:
                if changed:
                    messages.success(
                        request,
                        _("Đã cập nhật tồn kho %(count)s quy cách.") % {"count": len(changed)},
                    )
                else:
                    messages.info(request, _("Không có thay đổi nào."))
                return redirect(request.get_full_path())
        return self.render_to_response(self.get_context_data(page_obj=page_obj, form=form))


class StockHistoryView(StockAccessMixin, WagtailAdminTemplateMixin, TemplateView):
    page_title = gettext_lazy("Lịch sử tồn kho")
    header_icon = "history"
    template_name = "products/admin/stock_history.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        movements = StockMovement.objects.select_related("user")
        if not is_officer(user):
            movements = movements.filter(sku__in=variants_for(user).values("sku"))
        paginator = Paginator(movements, STOCK_PAGE_SIZE)
        context["page_obj"] = paginator.get_page(self.request.GET.get("p"))
        return context


def my_products(request):
    """A farmer's shortcut: the page explorer at its own producer page."""
    producer = producer_pages_for(request.user).order_by("title").first()
    if producer is None:
        raise PermissionDenied
    if is_officer(request.user):
        producer = producer.get_parent()
    return redirect(reverse("wagtailadmin_explore", args=[producer.pk]))
