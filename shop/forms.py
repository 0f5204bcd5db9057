import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from products.reference import Commune, Province

from .models import OrderShipment
from .payments import all_methods
from .phone import normalise_phone


def province_choices() -> list[tuple[str, str]]:
    """The 34 provinces, the default one (Hà Nội) first, then in alphabetical order."""
    provinces = list(Province.objects.values_list("code", "short_name"))
    home = [p for p in provinces if p[0] == settings.SHOP_DEFAULT_PROVINCE]
    return home + [p for p in provinces if p[0] != settings.SHOP_DEFAULT_PROVINCE]


class CartLineForm(forms.Form):
    sku = forms.SlugField(max_length=64)
    quantity = forms.CharField(max_length=6)


class AddressForm(forms.Form):
    """Recipient, phone and address anywhere in Vietnam: province, then the commune chosen in
    the list or named by a search text (new or pre-2025 names). The checkout and the
    account's saved addresses share it."""

    recipient = forms.CharField(label=_("Họ tên người nhận"), max_length=100)
    phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    province = forms.ChoiceField(
        label=_("Tỉnh/thành phố"),
        error_messages={"invalid_choice": _("Tỉnh/thành phố không hợp lệ.")},
    )
    commune_query = forms.CharField(
        label=_("Tìm xã/phường"),
        max_length=100,
        required=False,
        help_text=_("Gõ tên mới hoặc tên cũ, có dấu hay không dấu — ví dụ “Kiêu Kỵ, Gia Lâm”."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-commune-search": ""}),
    )
    commune = forms.ModelChoiceField(
        label=_("Xã/phường (theo địa giới từ 01/7/2025)"),
        queryset=Commune.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("— Chọn xã/phường —"),
        error_messages={"invalid_choice": _("Xã/phường này không thuộc tỉnh/thành đã chọn.")},
    )
    street = forms.CharField(label=_("Số nhà, tên đường/thôn/xóm"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        provinces = province_choices()
        self.fields["province"].choices = provinces
        self.fields["province"].initial = settings.SHOP_DEFAULT_PROVINCE
        code = self.data.get(self.add_prefix("province")) or self.initial.get("province")
        if code not in dict(provinces):
            code = settings.SHOP_DEFAULT_PROVINCE
        self.province_code = code
        self.fields["commune"].queryset = Commune.objects.filter(province__code=code).order_by(
            "folded_name"
        )
        for name in ("recipient", "phone", "province", "street"):
            self.fields[name].error_messages["required"] = _("Vui lòng điền trường này.")

    def clean_recipient(self):
        value = " ".join(self.cleaned_data["recipient"].split())
        if len(value) < 2:
            raise forms.ValidationError(_("Họ tên người nhận quá ngắn."))
        return value

    def clean_phone(self):
        return normalise_phone(self.cleaned_data["phone"])

    def clean_street(self):
        value = " ".join(self.cleaned_data["street"].split())
        if len(value) < 3:
            raise forms.ValidationError(_("Nhập số nhà và tên đường/thôn."))
        return value

    def clean_commune_query(self):
        return " ".join(self.cleaned_data["commune_query"].split())

    def _resolve_commune(self, data):
        """The commune chosen in the list, else the one the search text names; several or
        none → an error that keeps everything typed (the list then shows the candidates)."""
        if data.get("commune") or "commune" in self.errors or "province" in self.errors:
            return
        query = data.get("commune_query")
        if not query:
            self.add_error("commune", _("Chọn xã/phường, hoặc gõ tên để tìm."))
            return
        found = Commune.objects.search(query, province=self.province_code)
        exact = [c for c in found if c.match_rank <= 1]
        if len(exact) == 1 or (found and len(found) == 1):
            data["commune"] = (exact or found)[0]
            return
        province = dict(self.fields["province"].choices).get(self.province_code, "")
        if not found:
            self.add_error(
                "commune_query",
                _(
                    "Không tìm thấy xã/phường “%(q)s” ở %(p)s. Thử tên khác, hoặc tên cũ trước "
                    "1/7/2025 (ví dụ “Kiêu Kỵ, Gia Lâm”)."
                )
                % {"q": query, "p": province},
            )
            return
        self.fields["commune"].queryset = Commune.objects.filter(pk__in=[c.pk for c in found])
        self.add_error(
            "commune",
            _("Có %(n)s xã/phường khớp “%(q)s”: chọn một trong danh sách.")
            % {"n": len(found), "q": query},
        )

    def clean(self):
        data = super().clean()
        self._resolve_commune(data)
        return data


class SavedAddressForm(AddressForm):
    """An address of the account holder's book (/tai-khoan/dia-chi/)."""

    is_default = forms.BooleanField(label=_("Đặt làm địa chỉ mặc định"), required=False)


class CheckoutForm(AddressForm):
    email = forms.EmailField(
        label=_("Email (để nhận xác nhận đơn)"),
        required=False,
        error_messages={"invalid": _("Địa chỉ email không hợp lệ.")},
    )
    note = forms.CharField(
        label=_("Ghi chú cho đơn hàng"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    want_invoice = forms.BooleanField(
        label=_("Tôi cần hóa đơn VAT (hóa đơn điện tử)"), required=False
    )
    invoice_company = forms.CharField(label=_("Tên đơn vị"), max_length=255, required=False)
    invoice_tax_code = forms.CharField(
        label=_("Mã số thuế"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    invoice_address = forms.CharField(
        label=_("Địa chỉ trên hóa đơn"), max_length=255, required=False
    )
    invoice_email = forms.EmailField(
        label=_("Email nhận hóa đơn"),
        required=False,
        error_messages={"invalid": _("Địa chỉ email không hợp lệ.")},
    )
    payment_method = forms.ChoiceField(label=_("Hình thức thanh toán"), widget=forms.RadioSelect)
    # The two consents are separate and never pre-ticked (the view does not carry them back
    # into a fresh form); checkout.html renders their labels with links to the pages.
    accept_terms = forms.BooleanField(
        label=_("Tôi đồng ý với điều khoản mua hàng và chính sách đổi trả."),
        error_messages={"required": _("Bạn cần đồng ý điều khoản và chính sách đổi trả.")},
    )
    data_consent = forms.BooleanField(
        label=_(
            "Tôi đồng ý để sàn và người bán xử lý dữ liệu cá nhân của tôi (họ tên, điện thoại, "
            "địa chỉ, email) để giao hàng, thanh toán và chăm sóc sau bán, theo Chính sách bảo "
            "vệ dữ liệu cá nhân."
        ),
        error_messages={
            "required": _(
                "Bạn cần đồng ý cho sàn và người bán xử lý dữ liệu cá nhân: không có họ tên, "
                "điện thoại và địa chỉ thì không giao được hàng."
            )
        },
    )

    adult_confirmed = forms.BooleanField(
        label=_("Tôi xác nhận đã đủ 18 tuổi."),
        required=False,
        help_text=_("Đơn có đồ uống có cồn: pháp luật không cho bán cho người dưới 18 tuổi."),
    )

    # Offered to account holders: keep this address in their book once the order is placed.
    save_address = forms.BooleanField(label=_("Lưu địa chỉ này vào tài khoản"), required=False)

    def __init__(self, *args, groups=(), restricted=False, deposit=False, can_save=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.restricted = restricted
        # restricted goods and experiences booked with a deposit are paid online, not in cash
        no_cod = restricted or deposit
        if not can_save:
            del self.fields["save_address"]
        self.fields["payment_method"].error_messages["required"] = _("Vui lòng điền trường này.")
        self.fields["payment_method"].choices = [
            (m.code, m.label)
            for m in all_methods()
            if m.available() and not (no_cod and m.code == "cod")
        ]
        if restricted:
            self.fields["adult_confirmed"].required = True
            self.fields["adult_confirmed"].error_messages["required"] = _(
                "Xác nhận bạn đã đủ 18 tuổi để mua đồ uống có cồn."
            )
        else:
            del self.fields["adult_confirmed"]
        self.fields["payment_method"].error_messages["invalid_choice"] = _(
            "Hình thức thanh toán không hợp lệ."
        )
        self.groups = list(groups)
        for group in self.groups:
            shippable = getattr(group, "shippable", True)  # experiences: on site only
            self.fields[f"ship_{group.producer_id}"] = forms.ChoiceField(
                label=group.producer_title,
                choices=OrderShipment.Method.choices
                if shippable
                else [(OrderShipment.Method.PICKUP, _("Đến trực tiếp (trải nghiệm)"))],
                initial=OrderShipment.Method.DELIVERY if shippable else OrderShipment.Method.PICKUP,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Chọn hình thức nhận hàng."),
                    "invalid_choice": _("Hình thức nhận hàng không hợp lệ."),
                },
            )

    INVOICE_FIELDS = ("invoice_company", "invoice_tax_code", "invoice_address", "invoice_email")

    def clean(self):
        from products.identity import MST

        data = super().clean()
        if not data.get("want_invoice"):
            for name in self.INVOICE_FIELDS:
                data[name] = ""
            return data
        tax_code = re.sub(r"[\s.]", "", data.get("invoice_tax_code") or "")
        if not MST.fullmatch(tax_code):
            self.add_error(
                "invoice_tax_code",
                _("Mã số thuế gồm 10 chữ số, hoặc 10 chữ số, gạch ngang và 3 chữ số."),
            )
        else:
            data["invoice_tax_code"] = tax_code
        for name in ("invoice_company", "invoice_address", "invoice_email"):
            if name not in self.errors and not (data.get(name) or "").strip():
                self.add_error(name, _("Cần cho hóa đơn VAT."))
        return data

    def invoice(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name) or "" for name in self.INVOICE_FIELDS}

    def invoice_fields(self):
        return [self[name] for name in self.INVOICE_FIELDS]

    def shipping(self) -> dict[int, str]:
        return {g.producer_id: self.cleaned_data[f"ship_{g.producer_id}"] for g in self.groups}

    def shipping_fields(self):
        return [self[f"ship_{g.producer_id}"] for g in self.groups]


class TrackOrderForm(forms.Form):
    reference = forms.CharField(label=_("Mã đơn hàng"), max_length=20)
    phone = forms.CharField(label=_("Số điện thoại đặt hàng"), max_length=20)

    def clean_reference(self):
        return self.cleaned_data["reference"].strip().upper()

    def clean_phone(self):
        return normalise_phone(self.cleaned_data["phone"])
