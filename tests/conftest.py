"""Shared fixtures: one seeded demo database per test session (and per xdist worker)."""

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

DEMO_PASSWORD = "test-demo-pass"


def _warm_renditions():
    """Render every public page once so image renditions exist in the seeded database
    (otherwise each test, rolled back, would create them again)."""
    from products.models import ProducerPage, ProductIndexPage, ProductPage

    client = Client()
    with override_settings(CATALOGUE_PAGE_SIZE=1000):
        client.get("/")
        client.get(ProductIndexPage.objects.get().url)
    for page in [*ProductPage.objects.live(), *ProducerPage.objects.live()]:
        client.get(page.url)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the curated Hà Nội demo data once; each test then runs in a rolled-back transaction."""
    with django_db_blocker.unblock():
        call_command("seed_demo", "--password", DEMO_PASSWORD, verbosity=0)
        _warm_renditions()


@pytest.fixture
def demo_password():
    return DEMO_PASSWORD
