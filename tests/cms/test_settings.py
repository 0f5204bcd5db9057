"""Settings come from the environment; production refuses to start without a real key."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _import_settings(module: str, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL"}}
    environment.update(env)
    code = (
        f"import django, os; os.environ['DJANGO_SETTINGS_MODULE']={module!r}; "
        "from django.conf import settings; django.setup(); "
        "print(settings.DATABASES['default']['ENGINE'], settings.DEBUG, "
        "settings.CACHES['default']['BACKEND'], settings.EMAIL_BACKEND)"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def test_production_refuses_missing_secret_key():
    result = _import_settings("cms.settings.production")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_short_secret_key():
    result = _import_settings("cms.settings.production", SECRET_KEY="short")
    assert result.returncode != 0


REAL_BANK = {"VIETQR_ACCOUNT": "1903123456789", "BANK_WEBHOOK_API_KEY": "k" * 24}


def test_production_refuses_the_demo_bank_account_or_no_webhook_key():
    demo = _import_settings("cms.settings.production", SECRET_KEY="x" * 50)
    assert demo.returncode != 0 and "demo VietQR account" in demo.stderr
    no_key = _import_settings(
        "cms.settings.production", SECRET_KEY="x" * 50, VIETQR_ACCOUNT="1903123456789"
    )
    assert no_key.returncode != 0 and "BANK_WEBHOOK_API_KEY" in no_key.stderr
    off = _import_settings(
        "cms.settings.production", SECRET_KEY="x" * 50, SHOP_BANK_TRANSFER_ENABLED="0"
    )
    assert off.returncode == 0, off.stderr


def test_production_starts_with_real_key_and_database_url():
    result = _import_settings(
        "cms.settings.production",
        **REAL_BANK,
        SECRET_KEY="x" * 50,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/whatever",
        REDIS_URL="redis://127.0.0.1:6379/1",
    )
    assert result.returncode == 0, result.stderr
    engine, debug, cache, email = result.stdout.split()
    assert engine == "django.db.backends.postgresql"
    assert debug == "False"
    assert cache == "django.core.cache.backends.redis.RedisCache"
    assert email == "django.core.mail.backends.console.EmailBackend"


def test_dev_defaults_are_embedded():
    result = _import_settings("cms.settings.dev")
    assert result.returncode == 0, result.stderr
    engine, debug, cache, _email = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert debug == "True"
    assert cache == "django.core.cache.backends.locmem.LocMemCache"
