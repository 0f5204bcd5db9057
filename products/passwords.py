"""The first-login password rule: a login an officer created for someone else must change its
temporary password before it does anything else, and the new one must differ from it.

The flag is the FirstLoginPassword row: it is set at onboarding and removed only when the
password really changes. Django tells every configured password validator about a real change
(`password_changed`, called from `set_password` + `save`), but not about the re-hash it does at
login after a hasher upgrade — so a re-hash can never clear the flag, unlike comparing hashes.
"""

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def must_change_password(user) -> bool:
    from .models import FirstLoginPassword

    return (
        getattr(user, "is_authenticated", False)
        and FirstLoginPassword.objects.filter(user_id=user.pk).exists()
    )


class FirstLoginPasswordValidator:
    """In AUTH_PASSWORD_VALIDATORS: refuses the temporary password as the new one, and clears
    the first-login flag once the password has changed."""

    def validate(self, password, user=None):
        from .models import FirstLoginPassword

        if user is None or not getattr(user, "pk", None):
            return
        flag = FirstLoginPassword.objects.filter(user_id=user.pk).first()
        if flag is not None and check_password(password, flag.initial_password):
            raise ValidationError(
                _("Mật khẩu mới phải khác mật khẩu tạm được cấp."), code="password_is_temporary"
            )

    def password_changed(self, password, user=None):
        from .models import FirstLoginPassword

        if user is not None and getattr(user, "pk", None):
            FirstLoginPassword.objects.filter(user_id=user.pk).delete()

    def get_help_text(self):
        return _("Mật khẩu mới phải khác mật khẩu tạm được cấp.")
