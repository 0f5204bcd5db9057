"""Background work for tours: turning an uploaded panorama into multires tiles.

``request_tiles(image)`` is what callers use: it records a pending :class:`PanoramaTiles` row and
enqueues :func:`build_panorama_tiles` (django-tasks) once the current transaction commits, so
tiling never runs inside the editor's save. With the default immediate backend the task runs at
commit time in the same process; with a database/worker backend a worker picks it up.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django_tasks import task
from wagtail.images import get_image_model

from .models import PanoramaTiles
from .tiles import PanoramaError, build_tiles

logger = logging.getLogger(__name__)

HASH_LENGTH = 12


def image_hash(image) -> str:
    return image.get_file_hash()[:HASH_LENGTH]


def tiles_dir(record: PanoramaTiles) -> Path:
    return Path(settings.MEDIA_ROOT) / record.directory


def ready_tiles(image) -> PanoramaTiles | None:
    """The finished tiles of the image's current file, or None."""
    if image is None:
        return None
    return PanoramaTiles.objects.filter(
        image=image, file_hash=image_hash(image), status=PanoramaTiles.Status.READY
    ).first()


def ready_tiles_for(images) -> dict[int, PanoramaTiles]:
    """`ready_tiles()` of several images in one query: {image id: tiles}."""
    images = [image for image in images if image is not None]
    if not images:
        return {}
    wanted = {(image.pk, image_hash(image)) for image in images}
    found: dict[int, PanoramaTiles] = {}
    records = PanoramaTiles.objects.filter(
        image_id__in={image.pk for image in images}, status=PanoramaTiles.Status.READY
    ).order_by("pk")
    for record in records:
        if (record.image_id, record.file_hash) in wanted:
            found.setdefault(record.image_id, record)
    return found


def generate_tiles(image_id: int, *, force: bool = False) -> PanoramaTiles:
    """Build (or reuse) the tiles of an image's current file, synchronously."""
    image = get_image_model().objects.get(pk=image_id)
    record, _created = PanoramaTiles.objects.get_or_create(image=image, file_hash=image_hash(image))
    target = tiles_dir(record)
    if record.status == PanoramaTiles.Status.READY and target.is_dir() and not force:
        return record
    record.status, record.error = PanoramaTiles.Status.RUNNING, ""
    record.save(update_fields=["status", "error", "updated_at"])
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        with image.open_file() as fp:
            config = build_tiles(fp, work)
    except PanoramaError as exc:
        shutil.rmtree(work, ignore_errors=True)
        record.status, record.error, record.config = PanoramaTiles.Status.FAILED, exc.message, {}
        record.save(update_fields=["status", "error", "config", "updated_at"])
        return record
    except Exception as exc:  # keep the record truthful, then let the backend log it
        shutil.rmtree(work, ignore_errors=True)
        record.status, record.error = PanoramaTiles.Status.FAILED, str(exc)[:2000]
        record.save(update_fields=["status", "error", "updated_at"])
        raise
    if target.exists():
        shutil.rmtree(target)
    work.rename(target)
    record.status, record.config = PanoramaTiles.Status.READY, config
    record.save(update_fields=["status", "config", "updated_at"])
    # Tiles of older versions of this image's file are dead weight.
    for old in PanoramaTiles.objects.filter(image=image).exclude(pk=record.pk):
        shutil.rmtree(tiles_dir(old), ignore_errors=True)
        old.delete()
    return record


@task()
def build_panorama_tiles(image_id: int) -> str:
    return generate_tiles(image_id).status


def request_tiles(image) -> PanoramaTiles:
    """Make sure tiles for *image* exist or are on their way (enqueued after commit)."""
    record, _created = PanoramaTiles.objects.get_or_create(image=image, file_hash=image_hash(image))
    if record.status in (PanoramaTiles.Status.READY, PanoramaTiles.Status.RUNNING):
        if record.status != PanoramaTiles.Status.READY or tiles_dir(record).is_dir():
            return record
    image_id = image.pk
    transaction.on_commit(lambda: build_panorama_tiles.enqueue(image_id))
    return record
