"""A published product's pictures are made by a "renditions" job (products/renditions.py,
issue 21): every size the product page, the cards, JSON-LD and Open Graph show, ahead of the
first visitor; with object storage out of reach the job is retried with backoff and listed for
officers, and an officer's retry makes them once the storage answers."""

import pytest
from django.test import override_settings

from cms import jobs
from cms.models import Job
from products import renditions
from products.models import ProductPage
from tests.local_servers import MotoS3, free_port

pytestmark = pytest.mark.django_db


def _product_with_images():
    page = next(p for p in ProductPage.objects.live() if p.images.exists())
    ids = sorted(row.image_id for row in page.images.all())
    for row in page.images.all():
        row.image.renditions.all().delete()
    return page, ids


def test_publishing_makes_every_picture_ahead_of_the_first_visitor(
    settings, django_capture_on_commit_callbacks
):
    settings.JOBS_PREWARM_RENDITIONS = True
    page, ids = _product_with_images()
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    job = Job.objects.filter(kind="renditions").latest("pk")
    assert job.args == [ids] and job.status == Job.Status.SUCCEEDED
    specs = set(renditions.product_specs())
    for row in page.images.all():
        assert {r.filter_spec for r in row.image.renditions.all()} >= specs


def test_unreachable_storage_makes_the_job_retry_then_an_officer_retries_it(
    settings, django_capture_on_commit_callbacks
):
    settings.JOBS_PREWARM_RENDITIONS = True
    settings.JOBS_RETRY = {"renditions": {"max_attempts": 2, "base_seconds": 30}}
    page, ids = _product_with_images()
    gone = MotoS3.__new__(MotoS3)  # an S3 endpoint where nothing listens
    gone.bucket, gone.endpoint = "gone", f"http://127.0.0.1:{free_port()}"
    with override_settings(STORAGES=gone.storages(), AWS_MAX_ATTEMPTS=1):
        with django_capture_on_commit_callbacks(execute=True):
            page.save_revision().publish()
    job = Job.objects.filter(kind="renditions").latest("pk")
    assert job.status == Job.Status.FAILED and job.attempts == 2
    assert "EndpointConnectionError" in job.last_error
    assert [h["attempt"] for h in job.history] == [1, 2]
    first = page.images.first().image
    assert not first.renditions.exists()

    with django_capture_on_commit_callbacks(execute=True):  # the storage answers again
        assert jobs.retry(job)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.attempts == 3
    assert {r.filter_spec for r in first.renditions.all()} >= set(renditions.product_specs())
