"""Settings shared by every environment.

Everything comes from the environment, with an embedded default so that a fresh checkout runs
with no configuration: SQLite, database search, local media, locmem cache, console email.
"""

import datetime
import os
from pathlib import Path

import dj_database_url

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "cms",
    "products",
    "shop",
    "experiences",
    "tours",
    "demo",  # manage.py seed_demo: the curated Hà Nội data for every app
    "cms.search",
    "wagtail.api.v2",
    "wagtail.contrib.forms",
    # Purges a reverse proxy / CDN in front when pages change (cms/cache.py, docs/deploy.md).
    "wagtail.contrib.frontend_cache",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    # Login throttling (issue 20): failed attempts per username + IP, lockout, officers unlock.
    "axes",
    # Background work (issue 21): Django's task framework (backport) and its database backend's
    # queue table; the immediate backend is the default (TASKS below), the table then stays empty.
    "django_tasks",
    "django_tasks_db",
    "storages",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Referrer, opener, Permissions-Policy headers and the CSP (cms/hardening.py, django-csp).
    "cms.hardening.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Malformed input (NUL bytes, bad UTF-8, huge values, API paging) answered 400 in one place,
    # before the page cache or any view sees it (issue 20).
    "cms.hardening.InputHardeningMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # /en/<path>: the same page in English (cms/language.py), for search engines' alternates.
    "cms.language.EnglishPrefixMiddleware",
    # Anonymous pages from the cache (cms/cache.py): after the language is known, before the
    # session and the user are read.
    "cms.cache.PageCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "cms.cache.AuthMarkerMiddleware",
    "shop.cart.CartCountCookieMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Logins created at onboarding must change their temporary password first (issue 3).
    "products.middleware.FirstLoginPasswordMiddleware",
    # Turns a login refused by django-axes into the lockout page (cms.hardening.lockout_response).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# Database: DATABASE_URL, or an SQLite file beside manage.py.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout let concurrent requests (and the bench) share the file safely.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: REDIS_URL, or an in-process cache. With Redis every web node shares the page cache, the
# header and footer, throttle counters (django-ratelimit) and the session cache below.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            # Django's Redis backend, keeping one client per pool (cms/rediscache.py).
            "BACKEND": "cms.rediscache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "ocop"),
        }
    }
    # Sessions read from Redis, written through to the database (a Redis restart logs nobody
    # out, a cart survives it). Without Redis: database sessions, shared by every node anyway.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background work (issue 21; cms/jobs.py): "immediate" runs a task inside the request that asks
# for it (`make run`, the tests); "database" puts it in the django-tasks-db queue table, where
# `manage.py run_worker` picks it up (production, several nodes). Retries, attempts and failures
# are recorded by cms/jobs.py whichever backend runs them.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "immediate").strip().lower()
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
        }.get(TASKS_BACKEND, TASKS_BACKEND)
    }
}
# A worker writes a heartbeat this often; a job whose worker has been silent for
# JOBS_STALE_AFTER seconds is taken back and tried again (a worker killed mid-job loses nothing).
JOBS_HEARTBEAT_SECONDS = float(os.environ.get("JOBS_HEARTBEAT_SECONDS", "10"))
JOBS_STALE_AFTER = float(os.environ.get("JOBS_STALE_AFTER", "60"))
# Product pictures made by a job when a product is published (products/renditions.py): on with a
# worker, else on first view as Wagtail does.
JOBS_PREWARM_RENDITIONS = env_bool("JOBS_PREWARM_RENDITIONS", TASKS_BACKEND == "database")

# The anonymous page cache (cms/cache.py): whole pages for visitors who are not logged in,
# purged by tags on publish and stock changes. 0 turns it off. It must live in a cache every
# web process shares: locmem is per process, fine for `make run`; production uses Redis.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
PAGE_CACHE_ALIAS = "default"
# The parts of a page kept once rendered for what the page cache cannot answer (logged-in
# visitors, the first request after a purge: cms/fragments.py), under the same tags; 0 turns
# them off. The tags make them exact; this is how long an unused part stays in memory.
FRAGMENT_CACHE_SECONDS = int(os.environ.get("FRAGMENT_CACHE_SECONDS", "3600"))
# Every web process sees the same cache (True for one process, or Redis; production.py says
# False for several processes on locmem): tag versions are exact only then (cms.cache.shared()).
CACHE_SHARED = True
# A reverse proxy or CDN in front (Varnish, nginx with a purge module): pages safe for every
# anonymous visitor say `s-maxage=FRONTEND_CACHE_SECONDS` and are purged by HTTP PURGE to
# FRONTEND_CACHE_PURGE_URL when they change (Wagtail's frontend cache; cms/cache.py).
FRONTEND_CACHE_PURGE_URL = os.environ.get("FRONTEND_CACHE_PURGE_URL", "")
if FRONTEND_CACHE_PURGE_URL:
    WAGTAILFRONTENDCACHE = {
        "proxy": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": FRONTEND_CACHE_PURGE_URL,
        }
    }
# The /en/ pages are remembered and purged by their own URLs (cms/cache.py), not rewritten.
WAGTAILFRONTENDCACHE_LANGUAGES = []
FRONTEND_CACHE_SECONDS = int(
    os.environ.get("FRONTEND_CACHE_SECONDS", "3600" if FRONTEND_CACHE_PURGE_URL else "0")
)
# Messages ride in a cookie, so the page cache can see a waiting message without the session.
MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"

# Email: console by default; any Django backend through EMAIL_BACKEND + the usual SMTP settings.
# Short names are accepted: smtp, console, file, locmem, dummy. Production refuses the ones that
# write whole messages (buyers' addresses, order links) to the log or disk (production.py).
EMAIL_BACKEND_ALIASES = {
    name: f"django.core.mail.backends.{module}.EmailBackend"
    for name, module in {
        "smtp": "smtp",
        "console": "console",
        "file": "filebased",
        "filebased": "filebased",
        "locmem": "locmem",
        "dummy": "dummy",
    }.items()
}
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "console")
EMAIL_BACKEND = EMAIL_BACKEND_ALIASES.get(EMAIL_BACKEND.strip().lower(), EMAIL_BACKEND)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "sent-mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "OCOP Hà Nội <no-reply@localhost>")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    # Clears the first-login flag on a real change; refuses the temporary password again.
    {"NAME": "products.passwords.FirstLoginPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Buyers log in on the site's own pages (shop/account); staff use the Wagtail admin's login.
LOGIN_URL = "account:login"
# django-axes first: it refuses a locked-out username + IP before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Vietnamese first, English second. Source strings are Vietnamese; locale/en holds English.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
# The admin's slug script keeps Vietnamese letters (its ASCII mode mangles them: "gốm" → "gm");
# the product form then folds them properly ("Đúc đồng" → duc-dong, products.forms).
WAGTAIL_ALLOW_UNICODE_SLUGS = True
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [PROJECT_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Files only their owners may see (buyers' return photos): never under MEDIA_URL, served by
# views that check who asks.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", MEDIA_ROOT.parent / "private-media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # 360° tiles (tours/tasks.py writes them here, the viewer asks it for their URLs). Under
    # MEDIA_ROOT and MEDIA_URL by default; the same bucket as media with object storage.
    "tiles": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"allow_overwrite": True},
    },
    # Buyers' return and review photos: never under MEDIA_URL (views check who asks).
    "private": {"BACKEND": "cms.storage.PrivateFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Object storage (issue 21): media, renditions and tiles in an S3-compatible bucket through
# django-storages when AWS_STORAGE_BUCKET_NAME is set (AWS S3, MinIO, Ceph, Viettel/VNG/FPT
# object storage…). Credentials: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in the environment
# (boto3 reads them itself), or the machine's role. AWS_S3_CUSTOM_DOMAIN: the CDN host in front.
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL") or None
AWS_S3_CUSTOM_DOMAIN = os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None
AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME") or None
AWS_S3_URL_PROTOCOL = os.environ.get("AWS_S3_URL_PROTOCOL", "https:")
AWS_PRIVATE_BUCKET_NAME = os.environ.get("AWS_PRIVATE_BUCKET_NAME", AWS_STORAGE_BUCKET_NAME)
if AWS_STORAGE_BUCKET_NAME:
    _s3 = {
        "bucket_name": AWS_STORAGE_BUCKET_NAME,
        "endpoint_url": AWS_S3_ENDPOINT_URL,
        "custom_domain": AWS_S3_CUSTOM_DOMAIN,
        "region_name": AWS_S3_REGION_NAME,
        "url_protocol": AWS_S3_URL_PROTOCOL,
        "location": os.environ.get("AWS_LOCATION", "media"),
        # Public media: plain URLs (the CDN caches them), no signatures that expire.
        "querystring_auth": False,
        "file_overwrite": False,
        # Uploaded names are unique (Wagtail adds a suffix), generated names carry a hash:
        # browsers and the CDN may keep them a long time.
        "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
    }
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _s3}
    STORAGES["tiles"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**_s3, "file_overwrite": True},
    }
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_s3,
            "bucket_name": AWS_PRIVATE_BUCKET_NAME,
            "custom_domain": None,
            "location": os.environ.get("AWS_PRIVATE_LOCATION", "private"),
            "default_acl": "private",
            "querystring_auth": True,
            "object_parameters": {},
        },
    }

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Wagtail
WAGTAIL_SITE_NAME = "OCOP & Du lịch nông thôn Hà Nội"
WAGTAILADMIN_BASE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# The database backend with typed queries cleaned (cms/wagtail_search.py).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "cms.wagtail_search"}}
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "webp", "heic"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 15 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
# Type, size and pixel-count checks with Vietnamese errors on every admin upload (issue 3).
WAGTAILIMAGES_IMAGE_FORM_BASE = "products.uploads.SafeImageForm"
WAGTAILAPI_BASE_URL = WAGTAILADMIN_BASE_URL
WAGTAILAPI_LIMIT_MAX = 100
WAGTAILDOCS_EXTENSIONS = ["csv", "pdf", "txt", "xlsx", "zip"]

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}

# The site's own knobs.
CATALOGUE_PAGE_SIZE = 24
OCOP_VALIDITY_MONTHS = 36
# Map tiles (Leaflet): any XYZ tile server; OpenStreetMap's by default (respect its usage policy).
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_ATTRIBUTION = os.environ.get(
    "MAP_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)
# Tiles through the site (tours/tilerelay.py): browsers ask /ban-do/o/<z>/<x>/<y>.png, the site
# fetches MAP_TILE_URL once per tile and keeps it a week in its cache. Visitors then talk to no
# third party, and an unreachable tile server gives the offline background with no console
# error. Off: browsers fetch MAP_TILE_URL themselves (its origin is then added to the CSP).
MAP_TILE_RELAY = env_bool("MAP_TILE_RELAY", True)
# The User-Agent of the relay's requests (OpenStreetMap's tile policy wants one naming the site).
MAP_TILE_USER_AGENT = os.environ.get(
    "MAP_TILE_USER_AGENT", "ocop-hanoi-map/1.0 (+https://nongthonmoihanoi.gov.vn)"
)

LOG_FORMAT = os.environ.get("LOG_FORMAT", "text").strip().lower()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # E-mail addresses, phone numbers and signed tokens are masked in whatever reaches the log
    # (cms/logsafe.py); the code itself logs none.
    "formatters": {
        "redact": {"()": "cms.logsafe.RedactingFormatter"},
        "json": {"()": "cms.logsafe.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            # LOG_FORMAT=json: one JSON object per line (production's default), masked the same.
            "formatter": "json" if LOG_FORMAT == "json" else "redact",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # Never at DEBUG, whatever LOG_LEVEL says: Django's template engine then logs every failed
    # variable lookup with the whole template context (an order's phone and address), and the
    # database backend every SQL statement with its parameters.
    "loggers": {
        "django.template": {"level": "INFO"},
        "django.db.backends": {"level": "INFO"},
        # Jobs' retries and failures, and readiness failures, are worth an operator's eye.
        "cms.jobs": {"level": os.environ.get("JOBS_LOG_LEVEL", "INFO")},
        "cms.health": {"level": "WARNING"},
    },
}

# Shop (issue 4): payments and limits. With no STRIPE_SECRET_KEY card payment is unavailable and
# the shop still sells by cash on delivery and VietQR bank transfer.
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")  # empty: the real https://api.stripe.com

# New-order notices to producers by phone: Zalo ZNS (off without a token and a template).
ZALO_ZNS_ACCESS_TOKEN = os.environ.get("ZALO_ZNS_ACCESS_TOKEN", "")
ZALO_ZNS_TEMPLATE_NEW_ORDER = os.environ.get("ZALO_ZNS_TEMPLATE_NEW_ORDER", "")
ZALO_ZNS_API_BASE = os.environ.get("ZALO_ZNS_API_BASE", "https://business.openapi.zalo.me")
NOTIFY_TIMEOUT_SECONDS = float(os.environ.get("NOTIFY_TIMEOUT_SECONDS", "3"))
STRIPE_SESSION_MINUTES = int(os.environ.get("STRIPE_SESSION_MINUTES", "30"))
VIETQR_BANK_BIN = os.environ.get("VIETQR_BANK_BIN", "970436")  # demo default: Vietcombank
DEMO_VIETQR_ACCOUNT = "0011001234567"  # the demo's made-up account: never in production
VIETQR_ACCOUNT = os.environ.get("VIETQR_ACCOUNT", DEMO_VIETQR_ACCOUNT)
VIETQR_ACCOUNT_NAME = os.environ.get("VIETQR_ACCOUNT_NAME", "SO NN VA PTNT HA NOI (DEMO)")
# Bank-transaction notifications (SePay-style bank hook): no key → the webhook is off (404).
BANK_WEBHOOK_API_KEY = os.environ.get("BANK_WEBHOOK_API_KEY", "")
SHOP_BANK_TRANSFER_ENABLED = env_bool("SHOP_BANK_TRANSFER_ENABLED", True)

# The producer ledger (shop/ledger.py), in basis points of the goods subtotal.
SHOP_COMMISSION_BP = int(os.environ.get("SHOP_COMMISSION_BP", "300"))  # 3% platform commission
# Tax the platform withholds for household businesses selling goods (Decree 117/2025/NĐ-CP):
SHOP_HOUSEHOLD_VAT_BP = int(os.environ.get("SHOP_HOUSEHOLD_VAT_BP", "100"))  # 1% VAT
SHOP_HOUSEHOLD_PIT_BP = int(os.environ.get("SHOP_HOUSEHOLD_PIT_BP", "50"))  # 0.5% PIT
SHOP_PAYOUT_MINIMUM = int(os.environ.get("SHOP_PAYOUT_MINIMUM", "100000"))  # đồng
SHOP_MAX_QUANTITY = int(os.environ.get("SHOP_MAX_QUANTITY", "99"))
SHOP_DELIVERY_FEE = int(os.environ.get("SHOP_DELIVERY_FEE", "30000"))  # same province, ≤ 1 kg
# The fee table (shop/delivery/table.py): zone → (fee up to SHOP_TABLE_BASE_GRAMS, fee per
# further 500 g, fewest days, most days). Used when no carrier is configured or none answers.
SHOP_TABLE_BASE_GRAMS = 1000
SHOP_DELIVERY_TABLE = {
    "local": (SHOP_DELIVERY_FEE, 5000, 1, 2),
    "region": (35000, 5000, 2, 4),
    "national": (45000, 8000, 3, 6),
}
SHOP_FREE_DELIVERY_FROM = int(os.environ.get("SHOP_FREE_DELIVERY_FROM", "500000"))
SHOP_DEFAULT_PROVINCE = "01"  # where buyers are assumed to be until they say (Hà Nội)
SHOP_TRANSFER_HOLD_HOURS = int(os.environ.get("SHOP_TRANSFER_HOLD_HOURS", "48"))
# Returns (shop/returns): the window from delivery unless the product's category sets its own,
# and how long a producer has to answer before officers take the case.
SHOP_RETURN_DAYS = int(os.environ.get("SHOP_RETURN_DAYS", "7"))
SHOP_RETURN_ANSWER_HOURS = int(os.environ.get("SHOP_RETURN_ANSWER_HOURS", "48"))
# Hours after an experience session ends when its no-shows are settled (the producer keeps the
# deposit; `manage.py experiences_settle`, cron) and check-in closes.
EXPERIENCE_SETTLE_AFTER_HOURS = int(os.environ.get("EXPERIENCE_SETTLE_AFTER_HOURS", "24"))
SHOP_RETURN_MAX_PHOTOS = 3
# Verified reviews (shop/reviews.py): a delivered line may be reviewed this many days after
# delivery, with up to this many photos.
SHOP_REVIEW_DAYS = int(os.environ.get("SHOP_REVIEW_DAYS", "90"))
SHOP_REVIEW_MAX_PHOTOS = 3

# Delivery (shop/delivery, docs/delivery.md). No carrier configured → the fee table alone.
SHOP_CARRIER_TIMEOUT = min(float(os.environ.get("SHOP_CARRIER_TIMEOUT", "3")), 3.0)
SHOP_QUOTE_CACHE_SECONDS = int(os.environ.get("SHOP_QUOTE_CACHE_SECONDS", "600"))
SHOP_DEFAULT_WEIGHT_GRAMS = int(os.environ.get("SHOP_DEFAULT_WEIGHT_GRAMS", "500"))
SHOP_PACKAGING_GRAMS = int(os.environ.get("SHOP_PACKAGING_GRAMS", "100"))
# Giao Hàng Nhanh: token and shop id from the GHN dashboard; the webhook token is a secret
# we put in the callback URL registered with GHN (GHN does not sign its callbacks).
GHN_API_BASE = os.environ.get("GHN_API_BASE", "https://online-gateway.ghn.vn/shiip/public-api")
GHN_API_TOKEN = os.environ.get("GHN_API_TOKEN", "")
GHN_SHOP_ID = os.environ.get("GHN_SHOP_ID", "")
GHN_WEBHOOK_TOKEN = os.environ.get("GHN_WEBHOOK_TOKEN", "")
# Giao Hàng Tiết Kiệm: API token and partner code; GHTK echoes the `hash` we registered.
GHTK_API_BASE = os.environ.get("GHTK_API_BASE", "https://services.giaohangtietkiem.vn")
GHTK_API_TOKEN = os.environ.get("GHTK_API_TOKEN", "")
GHTK_CLIENT_SOURCE = os.environ.get("GHTK_CLIENT_SOURCE", "")
GHTK_WEBHOOK_HASH = os.environ.get("GHTK_WEBHOOK_HASH", "")

# Hardening (issue 20; docs/architecture.md "Hardening").
# Behind a reverse proxy: how many proxies append to X-Forwarded-For (0 = use REMOTE_ADDR). The
# client address is what throttles and login lockouts count by (cms.hardening.client_ip).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# Login lockout (django-axes): AXES_FAILURE_LIMIT wrong passwords for one username from one
# address lock that pair out for AXES_COOLOFF_MINUTES; officers can unlock earlier in the admin
# (Cài đặt → Đăng nhập bị khóa).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_MINUTES = int(os.environ.get("AXES_COOLOFF_MINUTES", "15"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "cms.hardening.lockout_response"
AXES_CLIENT_IP_CALLABLE = "cms.hardening.axes_client_ip"
# Axes' log lines name the client: ours names no username or address (a buyer's is an e-mail).
AXES_CLIENT_STR_CALLABLE = "cms.hardening.axes_client_str"
AXES_USERNAME_CALLABLE = "cms.hardening.axes_username"
# Keep failed attempts only (for lockouts), not a log of every successful login.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False  # officers use the Wagtail admin screen (cms/wagtail_hooks.py)

# Cache-backed throttles (django-ratelimit's counters in the default cache; cms/throttle.py):
# "<count>/<period>" with s, m, h or d. With several web processes the cache must be shared
# (REDIS_URL), or each process counts on its own.
THROTTLE_RATES = {
    "track_reference": os.environ.get("THROTTLE_TRACK_REFERENCE", "5/15m"),
    "track_ip": os.environ.get("THROTTLE_TRACK_IP", "30/h"),
    "guest_data_reference": os.environ.get("THROTTLE_GUEST_DATA_REFERENCE", "5/15m"),
    "guest_data_ip": os.environ.get("THROTTLE_GUEST_DATA_IP", "20/h"),
    "password_reset_email": os.environ.get("THROTTLE_PASSWORD_RESET_EMAIL", "3/h"),
    "password_reset_ip": os.environ.get("THROTTLE_PASSWORD_RESET_IP", "10/h"),
    "webhook_auth_failure": os.environ.get("THROTTLE_WEBHOOK_AUTH_FAILURE", "10/h"),
    "search_api": os.environ.get("THROTTLE_SEARCH_API", "120/m"),
    "search_suggest": os.environ.get("THROTTLE_SEARCH_SUGGEST", "300/m"),
    # "Báo khi có hàng": each request may send a confirmation e-mail.
    "restock_ip": os.environ.get("THROTTLE_RESTOCK_IP", "10/h"),
    "restock_email": os.environ.get("THROTTLE_RESTOCK_EMAIL", "5/h"),
}

# Guest order links (?t=…) stop working after this many days; tracking by reference + phone
# gives a fresh one.
SHOP_ORDER_LINK_DAYS = int(os.environ.get("SHOP_ORDER_LINK_DAYS", "90"))

# Input limits (cms.hardening.InputHardeningMiddleware).
HARDENING_MAX_PARAM_LENGTH = 2000

# Response headers everywhere (production adds HSTS and the HTTPS redirect).
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(self), payment=()"


def _tile_origin(url: str) -> str:
    """The origin of the map tile URL for the CSP ("{s}.tile…" → "*.tile…")."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{s}", "a"))
    host = parts.netloc
    if "{s}" in url.split("//", 1)[-1].split("/", 1)[0]:
        host = "*." + host.split(".", 1)[1]
    return f"{parts.scheme}://{host}" if parts.scheme and host else ""


# Pages of the map and the virtual tours made to be framed by other sites (/embed/map/,
# /embed/tour/<id>/): only these origins may frame them (CSP frame-ancestors, set per view by
# cms.opendata.embeddable); every other page keeps frame-ancestors 'none' and X-Frame-Options
# DENY. Comma-separated origins (scheme://host[:port]); malformed entries are ignored.
EMBED_ALLOWED_ORIGINS = env_list("EMBED_ALLOWED_ORIGINS", "https://nongthonmoihanoi.gov.vn")

# Content-Security-Policy (django-csp 4): the public site runs only its own scripts and styles
# (no inline script or style; JSON-LD blocks are data, not run), map tiles from the site's relay
# (or from MAP_TILE_URL when MAP_TILE_RELAY is off), nothing may frame it. The Wagtail and
# Django admins use inline scripts and styles of their own, so they are left out of this policy
# (they still get X-Frame-Options: DENY).
CSP_IMG_SOURCES = ["'self'", "data:", "blob:"] + [
    origin for origin in [_tile_origin(MAP_TILE_URL)] if origin and not MAP_TILE_RELAY
]
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/", "/django-admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": CSP_IMG_SOURCES,
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        # A placed order or "pay again" redirects to Stripe Checkout (browsers apply
        # form-action to the redirect after a form's POST).
        "form-action": ["'self'", "https://checkout.stripe.com"],
        "frame-ancestors": ["'none'"],
    },
}
