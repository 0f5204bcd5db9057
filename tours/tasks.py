"""Background work for tours: turning an uploaded panorama into multires tiles.

``request_tiles(image)`` is what callers use: it records a pending :class:`PanoramaTiles` row and
enqueues a "tiles" job (cms/jobs.py: retried with backoff, failures listed for officers) once
the current transaction commits, so tiling never runs inside the editor's save. With the default
immediate backend the job runs at commit time in the same process; with the database backend a
worker (`manage.py run_worker`) picks it up.

Tiles are built in a temporary folder (tours/tiles.py knows nothing of Django), then written
through the "tiles" storage (settings.STORAGES: MEDIA_ROOT, or object storage), ``preview.jpg``
last: a folder whose preview exists is complete. The viewer asks the same storage for URLs.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.core.files import File
from wagtail.images import get_image_model

from cms import jobs
from cms.cache import purge_on_commit
from cms.storage import delete_tree, tiles_storage

from .models import PanoramaTiles, Scene
from .tiles import PREVIEW_FILENAME, PanoramaError, build_tiles

logger = logging.getLogger(__name__)

HASH_LENGTH = 12
UPLOAD_THREADS = 8


def image_hash(image) -> str:
    return image.get_file_hash()[:HASH_LENGTH]


def tiles_complete(record: PanoramaTiles) -> bool:
    """The record's tiles are all in storage (the preview is written last)."""
    return tiles_storage().exists(f"{record.directory}/{PREVIEW_FILENAME}")


def tiles_url(record: PanoramaTiles) -> str:
    """Base URL of a record's tiles (Pannellum's basePath), from the tiles storage."""
    return tiles_storage().url(record.directory).rstrip("/")


def _upload(work: Path, directory: str) -> int:
    """Write every file under `work` to the tiles storage under `directory`, preview last."""
    storage = tiles_storage()
    files = sorted(p for p in work.rglob("*") if p.is_file())
    preview = work / PREVIEW_FILENAME
    rest = [p for p in files if p != preview]

    def put(path: Path) -> None:
        name = f"{directory}/{path.relative_to(work).as_posix()}"
        with path.open("rb") as fp:
            saved = storage.save(name, File(fp, name=path.name))
        if saved != name:  # a storage that renames instead of overwriting would break URLs
            raise RuntimeError(f"tiles storage stored {name} as {saved}")

    with ThreadPoolExecutor(max_workers=UPLOAD_THREADS) as pool:
        list(pool.map(put, rest))
    if preview.is_file():
        put(preview)
    return len(files)


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
    """Build (or reuse) the tiles of an image's current file, synchronously. A bad panorama is
    recorded as FAILED on the tiles row (no retry can fix it); anything else (storage down, out
    of memory) raises, so the job is tried again."""
    image = get_image_model().objects.filter(pk=image_id).first()
    if image is None:
        raise jobs.PermanentError(f"image {image_id} no longer exists")
    record, _created = PanoramaTiles.objects.get_or_create(image=image, file_hash=image_hash(image))
    if record.status == PanoramaTiles.Status.READY and not force and tiles_complete(record):
        return record
    record.status, record.error = PanoramaTiles.Status.RUNNING, ""
    record.save(update_fields=["status", "error", "updated_at"])
    work = Path(tempfile.mkdtemp(prefix=f"tiles-{record.image_id}-"))
    try:
        try:
            with image.open_file() as fp:
                config = build_tiles(fp, work)
        except PanoramaError as exc:
            record.status, record.error = PanoramaTiles.Status.FAILED, exc.message
            record.config = {}
            record.save(update_fields=["status", "error", "config", "updated_at"])
            return record
        _upload(work, record.directory)
    except Exception as exc:  # keep the record truthful, then let the job be retried
        record.status, record.error = PanoramaTiles.Status.FAILED, str(exc)[:2000]
        record.save(update_fields=["status", "error", "updated_at"])
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    record.status, record.config = PanoramaTiles.Status.READY, config
    record.save(update_fields=["status", "config", "updated_at"])
    # Tours showing this panorama were served (and cached, by the site and the proxy) with the
    # whole equirectangular file while the worker tiled it: they now get the tiles.
    shown_in = Scene.objects.filter(panorama_id=image.pk).values_list("page_id", flat=True)
    tours = sorted(set(shown_in))
    if tours:
        purge_on_commit(*(f"page:{pk}" for pk in tours))
    # Tiles of older versions of this image's file are dead weight.
    for old in PanoramaTiles.objects.filter(image=image).exclude(pk=record.pk):
        delete_tree(tiles_storage(), old.directory)
        old.delete()
    return record


def build_panorama_tiles(image_id: int) -> str:
    """The "tiles" job (cms/jobs.py calls it by its dotted path). A panorama that cannot be
    tiled fails the job at once, with the editor's message, in the officers' list."""
    record = generate_tiles(image_id)
    if record.status == PanoramaTiles.Status.FAILED:
        raise jobs.PermanentError(record.error)
    return record.status


def request_tiles(image) -> PanoramaTiles:
    """Make sure tiles for *image* exist or are on their way (a job, run after commit)."""
    record, _created = PanoramaTiles.objects.get_or_create(image=image, file_hash=image_hash(image))
    if record.status == PanoramaTiles.Status.RUNNING:
        return record
    if record.status == PanoramaTiles.Status.READY and tiles_complete(record):
        return record
    if record.status == PanoramaTiles.Status.PENDING and _job_waiting(image.pk):
        return record
    jobs.enqueue(
        "tiles",
        "tours.tasks.build_panorama_tiles",
        image.pk,
        label=f"Tạo ô ảnh 360° cho ảnh #{image.pk}",
    )
    return record


def _job_waiting(image_id: int) -> bool:
    from cms.models import Job

    return Job.objects.filter(
        kind="tiles",
        args=[image_id],
        status__in=[Job.Status.QUEUED, Job.Status.RETRYING, Job.Status.RUNNING],
    ).exists()
