"""Buyer account forms. Passwords go through Django's own forms and validators."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    SetPasswordForm,
    SetPasswordMixin,
)
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..forms import TrackOrderForm
from ..phone import normalise_phone

PASSWORD_HELP = _(
    "Ít nhất 8 ký tự; không quá giống email hoặc họ tên, không phải mật khẩu phổ biến, không "
    "chỉ gồm chữ số."
)


def _new_password_fields(form, first: str, second: str):
    form.fields[first].label = _("Mật khẩu mới")
    form.fields[first].help_text = PASSWORD_HELP
    form.fields[second].label = _("Nhập lại mật khẩu mới")
    form.fields[second].help_text = ""


class SignUpForm(SetPasswordMixin, forms.Form):
    """E-mail (the username, unique whatever its case), full name, optional phone, password
    twice (Django's validators)."""

    email = forms.EmailField(
        label=_("Email"),
        max_length=150,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Địa chỉ email không hợp lệ.")},
    )
    name = forms.CharField(
        label=_("Họ và tên"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("Số điện thoại (không bắt buộc)"),
        max_length=20,
        required=False,
        help_text=_("Dùng để điền sẵn khi bạn đặt hàng."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    password1, password2 = SetPasswordMixin.create_password_fields(
        label1=_("Mật khẩu"), label2=_("Nhập lại mật khẩu")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = PASSWORD_HELP
        self.fields["password2"].help_text = ""

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        users = get_user_model().objects.filter(Q(username__iexact=email) | Q(email__iexact=email))
        if users.exists():
            raise forms.ValidationError(
                _("Email này đã có tài khoản. Hãy đăng nhập, hoặc lấy lại mật khẩu nếu bạn quên."),
                code="taken",
            )
        return email

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        return normalise_phone(phone) if phone else ""

    def clean(self):
        cleaned = super().clean()
        self.validate_passwords()
        self.validate_password_for_user(self._unsaved_user())
        return cleaned

    def _unsaved_user(self):
        email = self.cleaned_data.get("email", "")
        return get_user_model()(
            username=email, email=email, first_name=self.cleaned_data.get("name", "")
        )

    def save(self):
        user = self._unsaved_user()
        return self.set_password_and_save(user)


class LoginForm(AuthenticationForm):
    """Log in with the e-mail address, whatever its case."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Email")
        self.fields["username"].widget.attrs.update({"autocomplete": "email", "inputmode": "email"})
        self.fields["password"].label = _("Mật khẩu")
        self.error_messages = {
            **self.error_messages,
            "invalid_login": _("Email hoặc mật khẩu không đúng."),
        }

    def clean_username(self):
        name = self.cleaned_data["username"].strip()
        users = get_user_model().objects
        if users.filter(username=name).exists():
            return name
        match = users.filter(username__iexact=name).values_list("username", flat=True).first()
        return match or name


class BuyerPasswordChangeForm(PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Mật khẩu hiện tại")
        _new_password_fields(self, "new_password1", "new_password2")


class BuyerSetPasswordForm(SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _new_password_fields(self, "new_password1", "new_password2")


class DeleteAccountForm(forms.Form):
    """The account holder confirms with their password and a tick."""

    password = forms.CharField(
        label=_("Mật khẩu của bạn"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("Tôi hiểu tài khoản sẽ bị xóa và không thể khôi phục."),
        error_messages={"required": _("Hãy đánh dấu ô xác nhận.")},
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Mật khẩu không đúng."), code="password_incorrect")
        return password


class GuestDataForm(TrackOrderForm):
    """A guest proves an order with its reference and phone (the same lookup as tracking)."""

    EXPORT, ERASE = "export", "erase"

    action = forms.ChoiceField(
        label=_("Bạn muốn"),
        choices=[
            (EXPORT, _("Tải dữ liệu của đơn hàng (JSON)")),
            (ERASE, _("Xóa thông tin cá nhân trong đơn hàng")),
        ],
        initial=EXPORT,
        widget=forms.RadioSelect,
        error_messages={"required": _("Chọn tải dữ liệu hoặc xóa dữ liệu.")},
    )
    confirm = forms.BooleanField(
        label=_("Nếu xóa: tôi hiểu thông tin cá nhân trong đơn sẽ bị xóa vĩnh viễn."),
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == self.ERASE and not cleaned.get("confirm"):
            self.add_error("confirm", _("Hãy đánh dấu ô xác nhận để xóa."))
        return cleaned
