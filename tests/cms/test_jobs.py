"""Background jobs and their retries (cms/jobs.py, issue 21): attempts recorded, exponential
backoff honoured by the database queue, final failure listed for officers, the retry button,
permanent errors, and a worker that died mid-job taken over by another."""

import datetime

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from cms import jobs
from cms.models import Job, JobWorker
from tests.cms import job_functions

pytestmark = pytest.mark.django_db

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
FLAKY = "tests.cms.job_functions.flaky"


@pytest.fixture(autouse=True)
def _keep_the_test_connection(monkeypatch):
    """The worker closes "old" connections between tasks; inside a test's transaction that
    would close the test's own connection."""
    import django_tasks_db.management.commands.db_worker as db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def _run_worker(worker_id="test-worker"):
    """One pass of django-tasks-db's worker over every ready task, in this process."""
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    ).run()


def test_backoff_is_exponential_and_capped():
    policy = jobs.RetryPolicy(max_attempts=6, base_seconds=30, factor=4, max_seconds=3600)
    assert [policy.backoff(n).total_seconds() for n in range(1, 7)] == [
        30,
        120,
        480,
        1920,
        3600,
        3600,
    ]


def test_each_kind_has_its_policy_and_settings_override_it(settings):
    assert jobs.policy_for("email").max_attempts == 6
    assert jobs.policy_for("tiles").max_attempts == 4
    assert jobs.policy_for("unknown") == jobs.DEFAULT_POLICY
    settings.JOBS_RETRY = {"email": {"max_attempts": 2, "base_seconds": 1}}
    assert jobs.policy_for("email") == jobs.RetryPolicy(max_attempts=2, base_seconds=1)


def test_a_job_runs_after_commit_and_records_one_attempt(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.enqueue("email", FLAKY, "once", 0, label="Thư thử")
        assert job.status == Job.Status.QUEUED and job_functions.calls("once") == 0
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.attempts == 1 and job.history == []
    assert job.finished_at is not None


def test_a_rolled_back_change_enqueues_nothing(django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                jobs.enqueue("email", FLAKY, "rolled", 0)
                raise RuntimeError("the order failed")
        except RuntimeError:
            pass
    assert not Job.objects.filter(args=["rolled", 0]).exists()
    assert job_functions.calls("rolled") == 0


def test_database_queue_waits_the_backoff_then_succeeds(
    settings, django_capture_on_commit_callbacks
):
    settings.JOBS_RETRY = {"email": {"max_attempts": 4, "base_seconds": 60, "factor": 3}}
    with override_settings(TASKS=DB_TASKS):
        with django_capture_on_commit_callbacks(execute=True):
            job = jobs.enqueue("email", FLAKY, "db", 2, label="Thư cho người mua")
        assert DBTaskResult.objects.ready().count() == 1

        before = timezone.now()
        _run_worker()
        job.refresh_from_db()
        assert job.status == Job.Status.RETRYING and job.attempts == 1
        assert job.worker_id == "test-worker"
        # Masked: the relay's message named the buyer.
        assert "an.nguyen@example.vn" not in job.last_error and "[email]" in job.last_error
        wait = (job.next_attempt_at - before).total_seconds()
        assert 59 <= wait <= 61
        queued = DBTaskResult.objects.get(pk=job.task_result_id)
        assert queued.status == "READY" and queued.run_after == job.next_attempt_at

        _run_worker()  # too early: nothing runs
        job.refresh_from_db()
        assert job.attempts == 1 and job_functions.calls("db") == 1

        # The clock moves past the first wait: second attempt fails, the wait is 3× longer.
        DBTaskResult.objects.filter(pk=job.task_result_id).update(run_after=timezone.now())
        before = timezone.now()
        _run_worker()
        job.refresh_from_db()
        assert job.status == Job.Status.RETRYING and job.attempts == 2
        assert 179 <= (job.next_attempt_at - before).total_seconds() <= 181

        DBTaskResult.objects.filter(pk=job.task_result_id).update(run_after=timezone.now())
        _run_worker()
        job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.attempts == 3
    assert [h["attempt"] for h in job.history] == [1, 2]
    assert job_functions.calls("db") == 3


def test_final_failure_is_listed_for_officers_who_can_retry_it(
    client, settings, django_capture_on_commit_callbacks
):
    from django.contrib.auth import get_user_model

    settings.JOBS_RETRY = {"tiles": {"max_attempts": 3, "base_seconds": 60}}
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.enqueue(
            "tiles",
            "tests.cms.job_functions.fails_until_fixed",
            "admin",
            label="Tạo ô ảnh 360° cho ảnh #77",
        )
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.attempts == 3
    assert job.last_error == "TimeoutError: object storage did not answer"

    officer = get_user_model().objects.get(username="officer")
    client.force_login(officer)
    listing = client.get("/admin/ocop/viec-chay-nen/")
    assert listing.status_code == 200
    html = listing.content.decode()
    row = html.split(f'data-job="{job.pk}"', 1)[1].split("</tr>", 1)[0]
    assert "Tạo ô ảnh 360° cho ảnh #77" in row and "Ô ảnh 360°" in row
    assert "TimeoutError: object storage did not answer" in row
    assert job.finished_at.astimezone(timezone.get_current_timezone()).strftime("%d/%m/%Y") in row
    assert "<td>3</td>" in row and "Chạy lại" in row

    cache.set("jobtest:admin:fixed", True)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post("/admin/ocop/viec-chay-nen/", {"job": job.pk}, follow=True)
    assert "Đã đưa việc" in answer.content.decode()
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.attempts == 4
    assert f'data-job="{job.pk}"' not in client.get("/admin/ocop/viec-chay-nen/").content.decode()
    # A second press (an old tab) changes nothing.
    answer = client.post("/admin/ocop/viec-chay-nen/", {"job": job.pk}, follow=True)
    assert "Không thể chạy lại" in answer.content.decode()


def test_producers_cannot_see_the_job_list(client):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    producer = (
        get_user_model()
        .objects.filter(groups__in=Group.objects.exclude(name="Officer"), is_superuser=False)
        .first()
    )
    client.force_login(producer)
    assert client.get("/admin/ocop/viec-chay-nen/").status_code == 302
    menu = client.get("/admin/").content.decode()
    assert "viec-chay-nen" not in menu


def test_a_permanent_error_fails_at_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.enqueue("tiles", "tests.cms.job_functions.bad_input")
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.attempts == 1
    assert "2:1" in job.last_error


def test_a_dead_workers_job_is_taken_back_and_finished_by_another(
    settings, django_capture_on_commit_callbacks
):
    settings.JOBS_STALE_AFTER = 30
    with override_settings(TASKS=DB_TASKS):
        with django_capture_on_commit_callbacks(execute=True):
            job = jobs.enqueue("index", FLAKY, "killed", 0)
        job.refresh_from_db()
        # A worker claimed it (its queue row is RUNNING) and was then killed: no more beats.
        first = DBTaskResult.objects.get(pk=job.task_result_id)
        first.claim("dead-worker")
        jobs._claim(job.pk, "dead-worker")
        JobWorker.objects.create(
            worker_id="dead-worker", last_seen=timezone.now() - datetime.timedelta(seconds=31)
        )
        JobWorker.objects.create(worker_id="live-worker", last_seen=timezone.now())
        live = jobs.enqueue("index", FLAKY, "live", 0)
        jobs._claim(live.pk, "live-worker")

        assert jobs.recover_stale() == [job.pk]

        job.refresh_from_db()
        assert job.status == Job.Status.RETRYING and job.attempts == 1
        assert job.history[-1]["error"].startswith("WorkerLost")
        first.refresh_from_db()
        assert first.status == "FAILED" and first.exception_class_path == "cms.jobs.WorkerLost"
        assert not JobWorker.objects.filter(worker_id="dead-worker").exists()
        live.refresh_from_db()
        assert live.status == Job.Status.RUNNING  # a live worker's job is left alone

        DBTaskResult.objects.filter(pk=job.task_result_id).update(run_after=timezone.now())
        _run_worker("second-worker")
        job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.attempts == 2
    assert job.worker_id == "second-worker"


def test_run_worker_command_registers_runs_and_leaves(django_capture_on_commit_callbacks):
    with override_settings(TASKS=DB_TASKS):
        with django_capture_on_commit_callbacks(execute=True):
            job = jobs.enqueue("renditions", FLAKY, "command", 0)
        call_command("run_worker", "--batch", "--no-startup-delay", "--worker-id", "cmd-1")
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.worker_id == "cmd-1"
    assert not JobWorker.objects.filter(worker_id="cmd-1").exists()  # a clean exit leaves
