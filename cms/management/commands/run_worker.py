"""`manage.py run_worker`: run background jobs from the database queue (TASKS_BACKEND=database).

django-tasks-db's `db_worker` with a heartbeat: every JOBS_HEARTBEAT_SECONDS the worker says it
is alive and takes back the jobs of workers that stopped saying so (cms.jobs.recover_stale), so
a worker killed mid-job loses nothing. Same options as `db_worker` (--queue-name, --interval,
--batch, --max-tasks, --worker-id). Stop it with SIGTERM: it finishes the job it is running.
"""

import logging
import threading

from django.conf import settings
from django.db import connections
from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from cms import jobs
from cms.logsafe import describe

logger = logging.getLogger("cms.jobs")


class Command(DBWorkerCommand):
    help = "Run background jobs (tiles, renditions, index updates, e-mail) from the database queue"

    def handle(self, *args, **options):
        worker_id = options["worker_id"]
        stop = threading.Event()
        jobs.heartbeat(worker_id)  # registered before the first job is claimed

        def beat():
            try:
                while not stop.wait(settings.JOBS_HEARTBEAT_SECONDS):
                    try:
                        jobs.heartbeat(worker_id)
                        jobs.recover_stale()
                    except Exception as exc:  # noqa: BLE001 - the database may be restarting
                        logger.error("Worker heartbeat failed: %s", describe(exc))
            finally:
                connections.close_all()

        thread = threading.Thread(target=beat, name="job-heartbeat", daemon=True)
        thread.start()
        try:
            jobs.recover_stale()
            super().handle(*args, **options)
        finally:
            stop.set()
            thread.join(timeout=5)
            jobs.forget_worker(worker_id)
