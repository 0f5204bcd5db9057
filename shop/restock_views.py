"""'Báo khi có hàng', thin views (rules in shop/restock.py): the subscription form, the
confirmation link and the unsubscribe link. Every page is personal: never cached."""

from django import forms
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from cms import throttle
from cms.hardening import local_next
from products.purchasable import get_purchasable

from . import restock


class RestockForm(forms.Form):
    sku = forms.SlugField(max_length=64)
    email = forms.EmailField(
        label=gettext_lazy("Email của bạn"),
        max_length=254,
        error_messages={
            "required": gettext_lazy("Nhập email để nhận thông báo."),
            "invalid": gettext_lazy("Địa chỉ email không hợp lệ."),
        },
    )
    consent = forms.BooleanField(
        label=gettext_lazy(
            "Tôi đồng ý để sàn lưu email này chỉ để báo một lần khi sản phẩm có hàng trở lại."
        ),
        error_messages={"required": gettext_lazy("Bạn cần đồng ý để chúng tôi lưu email này.")},
    )


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _answer(request, context, status=200):
    if _wants_json(request):
        return JsonResponse(
            {"ok": status == 200, "message": context.get("message", "")}, status=status
        )
    return render(request, "shop/restock.html", context, status=status)


@never_cache
def subscribe(request):
    """POST subscribes (product page script, or the form here). A GET comes from the product
    page without a script (cached pages carry no CSRF token): the same form, to post."""
    data = request.POST if request.method == "POST" else request.GET
    form = RestockForm(data or None)
    item = get_purchasable(data.get("sku", "")) if data.get("sku") else None
    context = {"form": form, "item": item, "next": local_next(data.get("next"), "/")}
    if item is None:
        context["message"] = _("Sản phẩm không tồn tại hoặc đã ngừng bán.")
        return _answer(request, context, 404)
    if request.method != "POST":
        return render(request, "shop/restock.html", context)
    if not form.is_valid():
        context["message"] = " ".join(e for errors in form.errors.values() for e in errors)
        return _answer(request, context, 400)
    email = restock.normalise_email(form.cleaned_data["email"])
    wait = throttle.first_over(request, [("restock_ip", None), ("restock_email", email)])
    if wait:
        return throttle.throttled(request, wait, json=_wants_json(request))
    if item.available > 0:
        context["message"] = _("Quy cách này đang có hàng: bạn có thể đặt mua ngay.")
        return _answer(request, context, 409)
    restock.subscribe(item.sku, email, user=request.user)
    # The same answer whether the address was new, waiting or confirmed (no address probing).
    context["done"] = True
    context["message"] = _(
        "Đã ghi nhận. Hãy mở thư chúng tôi vừa gửi tới %(email)s và bấm liên kết xác nhận; "
        "nếu đã xác nhận trước đó, bạn không cần làm gì thêm."
    ) % {"email": email}
    return _answer(request, context)


@never_cache
def confirm(request, token):
    """The e-mailed link: a page with a button (mail scanners that open links confirm
    nothing), whose POST confirms."""
    valid = restock.confirm(token) if request.method == "POST" else None
    context = {"confirming": True, "token": token}
    if request.method == "POST":
        if valid is None:
            context["message"] = _("Liên kết xác nhận không hợp lệ hoặc đã hết hạn.")
            return render(request, "shop/restock.html", context, status=400)
        item = get_purchasable(valid.sku)
        context["done"] = True
        context["message"] = _(
            "Đã xác nhận. Chúng tôi sẽ gửi một thư khi %(title)s có hàng trở lại."
        ) % {"title": item.display_name if item else valid.sku}
    return render(request, "shop/restock.html", context)


@csrf_exempt  # the signed token is the authority; mail clients' one-click POST has no CSRF token
@never_cache
def unsubscribe(request, token):
    email = restock.email_for_unsubscribe(token)
    context = {"unsubscribing": True, "token": token}
    if email is None:
        context["message"] = _("Liên kết hủy đăng ký không hợp lệ.")
        return render(request, "shop/restock.html", context, status=400)
    if request.method == "POST":
        restock.unsubscribe(token)
        context["done"] = True
        context["message"] = _(
            "Đã hủy: chúng tôi không còn lưu email này cho thông báo có hàng nào."
        )
    return render(request, "shop/restock.html", context)
