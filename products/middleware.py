"""Send a login created by an officer to the password form until it has changed its password."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .passwords import must_change_password


class FirstLoginPasswordMiddleware:
    """Admin requests of a user still flagged to change the temporary password set at
    onboarding (products.passwords) go to the first-login password form."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            admin_root = reverse("wagtailadmin_home")
            if request.path.startswith(admin_root):
                response = self._check(request, user)
                if response is not None:
                    return response
        return self.get_response(request)

    def _check(self, request, user):
        target = reverse("ocop_first_password")
        allowed = {target, reverse("wagtailadmin_logout"), reverse("wagtailadmin_login")}
        admin_root = reverse("wagtailadmin_home")
        if request.path in allowed or request.path.startswith(
            (admin_root + "jsi18n", admin_root + "sprite")
        ):
            return None
        if not must_change_password(user):
            return None
        messages.warning(request, _("Vui lòng đổi mật khẩu tạm trước khi bắt đầu."))
        return redirect(target)
