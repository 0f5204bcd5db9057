"""Onboarding: an officer registers a producer and its farmer's login in one step.

`onboard_producer()` creates, in one transaction, the ProducerPage (published, under the
producer index), the group `Producer: <slug>` with its page and image-collection rights, and the
login (username = producer slug) that must change its password at first login.
"""

from dataclasses import dataclass

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from cms.search.text import fold

from .models import Commune, ProducerIndexPage, ProducerPage, programme_communes
from .roles import create_login, ensure_producer_access


def producer_slug(title: str) -> str:
    """ "HTX Gốm Đông Hồ" → "htx-gom-dong-ho" (đ → d)."""
    return slugify(fold(title))[:60].strip("-")


class OnboardingForm(forms.Form):
    title = forms.CharField(
        label=_("Tên chủ thể"),
        max_length=255,
        help_text=_("Tên doanh nghiệp, hợp tác xã hoặc hộ kinh doanh, như trên giấy đăng ký."),
    )
    slug = forms.SlugField(
        label=_("Tên đăng nhập"),
        max_length=60,
        required=False,
        help_text=_(
            "Dùng làm địa chỉ trang và tên đăng nhập của chủ thể. Để trống để tạo tự động từ tên."
        ),
    )
    kind = forms.ChoiceField(label=_("Loại hình"), choices=ProducerPage.Kind.choices)
    commune = forms.ModelChoiceField(
        label=_("Xã/phường"),
        queryset=Commune.objects.filter(programme_communes()),
        required=False,
    )
    address = forms.CharField(label=_("Địa chỉ"), max_length=255, required=False)
    phone = forms.CharField(label=_("Điện thoại"), max_length=20, required=False)
    email = forms.EmailField(
        label=_("Email"),
        required=False,
        help_text=_("Nhận thông báo khi tin được duyệt hoặc cần sửa."),
    )
    password = forms.CharField(
        label=_("Mật khẩu tạm"),
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Chủ thể sẽ phải đổi mật khẩu này ở lần đăng nhập đầu tiên."),
    )

    def clean(self):
        data = super().clean()
        title = data.get("title")
        if not title:
            return data
        slug = data.get("slug") or producer_slug(title)
        if not slug:
            self.add_error("slug", _("Không tạo được tên đăng nhập từ tên này; hãy nhập tay."))
            return data
        data["slug"] = slug
        if get_user_model().objects.filter(username__iexact=slug).exists():
            self.add_error("slug", _("Tên đăng nhập này đã có người dùng."))
        elif ProducerPage.objects.filter(slug=slug).exists():
            self.add_error("slug", _("Đã có chủ thể dùng địa chỉ này."))
        if password := data.get("password"):
            user = get_user_model()(username=slug, email=data.get("email") or "")
            try:
                password_validation.validate_password(password, user)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data


@dataclass
class Onboarded:
    producer: ProducerPage
    user: object
    group: Group
    collection: object


@transaction.atomic
def onboard_producer(data: dict, *, by=None) -> Onboarded:
    """Create producer page, login, group, collection and permissions together (or nothing)."""
    index = ProducerIndexPage.objects.select_for_update().get()
    producer = ProducerPage(
        title=data["title"],
        slug=data["slug"],
        kind=data["kind"],
        commune=data.get("commune"),
        address=data.get("address") or "",
        phone=data.get("phone") or "",
        email=data.get("email") or "",
        owner=by,
    )
    index.add_child(instance=producer)
    producer.save_revision(user=by).publish(user=by)
    group, collection = ensure_producer_access(producer)
    user = create_login(
        data["slug"],
        data["password"],
        [group],
        email=data.get("email") or "",
        full_name=data["title"],
        must_change_password=True,
    )
    return Onboarded(producer=producer, user=user, group=group, collection=collection)
