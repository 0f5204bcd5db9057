"""Structured logs without personal data (issue 21; cms/logsafe.py, cms/gunicorn_logging.py):
Django's log lines are JSON objects with the message and traceback masked; gunicorn's access
and error lines are JSON too, with the path only — no query string, no address, no user agent —
and the bearer tokens in paths (tickets, restock links, password resets) masked. The last test
runs a real gunicorn with cms/gunicorn_conf.py and reads what it wrote."""

import json
import logging
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core import signing
from django.urls import reverse

from cms.logsafe import JsonFormatter, mask_path
from tests.local_servers import free_port

ROOT = Path(__file__).resolve().parents[2]
EMAIL, PHONE = "binh@example.vn", "+84 912 345 678"
TICKET = "Zq3vW8kL0pX2mN4bR6tY8uI0oP2aS4dF"  # what secrets.token_urlsafe(24) looks like


def test_django_lines_are_json_objects_with_personal_data_masked():
    token = signing.dumps(EMAIL, salt="shop.restock.unsubscribe")
    try:
        raise ConnectionError(f"relay refused {EMAIL}")
    except ConnectionError:
        exc_info = sys.exc_info()
    record = logging.LogRecord(
        "shop.emails",
        logging.ERROR,
        __file__,
        1,
        "to %s / %s / %s",
        (EMAIL, PHONE, token),
        exc_info,
    )
    record.request = object()  # Django passes the request (cookies and all) in `extra`
    record.job = 42
    line = JsonFormatter().format(record)
    assert "\n" not in line
    payload = json.loads(line)
    assert set(payload) == {"time", "level", "logger", "message", "exception", "job"}
    assert payload["level"] == "ERROR" and payload["logger"] == "shop.emails"
    assert payload["message"] == "to [email] / [phone] / [token]" and payload["job"] == 42
    assert "ConnectionError: relay refused [email]" in payload["exception"]
    for secret in (EMAIL, "912 345 678", token):
        assert secret not in line


@pytest.mark.django_db
def test_paths_lose_their_bearer_tokens():
    from shop import restock

    ticket = reverse("experiences:ticket", args=[TICKET])
    confirm = reverse("shop:restock_confirm", args=[signing.dumps({"a": 1, "e": EMAIL})])
    leave = reverse("shop:restock_unsubscribe", args=[restock.unsubscribe_token(EMAIL)])
    reset = reverse("account:password_reset_confirm", args=["MTIz", "cd1r6z-5f1b8d4c0a9e1e2f"])
    assert mask_path(ticket) == ticket.replace(TICKET, "[token]")
    assert mask_path(ticket + "qr.svg") == (ticket + "qr.svg").replace(TICKET, "[token]")
    assert mask_path("/en" + ticket) == "/en" + ticket.replace(TICKET, "[token]")
    for path in (confirm, leave):
        masked = mask_path(path)
        assert "[token]" in masked and path.split("/")[-2] not in masked
    assert "MTIz" not in mask_path(reset) and "cd1r6z" not in mask_path(reset)
    # Everything else is kept as it is: the path says what was asked.
    for path in ("/san-pham/", "/shop/orders/DHABCDEFGHJK/", "/khong-co-trang-nay/", "/healthz"):
        assert mask_path(path) == path


def test_gunicorn_writes_json_lines_without_the_visitor(tmp_path):
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))},
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path}/empty.sqlite3",  # no tables: a ticket is a 500
        "LOG_FORMAT": "json",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
    }
    out, err = (tmp_path / "out.log").open("w"), (tmp_path / "err.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "cms/gunicorn_conf.py", "cms.wsgi:application"],
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=err,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz?t=DH1:abc:{'s' * 30}", timeout=2)
                break
            except OSError:
                assert time.time() < deadline and server.poll() is None, "gunicorn did not start"
                time.sleep(0.3)
        ticket = reverse("experiences:ticket", args=[TICKET])
        for path in (ticket, '/tim-kiem/"a\\b/'):
            request = urllib.request.Request(
                base + path + f"?email={EMAIL}", headers={"User-Agent": "Secret-Agent/1"}
            )
            with pytest.raises(urllib.error.HTTPError):
                urllib.request.urlopen(request, timeout=30)
    finally:
        server.terminate()
        server.wait(timeout=30)
        out.close()
        err.close()
    access = [json.loads(line) for line in (tmp_path / "out.log").read_text().splitlines()]
    by_path = {line["path"]: line for line in access}
    assert by_path["/healthz"]["status"] == 200 and by_path["/healthz"]["method"] == "GET"
    assert by_path[ticket.replace(TICKET, "[token]")]["status"] == 500
    assert by_path['/tim-kiem/"a\\b/']["status"] == 500  # a quote in the path: still JSON
    assert all(
        set(line) == {"time", "level", "logger", "method", "path", "status", "bytes", "ms"}
        for line in access
    )
    errors = [json.loads(line) for line in (tmp_path / "err.log").read_text().splitlines() if line]
    assert any(line["logger"] == "gunicorn.error" for line in errors)  # booting, stopping
    assert any(line["logger"] == "django.request" for line in errors)  # the ticket's 500
    everything = (tmp_path / "out.log").read_text() + (tmp_path / "err.log").read_text()
    for secret in (TICKET, EMAIL, "Secret-Agent", "?t=", "s" * 30):
        assert secret not in everything, secret
    assert "127.0.0.1" not in (tmp_path / "out.log").read_text()  # the visitor's address
