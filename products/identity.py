"""Seller identity: validated formats for the tax code (MST), citizen ID (CCCD), business
registration and the payout bank account, and the screen where a producer (or an officer)
keeps them. Only the producer's own logins and officers can open it."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .banks import bank_choices
from .models import ProducerPage, SellerIdentity

MST = re.compile(r"\d{10}(-\d{3})?")
CCCD = re.compile(r"\d{12}")
ACCOUNT = re.compile(r"[0-9A-Za-z]{6,19}")


def _digits(value: str) -> str:
    return re.sub(r"[\s.]", "", value or "")


class SellerIdentityForm(forms.ModelForm):
    class Meta:
        model = SellerIdentity
        fields = [
            "tax_code",
            "citizen_id",
            "registration_number",
            "registration_date",
            "bank_bin",
            "bank_account",
            "bank_holder",
        ]
        widgets = {
            "registration_date": forms.DateInput(attrs={"type": "date"}),
            "tax_code": forms.TextInput(attrs={"inputmode": "numeric"}),
            "citizen_id": forms.TextInput(attrs={"inputmode": "numeric"}),
            "bank_account": forms.TextInput(attrs={"inputmode": "numeric"}),
        }

    def __init__(self, *args, producer: ProducerPage, officer: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.producer = producer
        if officer:  # the platform's commission is the officers' to set, never the seller's
            self.fields["commission_bp"] = forms.IntegerField(
                label=SellerIdentity._meta.get_field("commission_bp").verbose_name,
                help_text=SellerIdentity._meta.get_field("commission_bp").help_text,
                required=False,
                min_value=0,
                max_value=3000,
                initial=self.instance.commission_bp,
            )
        self.fields["bank_bin"] = forms.ChoiceField(
            label=_("Ngân hàng"),
            required=False,
            choices=[("", _("— Chọn ngân hàng —"))]
            + [(code, f"{name} ({code})") for code, name in bank_choices()],
        )

    def clean_tax_code(self):
        value = _digits(self.cleaned_data["tax_code"])
        if value and not MST.fullmatch(value):
            raise ValidationError(
                _("Mã số thuế gồm 10 chữ số, hoặc 10 chữ số, gạch ngang và 3 chữ số.")
            )
        return value

    def clean_citizen_id(self):
        value = _digits(self.cleaned_data["citizen_id"])
        if value and not CCCD.fullmatch(value):
            raise ValidationError(_("Số CCCD gồm đúng 12 chữ số."))
        return value

    def clean_bank_account(self):
        value = _digits(self.cleaned_data["bank_account"])
        if value and not ACCOUNT.fullmatch(value):
            raise ValidationError(_("Số tài khoản gồm 6 đến 19 chữ số hoặc chữ cái."))
        return value

    def clean_bank_holder(self):
        from cms.search.text import fold

        return fold(self.cleaned_data["bank_holder"]).upper().strip()  # as banks print it

    def save(self, commit=True):
        identity = super().save(commit=False)
        if "commission_bp" in self.fields:
            identity.commission_bp = self.cleaned_data.get("commission_bp")
        if commit:
            identity.save()
        return identity

    def clean(self):
        data = super().clean()
        kind = self.producer.kind
        if kind == ProducerPage.Kind.HOUSEHOLD:
            if not data.get("tax_code") and not data.get("citizen_id"):
                self.add_error(
                    "tax_code", _("Hộ kinh doanh cần mã số thuế hoặc số CCCD của chủ hộ.")
                )
        elif not data.get("tax_code"):
            self.add_error("tax_code", _("Doanh nghiệp, hợp tác xã cần mã số thuế."))
        if kind in (ProducerPage.Kind.ENTERPRISE, ProducerPage.Kind.COOPERATIVE):
            if not data.get("registration_number"):
                self.add_error("registration_number", _("Nhập số đăng ký kinh doanh."))
            if not data.get("registration_date"):
                self.add_error("registration_date", _("Nhập ngày đăng ký kinh doanh."))
        bank = [data.get("bank_bin"), data.get("bank_account"), data.get("bank_holder")]
        if any(bank) and not all(bank):
            self.add_error("bank_account", _("Nhập đủ ngân hàng, số tài khoản và chủ tài khoản."))
        return data
