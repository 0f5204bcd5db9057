"""Production: refuses to start without a real SECRET_KEY; hardened defaults."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    BANK_WEBHOOK_API_KEY,
    DEMO_VIETQR_ACCOUNT,
    EMAIL_BACKEND,
    SECRET_KEY,
    SHOP_BANK_TRANSFER_ENABLED,
    VIETQR_ACCOUNT,
    env_bool,
)

DEBUG = env_bool("DEBUG", False)

# Logs as JSON lines unless LOG_FORMAT=text (cms/logsafe.py masks personal data in both).
if os.environ.get("LOG_FORMAT") is None:
    LOG_FORMAT = "json"
    LOGGING["handlers"]["console"]["formatter"] = "json"  # noqa: F405

_WEAK_KEYS = {"", "changeme", "secret", "dev-only-insecure-key-do-not-use-in-production"}
if SECRET_KEY in _WEAK_KEYS or len(SECRET_KEY) < 32:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 32 characters in production "
        "(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )

if SHOP_BANK_TRANSFER_ENABLED and VIETQR_ACCOUNT == DEMO_VIETQR_ACCOUNT:
    raise ImproperlyConfigured(
        "Bank transfer is enabled with the demo VietQR account: set VIETQR_BANK_BIN, "
        "VIETQR_ACCOUNT and VIETQR_ACCOUNT_NAME to the marketplace's real account, or "
        "SHOP_BANK_TRANSFER_ENABLED=0."
    )
if SHOP_BANK_TRANSFER_ENABLED and not BANK_WEBHOOK_API_KEY:
    raise ImproperlyConfigured(
        "Bank transfer is enabled without BANK_WEBHOOK_API_KEY: transfers would never be "
        "confirmed automatically. Set the bank hook's API key, or SHOP_BANK_TRANSFER_ENABLED=0."
    )

# Backends that write whole messages where operators read logs or files: buyers' names, phones,
# addresses and bearer order links would land there. Only with ALLOW_CONSOLE_EMAIL=1 (a trial box).
_MESSAGE_WRITING_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}
if EMAIL_BACKEND in _MESSAGE_WRITING_BACKENDS and not env_bool("ALLOW_CONSOLE_EMAIL", False):
    raise ImproperlyConfigured(
        f"EMAIL_BACKEND is {EMAIL_BACKEND}: it writes every message, with buyers' personal "
        "data and order links, to the log or to files. Set EMAIL_BACKEND=smtp (with EMAIL_HOST "
        "etc.) or another real backend, or ALLOW_CONSOLE_EMAIL=1 for a trial without mail."
    )

STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "whitenoise.storage.CompressedManifestStaticFilesStorage"
)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
# Behind the HTTPS proxy (it must set X-Forwarded-Proto): plain HTTP is redirected, and browsers
# are told to use HTTPS only (HSTS) — for a year by default; preloading is a separate decision.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# The load balancer's health checks speak plain HTTP to the node (cms/health.py).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    # Preloading binds every subdomain to HTTPS for years and is hard to undo: it is the
    # operator's decision (SECURE_HSTS_PRELOAD=1), so its reminder (W021) is not a warning here.
    SILENCED_SYSTEM_CHECKS = [*globals().get("SILENCED_SYSTEM_CHECKS", []), "security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# The page cache must be shared by every web process (cms/cache.py): without Redis, each
# gunicorn worker would keep its own copy and miss the others' purges. Off unless Redis is
# configured, or a single-process deployment says so with PAGE_CACHE_LOCAL=1. The same holds
# for everything kept under tag versions (cms/chrome.py: header and footer): CACHE_SHARED.
if CACHES["default"]["BACKEND"].endswith("LocMemCache") and not env_bool(  # noqa: F405
    "PAGE_CACHE_LOCAL", False
):
    PAGE_CACHE_SECONDS = 0
    CACHE_SHARED = False

# Database connections outlive the request (DB_CONN_MAX_AGE seconds; 0 = one per request):
# opening one costs a page more CPU than its queries (SQLite reads the schema again, PostgreSQL
# authenticates). Django checks a kept connection before reusing it.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DB_CONN_MAX_AGE", "60"))  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405

# `seed_demo` refuses to run here unless told --allow-production (demo/management/commands).
DEMO_ALLOWED = False
