"""360° tiles, media and renditions on object storage (issue 21), against moto's S3 server.

The tiler writes through the "tiles" storage (never into MEDIA_ROOT), the viewer's basePath is
that storage's URL, a tile is fetched back over HTTP from the S3 server, old versions are
deleted from the bucket, and a storage outage makes the "tiles" job retry with backoff.
"""

import io

import pytest
import requests
from django.core.files.images import ImageFile
from django.test import override_settings
from PIL import Image as PILImage
from wagtail.images import get_image_model

from cms.models import Job
from tests.local_servers import MotoS3
from tours.models import PanoramaTiles
from tours.tasks import generate_tiles, request_tiles, tiles_url

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def s3():
    server = MotoS3("ocop-tiles").start()
    yield server
    server.stop()


@pytest.fixture
def on_s3(s3, tmp_path):
    # MEDIA_ROOT moved to an empty folder: anything written there would be a bug.
    with override_settings(STORAGES=s3.storages(), MEDIA_ROOT=tmp_path / "media"):
        yield s3
    assert not (tmp_path / "media").exists(), "something was written into MEDIA_ROOT"


def _panorama(title, colour=(90, 140, 200), size=(1024, 512)):
    buf = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buf, "JPEG")
    image = get_image_model()(title=title)
    image.file = ImageFile(io.BytesIO(buf.getvalue()), name=f"{title}.jpg")
    image.save()
    return image


def test_tiles_are_written_to_the_bucket_and_served_from_it(on_s3):
    image = _panorama("s3-pano")
    assert on_s3.keys(f"media/{image.file.name}") == [f"media/{image.file.name}"]

    record = generate_tiles(image.pk)

    assert record.status == PanoramaTiles.Status.READY
    keys = on_s3.keys(f"media/{record.directory}/")
    prefix = f"media/{record.directory}/"
    # 1024-px panorama → 320-px cube faces: one level of one tile per face, 6 fallbacks, preview.
    assert sorted(k.removeprefix(prefix) for k in keys) == sorted(
        [f"1/{face}0_0.jpg" for face in "fblrud"]
        + [f"fallback/{face}.jpg" for face in "fblrud"]
        + ["preview.jpg"]
    )
    base = tiles_url(record)
    assert base == f"{on_s3.endpoint}/ocop-tiles/media/{record.directory}"
    answer = requests.get(f"{base}/1/f0_0.jpg", timeout=5)
    assert answer.status_code == 200
    tile = PILImage.open(io.BytesIO(answer.content))
    assert tile.size == (320, 320)
    assert abs(tile.getpixel((160, 160))[2] - 200) < 8  # the panorama's colour


def test_viewer_config_points_at_the_storage_url(on_s3):
    from tours.viewer import _scene_view

    image = _panorama("s3-viewer")
    record = generate_tiles(image.pk)

    from tours.models import Scene

    scene = Scene(key="a", title="A", description="", yaw=0, pitch=0, hfov=100, panorama=image)
    view = _scene_view(scene, {"a": "A"}, {image.pk: record})
    assert view.pannellum["type"] == "multires"
    assert view.pannellum["multiRes"]["basePath"] == tiles_url(record)
    assert view.preview_url == f"{tiles_url(record)}/preview.jpg"
    # The thumbnail is a Wagtail rendition: made and stored in the bucket too.
    assert view.thumb_url.startswith(f"{on_s3.endpoint}/ocop-tiles/media/images/")
    assert requests.get(view.thumb_url, timeout=5).status_code == 200


def test_a_new_file_replaces_the_old_tiles_in_the_bucket(on_s3):
    image = _panorama("s3-replace")
    first = generate_tiles(image.pk)
    old_prefix = f"media/{first.directory}/"
    assert on_s3.keys(old_prefix)

    buf = io.BytesIO()
    PILImage.new("RGB", (1024, 512), (200, 60, 40)).save(buf, "JPEG")
    image.file = ImageFile(io.BytesIO(buf.getvalue()), name="s3-replace-2.jpg")
    image.file_hash = ""
    image.save()
    second = generate_tiles(image.pk)

    assert second.pk != first.pk and second.status == PanoramaTiles.Status.READY
    assert on_s3.keys(old_prefix) == []
    assert on_s3.keys(f"media/{second.directory}/preview.jpg")
    assert not PanoramaTiles.objects.filter(pk=first.pk).exists()


def test_an_unreachable_bucket_makes_the_tiles_job_retry(on_s3, django_capture_on_commit_callbacks):
    image = _panorama("s3-outage")
    broken = on_s3.storages()
    broken["tiles"]["OPTIONS"] = {
        **broken["tiles"]["OPTIONS"],
        "endpoint_url": "http://127.0.0.1:9",  # nothing listens: connection refused
    }
    retry = {"tiles": {"max_attempts": 2, "base_seconds": 60, "factor": 4}}
    with override_settings(STORAGES=broken, JOBS_RETRY=retry, AWS_MAX_ATTEMPTS=1):
        with django_capture_on_commit_callbacks(execute=True):
            request_tiles(image)
    job = Job.objects.get(kind="tiles", args=[image.pk])
    # The immediate backend cannot wait, so both attempts ran at once; each was recorded.
    assert job.status == Job.Status.FAILED
    assert job.attempts == 2
    assert [h["attempt"] for h in job.history] == [1, 2]
    assert "EndpointConnectionError" in job.last_error
    record = PanoramaTiles.objects.get(image=image)
    assert record.status == PanoramaTiles.Status.FAILED

    # The bucket is back: an officer's retry builds the tiles.
    from cms import jobs

    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.retry(job)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.attempts == 3
    record.refresh_from_db()
    assert record.status == PanoramaTiles.Status.READY
    assert on_s3.keys(f"media/{record.directory}/preview.jpg")
