"""Test settings: fast hashing, in-memory email, media in a temporary folder."""

import tempfile

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="ocop-test-media-"))  # noqa: F405
PRIVATE_MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="ocop-test-private-"))  # noqa: F405
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="ocop-test-static-"))  # noqa: F405
STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)
ALLOWED_HOSTS = ["*"]
# django-axes needs the request at authenticate(), which the test client's login() does not pass;
# the lockout tests turn it on (tests/cms/test_hardening_login.py).
AXES_ENABLED = False
# Throttles are off for the suite (many tests repeat requests from one address); the throttling
# tests set their own rates (tests/shop/test_throttling.py).
THROTTLE_RATES = {}
# The map's tile relay never reaches the internet from the suite (a refused local port): the
# map shows its offline background; tests that want real tiles give the relay their own
# (tests/browser_tests/test_csp_browser.py).
MAP_TILE_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not SQLite's shared in-memory database: tests that run threads against the
    # database (shop stock races) need real file locking and the busy timeout.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.mkdtemp(prefix="ocop-test-db-")) / "test.sqlite3")  # noqa: F405
    }
