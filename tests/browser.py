"""Browser tests: Playwright (from PyPI) driving the system Chromium against Django's live server.

Use the `browser_page` fixture from tests/conftest.py. Browser tests run with a transactional
database (the live server runs in another thread), which Django flushes after each test — so
they put the seeded demo data back themselves with `seed_live_demo()`.
"""

import os
import shutil
from contextlib import contextmanager

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def chromium_available() -> bool:
    return os.path.exists(CHROMIUM)


requires_chromium = pytest.mark.skipif(
    not chromium_available() and not os.environ.get("CI"),
    reason="Chromium not installed (apt-get install chromium); CI always runs these",
)


def seed_live_demo(password: str) -> None:
    """The seeded demo database, as the session seeded it (tests/db_snapshot.py); seeded
    afresh only for another password or when nothing was kept."""
    from django.core.management import call_command

    from tests import db_snapshot
    from tests.conftest import DEMO_PASSWORD

    if password == DEMO_PASSWORD and db_snapshot.restore():
        return
    call_command("seed_demo", "--password", password, verbosity=0)


def admin_login(page, username: str, password: str) -> None:
    """Sign in to the Wagtail admin through its own form and wait for the dashboard."""
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url("**/admin/")


def photo_file(path, size=(64, 48), colour=(180, 60, 30)):
    """A small real JPEG on disk, for file inputs in browser tests."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def wait_until(page, expression: str, timeout: float = 15.0) -> None:
    """Wait until a JavaScript expression is truthy in the page. Playwright's own
    `wait_for_function` polls with eval(), which the site's CSP (no 'unsafe-eval') refuses
    whenever the condition is not already true; `evaluate` is not subject to it."""
    import time

    from playwright.sync_api import Error

    deadline = time.monotonic() + timeout
    while True:
        try:
            if page.evaluate(expression):
                return
        except Error as error:  # a navigation (e.g. a form that reloads) replaced the page
            if "context was destroyed" not in str(error) and "navigat" not in str(error):
                raise
            page.wait_for_load_state()
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        page.wait_for_timeout(100)


@contextmanager
def offline_phone(base_url: str, *, args=LAUNCH_ARGS, **viewport):
    """A phone's page (Vietnamese, touch) with the internet's map tiles out of reach (the relay's
    tile server is a refused port in cms/settings/test.py; a tile asked of OpenStreetMap itself
    is aborted too). `page.problems` collects script errors and every console error."""
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    size = {"width": 390, "height": 844, "device_scale_factor": 1, **viewport}
    scale = size.pop("device_scale_factor")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=args, headless=True)
        context = browser.new_context(
            base_url=base_url,
            locale="vi-VN",
            viewport=size,
            device_scale_factor=scale,
            is_mobile=True,
            has_touch=True,
        )
        context.route("**/tile.openstreetmap.org/**", lambda route: route.abort())
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.problems = []
        page.on("pageerror", lambda error: page.problems.append(f"pageerror: {error}"))
        page.on(
            "console",
            lambda m: (
                page.problems.append(f"console: {m.text} {m.location.get('url', '')}")
                if m.type == "error"
                else None
            ),
        )
        try:
            yield page
        finally:
            context.close()
            browser.close()
