"""Browser tests: Playwright (from PyPI) driving the system Chromium against Django's live server.

Use the `browser_page` fixture from tests/conftest.py. Browser tests run with a transactional
database (the live server runs in another thread), which Django flushes after each test — so
they seed the demo data themselves with `seed_live_demo()`.
"""

import os
import shutil

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
    from django.core.management import call_command

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
