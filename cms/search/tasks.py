"""Background index updates through django-tasks (immediate backend unless TASKS says otherwise).

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


def schedule(doc_type: str, object_ids: list[int]) -> None:
    if not object_ids:
        return
    transaction.on_commit(partial(_enqueue, doc_type, sorted(set(object_ids))))


def _enqueue(doc_type: str, object_ids: list[int]) -> None:
    try:
        update_index_task.enqueue(doc_type, object_ids)
    except Exception:  # never break the request that triggered the update
        logger.exception("Could not enqueue search index update for %s %s", doc_type, object_ids)
