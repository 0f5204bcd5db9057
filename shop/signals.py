from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils.translation import gettext as _

from .cart import merge_session_cart


@receiver(user_logged_in, dispatch_uid="shop.merge_cart")
def merge_cart_on_login(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    merged = merge_session_cart(request, user)
    if merged and hasattr(request, "_messages"):
        messages.info(
            request,
            _("Đã gộp %(n)s sản phẩm từ giỏ hàng trước khi đăng nhập vào giỏ hàng của bạn.")
            % {"n": merged},
        )
