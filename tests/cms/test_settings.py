"""Settings come from the environment; production refuses to start without a real key."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _import_settings(module: str, **env) -> subprocess.CompletedProcess:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DATABASE_URL", "EMAIL_BACKEND", "ALLOW_CONSOLE_EMAIL"}
    }
    environment.update(env)
    code = (
        f"import django, os; os.environ['DJANGO_SETTINGS_MODULE']={module!r}; "
        "from django.conf import settings; django.setup(); "
        "print(settings.DATABASES['default']['ENGINE'], settings.DEBUG, "
        "settings.CACHES['default']['BACKEND'], settings.EMAIL_BACKEND, "
        "settings.DATABASES['default']['CONN_MAX_AGE'])"
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
        "cms.settings.production",
        SECRET_KEY="x" * 50,
        SHOP_BANK_TRANSFER_ENABLED="0",
        EMAIL_BACKEND="smtp",
    )
    assert off.returncode == 0, off.stderr


def test_production_starts_with_real_key_and_database_url():
    result = _import_settings(
        "cms.settings.production",
        **REAL_BANK,
        SECRET_KEY="x" * 50,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/whatever",
        REDIS_URL="redis://127.0.0.1:6379/1",
        EMAIL_BACKEND="smtp",
    )
    assert result.returncode == 0, result.stderr
    engine, debug, cache, email, conn_max_age = result.stdout.split()
    assert engine == "django.db.backends.postgresql"
    assert conn_max_age == "60"  # connections kept between requests
    assert debug == "False"
    assert cache == "cms.rediscache.RedisCache"
    assert email == "django.core.mail.backends.smtp.EmailBackend"


def test_production_refuses_backends_that_write_messages_to_logs_or_files():
    """Console and file backends would put buyers' addresses and order links in the log."""
    base = {**REAL_BANK, "SECRET_KEY": "x" * 50}
    for backend in ("", "console", "file", "django.core.mail.backends.console.EmailBackend"):
        env = {**base, "EMAIL_BACKEND": backend} if backend else base
        refused = _import_settings("cms.settings.production", **env)
        assert refused.returncode != 0, backend
        assert "ALLOW_CONSOLE_EMAIL" in refused.stderr
    allowed = _import_settings("cms.settings.production", **base, ALLOW_CONSOLE_EMAIL="1")
    assert allowed.returncode == 0, allowed.stderr
    assert allowed.stdout.split()[-2] == "django.core.mail.backends.console.EmailBackend"


def test_check_deploy_is_clean_with_production_settings():
    """`manage.py check --deploy` prints no warning (HSTS, SSL redirect, X-Frame-Options…)."""
    environment = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "SECRET_KEY",
            "DATABASE_URL",
            "EMAIL_BACKEND",
            "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests' fixtures in this process
        }
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        SECRET_KEY="k" * 20 + "Zq9-" * 10,
        ALLOWED_HOSTS="ocop.example.vn",
        CSRF_TRUSTED_ORIGINS="https://ocop.example.vn",
        SHOP_BANK_TRANSFER_ENABLED="0",
        EMAIL_BACKEND="smtp",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_dev_defaults_are_embedded():
    result = _import_settings("cms.settings.dev")
    assert result.returncode == 0, result.stderr
    engine, debug, cache, _email, conn_max_age = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert debug == "True"
    assert cache == "django.core.cache.backends.locmem.LocMemCache"
    assert conn_max_age == "0"  # a connection per request outside production


def _stack(module: str, **env) -> dict:
    """The production-stack settings `module` resolves to in a fresh process with `env`."""
    import json

    environment = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {"REDIS_URL", "TASKS_BACKEND", "AWS_STORAGE_BUCKET_NAME", "DJANGO_SETTINGS_MODULE"}
    }
    environment.update(env)
    code = (
        f"import django, json, os; os.environ['DJANGO_SETTINGS_MODULE']={module!r}; "
        "from django.conf import settings; django.setup(); "
        "from django.core.cache import caches; from django_tasks import task_backends; "
        "from django.core.files.storage import storages; "
        "print(json.dumps({'tasks': type(task_backends['default']).__name__, "
        "'cache': type(caches['default']).__name__, 'sessions': settings.SESSION_ENGINE, "
        "'storages': {a: type(storages[a]).__name__ for a in ('default', 'tiles', 'private')}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_make_run_keeps_everything_in_process_and_on_disk():
    """`make run` (manage.py's cms.settings.dev, nothing configured): jobs run in the request,
    an in-process cache (throttle counters in it), database sessions, local folders."""
    assert _stack("cms.settings.dev") == {
        "tasks": "ImmediateBackend",
        "cache": "LocMemCache",
        "sessions": "django.contrib.sessions.backends.db",
        "storages": {
            "default": "FileSystemStorage",
            "tiles": "FileSystemStorage",
            "private": "PrivateFileSystemStorage",
        },
    }


def test_redis_holds_the_cache_and_the_sessions_when_configured():
    """REDIS_URL: the default cache (page cache, chrome, django-ratelimit's throttle counters)
    is Redis, and sessions are read from it (written through to the database)."""
    stack = _stack("cms.settings.dev", REDIS_URL="redis://127.0.0.1:6379/12")
    assert stack["cache"] == "RedisCache"
    assert stack["sessions"] == "django.contrib.sessions.backends.cached_db"
    assert stack["tasks"] == "ImmediateBackend"  # the queue is its own choice (TASKS_BACKEND)
