"""seed_demo under production settings (issue 20): refused unless --allow-production, then only
with the operator's own password, and every login it creates must change it first."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

from products.models import FirstLoginPassword

pytestmark = pytest.mark.django_db


def test_refused_under_production_settings(settings):
    settings.SETTINGS_MODULE = "cms.settings.production"
    with pytest.raises(CommandError, match="--allow-production"):
        call_command("seed_demo", "--password", "Mot-mat-khau-rieng-2025", verbosity=0)
    settings.SETTINGS_MODULE = "cms.settings.test"
    settings.DEMO_ALLOWED = False
    with pytest.raises(CommandError, match="--allow-production"):
        call_command("seed_demo", verbosity=0)


def test_allowed_only_with_an_own_password(settings):
    settings.DEMO_ALLOWED = False
    with pytest.raises(CommandError, match="--password"):
        call_command("seed_demo", "--allow-production", verbosity=0)


def test_logins_it_creates_must_change_their_password(settings, capsys):
    settings.DEMO_ALLOWED = False
    User = get_user_model()
    User.objects.filter(username__in=["officer", "admin"]).delete()
    kept = User.objects.exclude(username__in=["officer", "admin"]).filter(is_staff=False).first()
    password = "Mot-mat-khau-rieng-2025"
    call_command("seed_demo", "--allow-production", "--password", password)
    assert "phải đổi mật khẩu" in capsys.readouterr().out
    for name in ("officer", "admin"):
        user = User.objects.get(username=name)
        assert FirstLoginPassword.objects.filter(user=user).exists(), name
    # Logins that already existed are left as they were.
    if kept is not None:
        assert not FirstLoginPassword.objects.filter(user=kept).exists()
    client = Client()
    response = client.post("/admin/login/", {"username": "officer", "password": password})
    assert response.status_code == 302
    home = client.get("/admin/")
    assert home.status_code == 302 and home["Location"] == "/admin/ocop/doi-mat-khau/"
