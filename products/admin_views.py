"""Admin screens for farmers and officers: onboarding, stock, and "my products".

Views stay thin: permissions come from products.permissions, work from products.onboarding and
products.stock.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from django.views.generic.edit import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .models import StockMovement
from .ntm import COLUMNS, ImportFailed, NtmResult, import_results, template_csv
from .onboarding import OnboardingForm, onboard_producer
from .permissions import can_manage_stock, is_officer, producer_pages_for, variants_for
from .stock import StockConflict, levels, set_many

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


class FirstPasswordView(WagtailAdminTemplateMixin, FormView):
    """The first-login password change: old password, new password twice — nothing else, so a
    producer without an email address (or a name) can always complete it, on a phone too."""

    page_title = gettext_lazy("Đổi mật khẩu tạm")
    header_icon = "key"
    template_name = "products/admin/first_password.html"
    form_class = PasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        form.save()  # set_password + save: the validator clears the first-login flag
        update_session_auth_hash(self.request, form.user)
        messages.success(self.request, _("Đã đổi mật khẩu. Chào mừng bạn!"))
        return redirect("wagtailadmin_home")


class SellerIdentityView(StockAccessMixin, WagtailAdminTemplateMixin, FormView):
    """A producer's legal identity and payout account: the producer's own logins and officers
    only (`?producer=<slug>` picks one when a login acts for several, or for an officer)."""

    page_title = gettext_lazy("Thông tin người bán")
    header_icon = "user"
    template_name = "products/admin/seller_identity.html"

    def get_producer(self):
        producers = producer_pages_for(self.request.user).order_by("title")
        slug = self.request.GET.get("producer")
        producer = producers.filter(slug=slug).first() if slug else producers.first()
        if producer is None:
            raise PermissionDenied
        return producer

    def get_form(self, form_class=None):
        from .identity import SellerIdentityForm
        from .models import SellerIdentity

        self.producer = self.get_producer()
        instance = SellerIdentity.objects.filter(producer=self.producer).first()
        instance = instance or SellerIdentity(producer=self.producer)
        return SellerIdentityForm(
            self.request.POST or None,
            instance=instance,
            producer=self.producer,
            officer=is_officer(self.request.user),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["producer"] = self.producer
        if is_officer(self.request.user):
            context["producers"] = producer_pages_for(self.request.user).order_by("title")
        return context

    def form_valid(self, form):
        identity = form.save(commit=False)
        identity.updated_by = self.request.user
        identity.save()
        messages.success(self.request, _("Đã lưu thông tin người bán."))
        return redirect(self.request.get_full_path())


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
    """One quantity field per variant shown on the page (named by SKU), and beside it the
    version of the stock row the editor saw, so saving never overwrites a change made
    meanwhile (an order placed, another editor)."""

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
                min_value=0,
                max_value=1_000_000_000,
                initial=on_hand,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
                error_messages={
                    "min_value": _("Số lượng không được âm."),
                    "max_value": _("Số lượng quá lớn."),
                    "invalid": _("Nhập một số nguyên."),
                    "required": _("Nhập số lượng (0 nếu hết hàng)."),
                },
            )
            self.fields[f"seen-{variant.sku}"] = forms.IntegerField(
                widget=forms.HiddenInput, initial=item.version if item else 0, min_value=0
            )
            self.fields[f"was-{variant.sku}"] = forms.IntegerField(
                widget=forms.HiddenInput, initial=on_hand, min_value=0
            )
            self.rows.append(
                {
                    "variant": variant,
                    "on_hand": on_hand,
                    "reserved": reserved,
                    "field": self[name],
                    "seen": self[f"seen-{variant.sku}"],
                    "was": self[f"was-{variant.sku}"],
                }
            )

    def clean(self):
        data = super().clean()
        for row in self.rows:
            sku = row["variant"].sku
            new = data.get(f"sku-{sku}")
            if new is not None and new < row["reserved"]:
                self.add_error(
                    f"sku-{sku}",
                    _("Không thể thấp hơn %(n)s (đang giữ cho đơn hàng).") % {"n": row["reserved"]},
                )
        return data

    def changes(self):
        """(sku, version seen, new on hand) for each row whose quantity the editor changed."""
        for row in self.rows:
            sku = row["variant"].sku
            new = self.cleaned_data[f"sku-{sku}"]
            if new != self.cleaned_data[f"was-{sku}"]:
                yield sku, self.cleaned_data[f"seen-{sku}"], new

    def show_conflicts(self, conflicts):
        """Report rows that moved meanwhile, keep what the editor typed, and take the new
        versions so that saving again (after checking) goes through."""
        by_sku = {c.sku: c for c in conflicts}
        data = self.data.copy()
        for row in self.rows:
            conflict = by_sku.get(row["variant"].sku)
            if conflict is None:
                continue
            row.update(on_hand=conflict.on_hand, reserved=conflict.reserved, conflict=conflict)
            data[row["seen"].html_name] = str(conflict.version)
            data[row["was"].html_name] = str(conflict.on_hand)
            self.add_error(
                row["field"].name,
                _(
                    "Tồn kho vừa thay đổi trong lúc bạn sửa: hiện có %(on_hand)s, đang giữ cho "
                    "đơn %(reserved)s (còn bán được %(available)s). Kiểm tra lại rồi bấm Lưu."
                )
                % {
                    "on_hand": conflict.on_hand,
                    "reserved": conflict.reserved,
                    "available": conflict.available,
                },
            )
        self.data = data
        for row in self.rows:
            row["seen"], row["was"] = self[row["seen"].name], self[row["was"].name]


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
        stock = levels(v.sku for v in page_obj.object_list)
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
                set_many(changed, user=request.user, reason="Màn hình tồn kho")
            except StockConflict as conflict:
                form.show_conflicts(conflict.conflicts)
                form.add_error(
                    None,
                    _(
                        "Chưa lưu: tồn kho của %(count)s quy cách đã thay đổi (có đơn hàng mới "
                        "hoặc người khác vừa sửa). Các dòng được đánh dấu bên dưới."
                    )
                    % {"count": len(conflict.conflicts)},
                )
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


class NtmImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp kết quả NTM (.csv hoặc .xlsx)"),
        help_text=gettext_lazy("Theo đúng mẫu; tối đa 2 MB."),
    )


class NtmImportView(OfficerRequiredMixin, WagtailAdminTemplateMixin, FormView):
    """Import NTM results: every row checked first, errors listed by row, nothing written
    unless the whole file is valid."""

    page_title = gettext_lazy("Nhập kết quả NTM")
    header_icon = "doc-full-inverse"
    template_name = "products/admin/ntm_import.html"
    form_class = NtmImportForm

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {
                "url": reverse("wagtailsnippets_products_ntmresult:list"),
                "label": NtmResult._meta.verbose_name_plural,
            },
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(columns=COLUMNS, **kwargs)

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        if upload.size > 2 * 1024 * 1024:
            form.add_error("file", _("Tệp lớn hơn 2 MB."))
            return self.form_invalid(form)
        try:
            count = import_results(upload.name, upload.read(), user=self.request.user)
        except ImportFailed as failed:
            return self.render_to_response(
                self.get_context_data(form=form, import_errors=failed.errors), status=400
            )
        messages.success(self.request, _("Đã nhập %d kết quả NTM.") % count)
        return redirect("wagtailsnippets_products_ntmresult:list")


def ntm_template(request):
    """The import template (CSV, UTF-8 with BOM so spreadsheet programs read the accents)."""
    from django.http import HttpResponse

    if not is_officer(request.user):
        raise PermissionDenied
    response = HttpResponse("\ufeff" + template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mau-ket-qua-ntm.csv"'
    return response
