"""Background jobs with retries: the one retry policy of the project (issue 21).

django-tasks runs a task once; it has no retries. Work that may fail for a while (an SMTP relay
down, object storage slow, Elasticsearch restarting) goes through here instead::

    jobs.enqueue("email", "shop.emails.deliver_order_email", order.pk, "placed",
                 label="E-mail xác nhận đơn hàng DH-…")

`enqueue` records a `Job` row (in the caller's transaction: a rolled-back change enqueues
nothing) and, once that commits, enqueues the django-tasks task `run_job(job_id)`. Each run
counts one attempt. A failure is recorded (class and message, personal data masked) and, while
attempts remain, the job is enqueued again with ``run_after = now + backoff(attempt)``
(exponential, capped: `RetryPolicy`); after the last attempt it is FAILED and shows in the admin
(Cài đặt → Việc chạy nền), where an officer can try it again (`retry`).

Backends: with the database backend (TASKS_BACKEND=database) a `run_worker` process runs the
jobs and honours the delays. The immediate backend (the default: `make run`, tests) runs a job
inside the request that enqueued it and cannot wait, so its retries follow at once.

A worker killed mid-job (SIGKILL, a lost machine) cannot record anything: workers write a
heartbeat (`JobWorker`), and `recover_stale()` (run by every live worker at each heartbeat)
takes back the jobs of a worker silent for JOBS_STALE_AFTER seconds, counting the lost attempt,
and enqueues them again. Jobs must therefore be idempotent (tiles, renditions, index updates
are; an e-mail may, rarely, go twice rather than never).
"""

from __future__ import annotations

import datetime
import logging
import os
import socket
from contextlib import nullcontext
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task, task_backends

from .logsafe import describe

logger = logging.getLogger(__name__)


class PermanentError(Exception):
    """Raised by a job that must not be tried again (bad input): it fails at once."""


@dataclass(frozen=True)
class RetryPolicy:
    """`max_attempts` runs in all; after failed attempt n the next waits
    ``min(base_seconds * factor ** (n - 1), max_seconds)``."""

    max_attempts: int = 5
    base_seconds: float = 30.0
    factor: float = 4.0
    max_seconds: float = 3600.0

    def backoff(self, failed_attempts: int) -> datetime.timedelta:
        seconds = self.base_seconds * self.factor ** max(0, failed_attempts - 1)
        return datetime.timedelta(seconds=min(seconds, self.max_seconds))


# Per kind of work: tiles are heavy (few, slow retries), index updates light and frequent,
# e-mail patient (a relay may be down for hours), phone messages (Zalo) less so: a new-order
# notice hours late is worth little. settings.JOBS_RETRY overrides per kind.
POLICIES = {
    "tiles": RetryPolicy(max_attempts=4, base_seconds=60, factor=4, max_seconds=3600),
    "renditions": RetryPolicy(max_attempts=4, base_seconds=30, factor=4, max_seconds=1800),
    "index": RetryPolicy(max_attempts=6, base_seconds=10, factor=3, max_seconds=1800),
    "email": RetryPolicy(max_attempts=6, base_seconds=60, factor=3, max_seconds=6 * 3600),
    "phone": RetryPolicy(max_attempts=5, base_seconds=60, factor=3, max_seconds=3600),
}
DEFAULT_POLICY = RetryPolicy()


def policy_for(kind: str) -> RetryPolicy:
    override = getattr(settings, "JOBS_RETRY", {}).get(kind)
    if override is not None:
        return RetryPolicy(**override) if isinstance(override, dict) else override
    return POLICIES.get(kind, DEFAULT_POLICY)


def _backend_defers() -> bool:
    return task_backends["default"].supports_defer


def enqueue(kind: str, function: str, *args, label: str = ""):
    """Record a job and run it (after the current transaction commits). `function` is the
    dotted path of a plain function taking JSON-serialisable `args`."""
    from .models import Job

    job = Job.objects.create(
        kind=kind,
        function=function,
        args=list(args),
        label=(label or function)[:200],
        max_attempts=policy_for(kind).max_attempts,
    )
    job_id = job.pk
    transaction.on_commit(lambda: dispatch(job_id))
    return job


def dispatch(job_id: int, run_after: datetime.datetime | None = None) -> None:
    """Put "run job N" on the task queue (now, or not before `run_after`)."""
    from .models import Job

    defers = _backend_defers()
    try:
        # A queue that keeps its tasks (the database backend): the task row and the job's link
        # to it are written in one transaction (one commit, not two). The immediate backend
        # runs the job inside enqueue(), which must not be in a transaction of ours.
        with transaction.atomic() if defers else nullcontext():
            if run_after is not None and defers:
                result = run_job.using(run_after=run_after).enqueue(job_id)
            else:
                result = run_job.enqueue(job_id)
            # The immediate backend has run (and finished) the job by now; keep its result id
            # only while the job still waits for it.
            Job.objects.filter(
                pk=job_id, status__in=[Job.Status.QUEUED, Job.Status.RETRYING]
            ).update(task_result_id=str(result.id)[:64])
    except Exception as exc:  # a queue outage must not break the request; the job stays listed
        logger.error("Could not enqueue job %s: %s", job_id, describe(exc))
        Job.objects.filter(pk=job_id).update(last_error=describe(exc), updated_at=timezone.now())
        return


@task(takes_context=True)
def run_job(context, job_id: int) -> str:
    worker_ids = getattr(context.task_result, "worker_ids", None) or [""]
    return execute(job_id, worker_id=str(worker_ids[-1])[:64])


def _claim(job_id: int, worker_id: str):
    from .models import Job

    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status not in (Job.Status.QUEUED, Job.Status.RETRYING):
            return None  # done, failed, or being run by a live worker
        job.status = Job.Status.RUNNING
        job.attempts += 1
        job.started_at = timezone.now()
        job.worker_id = worker_id
        job.next_attempt_at = None
        job.save(update_fields=["status", "attempts", "started_at", "worker_id", "next_attempt_at"])
    return job


def execute(job_id: int, worker_id: str = "") -> str:
    """Run one attempt of a job; returns its status afterwards. Never raises: the job row is
    the record of what happened."""
    from .models import Job

    job = _claim(job_id, worker_id)
    if job is None:
        return "skipped"
    try:
        function = import_string(job.function)
        function(*job.args)
    except Exception as exc:  # noqa: BLE001 - every failure is recorded and retried
        return _failed(job, exc, permanent=isinstance(exc, PermanentError))
    job.status = Job.Status.SUCCEEDED
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "finished_at"])
    return job.status


def _record(job, error: str) -> None:
    job.last_error = error
    job.history = [
        *job.history[-19:],
        {
            "attempt": job.attempts,
            "at": timezone.now().isoformat(timespec="seconds"),
            "worker": job.worker_id,
            "error": error,
        },
    ]


def _failed(job, exc: BaseException | None, permanent: bool = False, error: str = "") -> str:
    from .models import Job

    error = error or describe(exc)
    _record(job, error)
    now = timezone.now()
    if permanent or job.attempts >= job.max_attempts:
        job.status, job.finished_at = Job.Status.FAILED, now
        job.save(update_fields=["status", "finished_at", "last_error", "history"])
        logger.error(
            "Job %s (%s) failed for good after %s attempt(s): %s",
            job.pk,
            job.kind,
            job.attempts,
            error,
        )
        return job.status
    delay = policy_for(job.kind).backoff(job.attempts)
    job.status, job.next_attempt_at = Job.Status.RETRYING, now + delay
    job.save(update_fields=["status", "next_attempt_at", "last_error", "history"])
    logger.warning(
        "Job %s (%s) attempt %s/%s failed, retrying in %ss: %s",
        job.pk,
        job.kind,
        job.attempts,
        job.max_attempts,
        int(delay.total_seconds()),
        error,
    )
    dispatch(job.pk, run_after=job.next_attempt_at)
    return job.status


def retry(job) -> bool:
    """An officer's "try again" on a failed job: a fresh round of attempts, run now."""
    from .models import Job

    updated = Job.objects.filter(pk=job.pk, status=Job.Status.FAILED).update(
        status=Job.Status.QUEUED,
        max_attempts=job.attempts + policy_for(job.kind).max_attempts,
        next_attempt_at=None,
        finished_at=None,
        updated_at=timezone.now(),
    )
    if updated:
        transaction.on_commit(lambda: dispatch(job.pk))
    return bool(updated)


# --------------------------------------------------------------------------- workers


def worker_identity() -> dict:
    return {"hostname": socket.gethostname()[:200], "pid": os.getpid()}


def heartbeat(worker_id: str) -> None:
    from .models import JobWorker

    JobWorker.objects.update_or_create(
        worker_id=worker_id, defaults={"last_seen": timezone.now(), **worker_identity()}
    )


def forget_worker(worker_id: str) -> None:
    from .models import JobWorker

    JobWorker.objects.filter(worker_id=worker_id).delete()


def recover_stale(now: datetime.datetime | None = None) -> list[int]:
    """Take back the jobs held by workers silent for JOBS_STALE_AFTER seconds: the lost run
    counts as a failed attempt, and the job is enqueued again (or fails for good)."""
    from .models import Job, JobWorker

    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.JOBS_STALE_AFTER)
    dead = list(JobWorker.objects.filter(last_seen__lt=cutoff).values_list("worker_id", flat=True))
    if not dead:
        return []
    recovered = []
    for job_id in Job.objects.filter(status=Job.Status.RUNNING, worker_id__in=dead).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            job = (
                Job.objects.select_for_update(skip_locked=True)
                .filter(pk=job_id, status=Job.Status.RUNNING, worker_id__in=dead)
                .first()
            )
            if job is None:
                continue
            _abandon_task_result(job.task_result_id)
            _failed(
                job,
                None,
                error=f"WorkerLost: tiến trình {job.worker_id[:12]} ngừng giữa chừng",
            )
            recovered.append(job.pk)
    JobWorker.objects.filter(worker_id__in=dead, last_seen__lt=cutoff).delete()
    if recovered:
        logger.warning("Took back %s job(s) from stopped workers: %s", len(recovered), recovered)
    return recovered


def _abandon_task_result(task_result_id: str) -> None:
    """The queue row of a run that died stays RUNNING forever: close it as failed."""
    if not task_result_id:
        return
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(pk=task_result_id, status="RUNNING").update(
        status="FAILED",
        finished_at=timezone.now(),
        exception_class_path="cms.jobs.WorkerLost",
        traceback="The worker stopped while running this task.",
    )
