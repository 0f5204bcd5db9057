"""/tai-khoan/: the buyer's account area (included from cms/urls.py). Every page is personal,
so every one is sent with never_cache (Cache-Control: private, no-store …)."""

from django.contrib.auth import views as auth
from django.urls import path, reverse_lazy
from django.views.decorators.cache import never_cache

from . import views
from .forms import BuyerPasswordChangeForm, BuyerSetPasswordForm, LoginForm

app_name = "account"

T = "shop/account/"

urlpatterns = [
    path("", never_cache(views.home), name="home"),
    path("dang-ky/", never_cache(views.signup), name="signup"),
    path(
        "dang-nhap/",
        never_cache(
            views.LoginView.as_view(
                template_name=T + "login.html",
                authentication_form=LoginForm,
                redirect_authenticated_user=True,
                next_page=reverse_lazy("account:home"),
            )
        ),
        name="login",
    ),
    path(
        "dang-xuat/",
        never_cache(auth.LogoutView.as_view(template_name=T + "logged_out.html")),
        name="logout",
    ),
    path(
        "doi-mat-khau/",
        never_cache(
            auth.PasswordChangeView.as_view(
                template_name=T + "password_change.html",
                form_class=BuyerPasswordChangeForm,
                success_url=reverse_lazy("account:password_change_done"),
            )
        ),
        name="password_change",
    ),
    path(
        "doi-mat-khau/xong/",
        never_cache(
            auth.PasswordChangeDoneView.as_view(template_name=T + "password_change_done.html")
        ),
        name="password_change_done",
    ),
    path(
        "quen-mat-khau/",
        never_cache(
            views.PasswordResetView.as_view(
                template_name=T + "password_reset.html",
                email_template_name=T + "email/password_reset.txt",
                subject_template_name=T + "email/password_reset_subject.txt",
                success_url=reverse_lazy("account:password_reset_done"),
            )
        ),
        name="password_reset",
    ),
    path(
        "quen-mat-khau/da-gui/",
        never_cache(
            auth.PasswordResetDoneView.as_view(template_name=T + "password_reset_done.html")
        ),
        name="password_reset_done",
    ),
    path(
        "dat-lai-mat-khau/<uidb64>/<token>/",
        never_cache(
            auth.PasswordResetConfirmView.as_view(
                template_name=T + "password_reset_confirm.html",
                form_class=BuyerSetPasswordForm,
                success_url=reverse_lazy("account:password_reset_complete"),
            )
        ),
        name="password_reset_confirm",
    ),
    path(
        "dat-lai-mat-khau/xong/",
        never_cache(
            auth.PasswordResetCompleteView.as_view(template_name=T + "password_reset_complete.html")
        ),
        name="password_reset_complete",
    ),
    path("du-lieu/", never_cache(views.data), name="data"),
    path("dia-chi/", never_cache(views.addresses), name="addresses"),
    path("dia-chi/them/", never_cache(views.address_form), name="address_add"),
    path("dia-chi/<int:pk>/sua/", never_cache(views.address_form), name="address_edit"),
]
