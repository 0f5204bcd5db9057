"""Send a login created by an officer to the password form until it has changed its password."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _


class FirstLoginPasswordMiddleware:
    """Admin requests of a user whose password is still the one set at onboarding are
    redirected to the account page, where Wagtail's password form lives."""

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
        from .models import FirstLoginPassword

        flag = FirstLoginPassword.objects.filter(user=user).first()
        if flag is None:
            return None
        if flag.initial_password != user.password:
            flag.delete()  # changed: never ask again
            return None
        allowed = {
            reverse("wagtailadmin_account"),
            reverse("wagtailadmin_logout"),
            reverse("wagtailadmin_login"),
        }
        if request.path in allowed or request.path.startswith(
            (reverse("wagtailadmin_home") + "jsi18n", reverse("wagtailadmin_home") + "sprite")
        ):
            return None
        messages.warning(request, _("Vui lòng đổi mật khẩu tạm trước khi bắt đầu."))
        return redirect(reverse("wagtailadmin_account") + "#password")
