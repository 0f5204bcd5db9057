from django.contrib import messages
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.utils.translation import gettext as _

from . import restock  # noqa: F401  (its stock_changed receiver)
from .cart import changed, merge_session_cart


@receiver(user_logged_out, dispatch_uid="shop.cart_count_on_logout")
def cart_count_on_logout(sender, request, user, **kwargs):
    changed(request)  # the account's cart is no longer this browser's


@receiver(user_logged_in, dispatch_uid="shop.merge_cart")
def merge_cart_on_login(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    changed(request)
    merged = merge_session_cart(request, user)
    if merged and hasattr(request, "_messages"):
        messages.info(
            request,
            _("Đã gộp %(n)s sản phẩm từ giỏ hàng trước khi đăng nhập vào giỏ hàng của bạn.")
            % {"n": merged},
        )
