"""Thin views of the buyer's account area: Django's auth views with the site's templates, the
sign-up, "my account" and the data-rights page (rules in shop/privacy.py).

Every page here is personal: all are sent `never_cache` (private, no-store) from urls.py.
"""

import json

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cms import throttle
from cms.hardening import local_next

from .. import addresses as book
from .. import privacy
from ..forms import SavedAddressForm
from ..models import DataRequest, Order, SavedAddress
from ..views import CHECKOUT_SESSION_KEY, guest_lookup
from .forms import DeleteAccountForm, GuestDataForm, SignUpForm


def _next(request, default: str) -> str:
    return local_next(request.POST.get("next") or request.GET.get("next"), default)


class LoginView(auth.LoginView):
    """Django's login; `next` only ever leads to a path on this site."""

    def get_redirect_url(self):
        return local_next(
            self.request.POST.get(self.redirect_field_name)
            or self.request.GET.get(self.redirect_field_name),
            "",
        )


class PasswordResetView(auth.PasswordResetView):
    """Django's reset form, throttled per e-mail address and per client address: every
    request sends a mail."""

    def post(self, request, *args, **kwargs):
        wait = throttle.hit(request, "password_reset_ip")
        if wait:
            return throttle.throttled(request, wait, json=False)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        wait = throttle.hit(self.request, "password_reset_email", email)
        if wait:
            return throttle.throttled(self.request, wait, json=False)
        return super().form_valid(form)


def signup(request):
    """/tai-khoan/dang-ky/: a buyer makes an account and is logged in straight away."""
    if request.user.is_authenticated:
        return redirect("account:home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        phone = form.cleaned_data["phone"]
        if phone:
            # No profile keeps the phone (yet): it pre-fills this session's checkout.
            prefill = dict(request.session.get(CHECKOUT_SESSION_KEY) or {})
            prefill.setdefault("recipient", user.get_full_name())
            prefill.setdefault("email", user.email)
            prefill["phone"] = phone
            request.session[CHECKOUT_SESSION_KEY] = prefill
        messages.success(request, _("Chào mừng bạn! Tài khoản đã được tạo."))
        return redirect(_next(request, reverse("account:home")))
    return render(request, "shop/account/signup.html", {"form": form, "next": _next(request, "")})


@login_required
def home(request):
    """/tai-khoan/: "Tài khoản của tôi"."""
    return render(
        request,
        "shop/account/home.html",
        {"order_count": Order.objects.filter(user=request.user).count()},
    )


def _download(data: dict) -> HttpResponse:
    body = json.dumps(data, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = f"du-lieu-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def data(request):
    """/tai-khoan/du-lieu/: the buyer's data — a copy, or its erasure. Account holders act on
    their account; guests on one order, proved with its reference and phone."""
    if request.user.is_authenticated:
        return _account_data(request)
    return _guest_data(request)


def _account_data(request):
    user = request.user
    delete_form = DeleteAccountForm(user)
    refused = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "export":
            return _download(privacy.export_user_data(user))
        if action == "delete":
            delete_form = DeleteAccountForm(user, request.POST)
            if delete_form.is_valid():
                mailed = bool(user.email)
                outcome = privacy.erase_user(user, by=user)
                if outcome.status == DataRequest.Status.DONE:
                    logout(request)
                    return render(
                        request,
                        "shop/account/erased.html",
                        {"whole_account": True, "mailed": mailed},
                    )
                refused = outcome
    return render(
        request,
        "shop/account/data.html",
        {"delete_form": delete_form, "refused": refused},
    )


def _guest_data(request):
    form = GuestDataForm(request.POST or None)
    refused = None
    if request.method == "POST" and form.is_valid():
        order, wait = guest_lookup(request, form, "guest_data")
        if wait:
            return throttle.throttled(request, wait, json=False)
        if order is None:
            form.add_error(None, _("Không tìm thấy đơn hàng với mã và số điện thoại này."))
        elif form.cleaned_data["action"] == GuestDataForm.EXPORT:
            return _download(privacy.export_order_data(order))
        else:
            outcome = privacy.erase_order(order)
            if outcome.status == DataRequest.Status.DONE:
                return render(
                    request,
                    "shop/account/erased.html",
                    {
                        "whole_account": False,
                        "reference": order.reference,
                        "mailed": bool(order.email),
                    },
                )
            refused = outcome
    return render(request, "shop/account/guest_data.html", {"form": form, "refused": refused})


# --- the address book (rules in shop/addresses.py) ----------------------------------------


@login_required
def addresses(request):
    """/tai-khoan/dia-chi/: the saved addresses, each with edit, delete and "make default"."""
    if request.method == "POST":
        address_id = request.POST.get("address")
        if request.POST.get("action") == "default" and book.make_default(request.user, address_id):
            messages.success(request, _("Đã đặt địa chỉ mặc định."))
        elif request.POST.get("action") == "delete" and book.delete(request.user, address_id):
            messages.success(request, _("Đã xóa địa chỉ."))
        return redirect("account:addresses")
    return render(
        request,
        "shop/account/addresses.html",
        {"addresses": book.addresses_for(request.user), "limit": SavedAddress.MAX_PER_USER},
    )


@login_required
def address_form(request, pk=None):
    """Add (pk None) or edit one saved address; the province → commune picker of the
    checkout (address.js, or the province button without a script)."""
    address = None
    if pk is not None:
        address = SavedAddress.objects.filter(user=request.user, pk=pk).first()
        if address is None:
            raise Http404
    initial = book.initial_for(address) | {"is_default": address.is_default} if address else {}
    if request.method == "POST" and "change_province" in request.POST:
        data = request.POST.copy()
        data["commune"] = ""
        form = SavedAddressForm(initial=data.dict())
    elif request.method == "POST":
        form = SavedAddressForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            saved = book.save(
                request.user,
                recipient=data["recipient"],
                phone=data["phone"],
                commune=data["commune"],
                street=data["street"],
                is_default=data["is_default"],
                address=address,
            )
            if saved is None:
                form.add_error(
                    None,
                    _("Sổ địa chỉ đã đủ %(n)s địa chỉ: hãy xóa bớt một địa chỉ cũ.")
                    % {"n": SavedAddress.MAX_PER_USER},
                )
            else:
                messages.success(request, _("Đã lưu địa chỉ."))
                return redirect("account:addresses")
    else:
        form = SavedAddressForm(initial=initial)
    return render(request, "shop/account/address_form.html", {"form": form, "address": address})
