"""Liveness and readiness for load balancers and orchestrators (issue 21).

* ``/healthz`` — the process answers: no database, cache or anything else is touched, so a
  slow database never makes a load balancer kill healthy web processes.
* ``/readyz`` — this node can serve: the database, the cache, the storages and the task queue
  are each tried, and reported separately as JSON (``{"status": "ok"|"fail", "checks":
  {"database": {"status": "ok", "ms": 0.8}, ...}}``); 503 when any fails, so the balancer
  stops sending traffic to a node that cannot reach what it needs. Errors name the exception
  class only (the message may carry host names; it is logged, masked, instead).

Neither is ever cached (no-store), redirected to HTTPS (SECURE_REDIRECT_EXEMPT) or throttled.
"""

import logging
import secrets
import time

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .logsafe import describe

logger = logging.getLogger(__name__)


def check_database() -> dict:
    from django.db import connections

    for alias in settings.DATABASES:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    return {}


def check_cache() -> dict:
    from django.core.cache import caches

    store = caches["default"]
    key, value = f"readyz:{secrets.token_hex(6)}", secrets.token_hex(6)
    store.set(key, value, timeout=10)
    if store.get(key) != value:
        raise RuntimeError("the cache did not return what was stored")
    store.delete(key)
    return {"backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}


def _probe_storage(storage) -> str:
    bucket = getattr(storage, "bucket_name", None)
    if bucket:  # object storage: the bucket answers (HEAD bucket: 403/404 raise)
        storage.connection.meta.client.head_bucket(Bucket=bucket)
        return "s3"
    import os

    location = getattr(storage, "location", None)
    if location is not None:  # a folder: it, or the folder it will be made in, is writable
        path = os.path.abspath(location)
        while not os.path.exists(path) and os.path.dirname(path) != path:
            path = os.path.dirname(path)
        if not (os.path.isdir(path) and os.access(path, os.W_OK)):
            raise PermissionError(f"{path} is not a writable folder")
        return "filesystem"
    storage.exists("readyz-probe")
    return type(storage).__name__


def check_storage() -> dict:
    from django.core.files.storage import storages

    return {alias: _probe_storage(storages[alias]) for alias in ("default", "tiles", "private")}


def check_queue() -> dict:
    from django_tasks import task_backends

    backend = task_backends["default"]
    detail = {"backend": type(backend).__name__}
    if getattr(backend, "supports_defer", False):
        import datetime

        from django.utils import timezone
        from django_tasks_db.models import DBTaskResult

        from .models import JobWorker

        detail["ready"] = DBTaskResult.objects.ready().count()
        alive = timezone.now() - datetime.timedelta(seconds=settings.JOBS_STALE_AFTER)
        # Reported, not failed on: a stopped worker must not take the web nodes out of service.
        detail["workers"] = JobWorker.objects.filter(last_seen__gte=alive).count()
    return detail


CHECKS = {
    "database": check_database,
    "cache": check_cache,
    "storage": check_storage,
    "queue": check_queue,
}


@never_cache
@require_safe
def healthz(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz(request):
    results, ok = {}, True
    for name, check in CHECKS.items():
        start = time.perf_counter()
        try:
            detail = check() or {}
            results[name] = {"status": "ok", **detail}
        except Exception as exc:  # noqa: BLE001 - each dependency is reported, none raises
            ok = False
            logger.error("Readiness check %s failed: %s", name, describe(exc))
            results[name] = {"status": "fail", "error": type(exc).__name__}
        results[name]["ms"] = round((time.perf_counter() - start) * 1000, 1)
    body = {"status": "ok" if ok else "fail", "checks": results}
    return JsonResponse(body, status=200 if ok else 503)
