"""/healthz and /readyz (cms/health.py, issue 21): liveness touches nothing; readiness reports
the database, the cache, the storages and the task queue separately, and each one's failure —
made real here: a closed database connection, Redis on a port nobody listens on, a media
folder that is a file, an S3 endpoint that refuses, a queue table that is gone."""

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from tests.local_servers import free_port

pytestmark = pytest.mark.django_db


def _checks(client):
    answer = client.get("/readyz")
    return answer.status_code, answer.json(), answer


def test_healthz_touches_no_dependency(client):
    with CaptureQueriesContext(connection) as queries:
        answer = client.get("/healthz")
    assert answer.status_code == 200 and answer.json() == {"status": "ok"}
    assert len(queries) == 0
    assert "no-store" in answer["Cache-Control"]


def test_readyz_reports_every_dependency(client):
    status, body, answer = _checks(client)
    assert status == 200 and body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "storage", "queue"}
    assert all(check["status"] == "ok" for check in body["checks"].values())
    assert body["checks"]["storage"]["default"] == "filesystem"
    assert body["checks"]["queue"]["backend"] == "ImmediateBackend"
    assert "no-store" in answer["Cache-Control"]
    assert "X-Page-Cache" not in answer


def _only_failure(body, name):
    failing = {k for k, v in body["checks"].items() if v["status"] == "fail"}
    assert failing == {name}, body
    return body["checks"][name]


def test_database_failure(client, monkeypatch):
    from django.db import OperationalError
    from django.db.backends.base.base import BaseDatabaseWrapper

    def refuse(self, *args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", refuse)
    status, body, _ = _checks(client)
    assert status == 503 and body["status"] == "fail"
    check = _only_failure(body, "database")
    assert check["error"] == "OperationalError"
    assert "Connection refused" not in str(body)  # details go to the log, not the answer


def test_cache_failure(client):
    dead_redis = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        }
    }
    with override_settings(CACHES=dead_redis, PAGE_CACHE_SECONDS=0):
        status, body, _ = _checks(client)
    assert status == 503
    assert _only_failure(body, "cache")["error"] == "ConnectionError"


def test_storage_failure_on_a_folder(client, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with override_settings(MEDIA_ROOT=blocker / "media"):
        status, body, _ = _checks(client)
    assert status == 503
    assert _only_failure(body, "storage")["error"] == "PermissionError"


def test_storage_failure_on_object_storage(client, settings):
    from tests.local_servers import MotoS3

    storages = MotoS3.__new__(MotoS3)
    storages.bucket, storages.endpoint = "gone", f"http://127.0.0.1:{free_port()}"
    with override_settings(STORAGES=storages.storages(), AWS_MAX_ATTEMPTS=1):
        status, body, _ = _checks(client)
    assert status == 503
    assert _only_failure(body, "storage")["error"] == "EndpointConnectionError"


def test_queue_failure(client, monkeypatch):
    from django.db import ProgrammingError
    from django_tasks_db.models import DBTaskResultQuerySet

    def gone(self):
        raise ProgrammingError('relation "django_tasks_database_dbtaskresult" does not exist')

    monkeypatch.setattr(DBTaskResultQuerySet, "ready", gone)
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        status, body, _ = _checks(client)
    assert status == 503
    assert _only_failure(body, "queue")["error"] == "ProgrammingError"


def test_queue_with_the_database_backend_reports_workers(client):
    from django.utils import timezone

    from cms.models import JobWorker

    JobWorker.objects.create(worker_id="w-1", last_seen=timezone.now())
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        status, body, _ = _checks(client)
    assert status == 200
    assert body["checks"]["queue"] == {
        "status": "ok",
        "backend": "DatabaseBackend",
        "ready": 0,
        "workers": 1,
        "ms": body["checks"]["queue"]["ms"],
    }


def test_production_stack_from_the_environment():
    """REDIS_URL moves sessions, TASKS_BACKEND the queue, AWS_STORAGE_BUCKET_NAME the files,
    FRONTEND_CACHE_PURGE_URL the proxy purge; health checks are never redirected to HTTPS and
    logs are JSON lines."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import django, json, os; os.environ['DJANGO_SETTINGS_MODULE']='cms.settings.production';"
        "from django.conf import settings; django.setup();"
        "print(json.dumps({'exempt': settings.SECURE_REDIRECT_EXEMPT,"
        " 'session': settings.SESSION_ENGINE, 'tasks': settings.TASKS['default']['BACKEND'],"
        " 'media': settings.STORAGES['default'], 'tiles': settings.STORAGES['tiles']['BACKEND'],"
        " 'purge': settings.WAGTAILFRONTENDCACHE['proxy']['LOCATION'],"
        " 's_maxage': settings.FRONTEND_CACHE_SECONDS,"
        " 'log': settings.LOGGING['handlers']['console']['formatter']}))"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "LOG_FORMAT"}}
    env.update(
        SECRET_KEY="k" * 50,
        SHOP_BANK_TRANSFER_ENABLED="0",
        EMAIL_BACKEND="smtp",
        REDIS_URL="redis://127.0.0.1:6379/14",
        TASKS_BACKEND="database",
        AWS_STORAGE_BUCKET_NAME="ocop-media",
        AWS_S3_CUSTOM_DOMAIN="media.ocop.example.vn",
        FRONTEND_CACHE_PURGE_URL="http://127.0.0.1:6081",
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout)
    assert got["exempt"] == ["^healthz$", "^readyz$"]
    assert got["session"] == "django.contrib.sessions.backends.cached_db"
    assert got["tasks"] == "django_tasks_db.DatabaseBackend"
    assert got["media"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert got["media"]["OPTIONS"]["bucket_name"] == "ocop-media"
    assert got["media"]["OPTIONS"]["custom_domain"] == "media.ocop.example.vn"
    assert got["tiles"] == "storages.backends.s3.S3Storage"
    assert got["purge"] == "http://127.0.0.1:6081" and got["s_maxage"] == 3600
    assert got["log"] == "json"
