"""gunicorn settings for production (`make prod`, docs/deploy.md):
``gunicorn -c cms/gunicorn_conf.py cms.wsgi:application``.

Every value can be changed from the environment (GUNICORN_BIND, GUNICORN_WORKERS, …). The
access log is one JSON object per line with the path only, its bearer tokens masked: no query
string (guest order links carry their token in ``?t=``), no client address, no user agent —
nothing about the visitor (cms/gunicorn_logging.py).
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", str(min(2 * (os.cpu_count() or 1) + 1, 8))))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# A worker is recycled after this many requests (bounded memory growth), jittered.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# Loading the app once in the master saves memory; connections are opened per worker.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# Access and error lines as JSON, masked (cms/gunicorn_logging.py).
logger_class = "cms.gunicorn_logging.JsonLogger"
# Behind the load balancer on the same host or network: it sets X-Forwarded-Proto.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
