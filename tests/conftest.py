"""Shared fixtures: one seeded demo database per test session (and per xdist worker)."""

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from tests import db_snapshot

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
        db_snapshot.take()  # transactional tests put this state back after Django's flush


@pytest.fixture
def demo_password():
    return DEMO_PASSWORD


@pytest.fixture
def browser_page(live_server):
    """A fresh Chromium page (Playwright) whose base URL is the live server."""
    import os

    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM, LAUNCH_ARGS

    # Playwright's sync API runs an event loop in this thread; the ORM calls tests make
    # around it are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
        context = browser.new_context(base_url=live_server.url, locale="vi-VN")
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            context.close()
            browser.close()


@pytest.fixture(autouse=True)
def _wagtail_base_rows_after_flush(request):
    """Django flushes every table after a transactional test (browser tests, thread races),
    including the rows Wagtail's own migrations create — default locale, root page, root
    collection — which `seed_demo` builds on. Put them back before each transactional test."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    from django.conf import settings
    from wagtail.models import Collection, Locale, Page

    if not Page.objects.exists():
        Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
        Page.add_root(instance=Page(title="Root", slug="root"))
    if not Collection.objects.exists():
        Collection.add_root(name="Root")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: the database is rolled back between tests, so a
    page (or tag version) cached by one test must not answer the next."""
    from django.core.cache import caches

    for alias in caches:
        caches[alias].clear()
    yield


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run the code and the purges and jobs it schedules on commit, as a real request would."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run
