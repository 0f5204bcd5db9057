"""Production: refuses to start without a real SECRET_KEY; hardened defaults."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    BANK_WEBHOOK_API_KEY,
    DEMO_VIETQR_ACCOUNT,
    SECRET_KEY,
    SHOP_BANK_TRANSFER_ENABLED,
    VIETQR_ACCOUNT,
    env_bool,
)

DEBUG = env_bool("DEBUG", False)

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

STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "whitenoise.storage.CompressedManifestStaticFilesStorage"
)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "SAMEORIGIN"

# The page cache must be shared by every web process (cms/cache.py): without Redis, each
# gunicorn worker would keep its own copy and miss the others' purges. Off unless Redis is
# configured, or a single-process deployment says so with PAGE_CACHE_LOCAL=1.
if CACHES["default"]["BACKEND"].endswith("LocMemCache") and not env_bool(  # noqa: F405
    "PAGE_CACHE_LOCAL", False
):
    PAGE_CACHE_SECONDS = 0
