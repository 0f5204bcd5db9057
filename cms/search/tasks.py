"""Background index updates: "index" jobs (cms/jobs.py: django-tasks, retried with backoff,
failures listed for officers), immediate unless TASKS_BACKEND says otherwise.

Updates are enqueued on transaction commit, so a worker never reads a row that is not there yet,
and a rolled-back publish never reaches the index.
"""

import logging
from functools import partial

from django.db import transaction
from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def update_index_task(doc_type: str, object_ids: list[int]) -> int:
    from . import service

    return service.update_objects(doc_type, object_ids)


def update_index(doc_type: str, object_ids: list[int]) -> int:
    """The "index" job: the database index is written at once; raises when Elasticsearch is
    unavailable (or the database refuses), so the job is tried again with backoff."""
    from . import service

    return service.update_objects(doc_type, object_ids, strict=True)


def schedule(doc_type: str, object_ids: list[int]) -> None:
    if not object_ids:
        return
    transaction.on_commit(partial(_enqueue, doc_type, sorted(set(object_ids))))


def _enqueue(doc_type: str, object_ids: list[int]) -> None:
    from cms import jobs

    try:
        jobs.enqueue(
            "index",
            "cms.search.tasks.update_index",
            doc_type,
            object_ids,
            label=f"Cập nhật chỉ mục tìm kiếm: {doc_type} ×{len(object_ids)}",
        )
    except Exception:  # never break the request that triggered the update
        logger.exception("Could not enqueue search index update for %s %s", doc_type, object_ids)
