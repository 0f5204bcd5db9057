"""No personal data or bearer tokens in the logs (issue 20).

Every log record at every level is captured during a whole order — cart, checkout, review,
placing it, the buyer's page by its signed link, tracking, the producer's notification, every
status change to delivery with its e-mails — once with the locmem mail backend and once through
real SMTP to a local aiosmtpd server (and once with that server refusing the recipient, so the
failure path logs too). The buyer's phone, street, e-mail and the order link's token must
appear in no record's message or traceback. The fake SMTP server's own logger ("mail.log") is
left out: it is the test's server, not the site.
"""

import logging
import traceback

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from shop import orders
from shop.models import Order

from .test_views import checkout_post, fill_cart

pytestmark = pytest.mark.django_db

PHONE_FORMS = ["0912345678", "912345678", "+84 912 345 678", "84912345678"]
STREET = "Số 5 ngõ 10, đường Cổ Loa"
EMAIL = "binh@example.vn"


class Capture(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        if record.name.startswith("mail.log"):
            return
        text = f"{record.name} {record.levelname} {record.getMessage()}"
        if record.exc_info:
            text += "\n" + "".join(traceback.format_exception(*record.exc_info))
        if getattr(record, "stack_info", None):
            text += "\n" + record.stack_info
        self.lines.append(text)


@pytest.fixture
def captured():
    handler = Capture()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    # Every logger at DEBUG, except those settings.LOGGING itself caps (their DEBUG records are
    # never made on the site: see the comment there); libraries' own levels are opened too.
    capped = set(settings.LOGGING.get("loggers", {}))
    levels = {}
    for name in list(logging.root.manager.loggerDict):
        logger = logging.getLogger(name)
        levels[name] = logger.level
        if logger.level > logging.DEBUG and name not in capped:
            logger.setLevel(logging.DEBUG)
    for name in capped:
        assert logging.getLogger(name).level >= logging.INFO, name
    yield handler
    root.removeHandler(handler)
    root.setLevel(old_level)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def _whole_order(two_variants, officer):
    buyer = Client(REMOTE_ADDR="10.20.0.1")
    fill_cart(buyer, two_variants)
    buyer.get("/shop/cart/")
    assert buyer.post("/shop/checkout/", checkout_post(two_variants)).status_code == 302
    assert buyer.get("/shop/checkout/review/").status_code == 200
    assert buyer.post("/shop/checkout/review/").status_code == 302
    order = Order.objects.latest("pk")
    token = order.signed_token()
    stranger = Client(REMOTE_ADDR="10.20.0.2")
    assert stranger.get(order.signed_url()).status_code == 200
    tracked = stranger.post("/shop/track/", {"reference": order.reference, "phone": PHONE_FORMS[2]})
    assert tracked.status_code == 302
    stranger.post("/shop/track/", {"reference": order.reference, "phone": "0999999999"})
    stranger.get(f"/shop/orders/{order.reference}/?t=forged-{token}")
    for part in order.shipments.all():
        for name in ("part_processing", "part_shipped", "part_delivered", "cod_collected"):
            part.refresh_from_db()
            if any(t.name == name for t in orders.available_actions(part, officer)):
                orders.perform(part, name, officer, carrier="ghtk", tracking="S1.TEST")
    order.refresh_from_db()
    assert order.status == Order.Status.DELIVERED, order.status
    return order, token


def _assert_clean(lines, token):
    text = "\n".join(lines)
    assert lines, "nothing was logged: the capture is not working"
    for secret in [*PHONE_FORMS, STREET, EMAIL, token, token.split(":")[-1]]:
        assert secret not in text, f"{secret!r} found in the log:\n{text[:3000]}"


@pytest.fixture
def officer():
    from .test_admin import make_user

    return make_user("can-bo-log", "Officer")


def test_locmem_mail(two_variants, officer, captured, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        _order, token = _whole_order(two_variants, officer)
    bodies = "\n".join(m.body for m in mail.outbox)
    assert EMAIL in [r for m in mail.outbox for r in m.to]
    assert token in bodies or "?t=" in bodies  # the mails do carry the link
    _assert_clean(captured.lines, token)


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Sink

    class Recorder(Sink):
        def __init__(self):
            self.messages = []
            self.refuse = False

        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
            if self.refuse:
                return f"550 5.1.1 <{address}>: recipient rejected"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            self.messages.append(envelope.content.decode("utf-8", "replace"))
            return "250 Message accepted"

    import socket

    with socket.socket() as probe:  # a free port on the loopback
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Recorder()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield controller, handler
    finally:
        controller.stop()


def test_smtp_mail_and_a_refused_recipient(
    two_variants, officer, captured, settings, smtp_server, django_capture_on_commit_callbacks
):
    controller, handler = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    with django_capture_on_commit_callbacks(execute=True):
        _order, token = _whole_order(two_variants, officer)
    assert handler.messages, "no message reached the SMTP server"
    assert any(EMAIL in m for m in handler.messages)
    _assert_clean(captured.lines, token)

    # The server now refuses the buyer: smtplib's error names the recipient; the log must not.
    handler.refuse = True
    captured.lines.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _order, token = _whole_order(two_variants, officer)
    text = "\n".join(captured.lines)
    assert "Could not send" in text  # the failure was logged …
    _assert_clean(captured.lines, token)  # … without the address


def test_the_console_handler_masks_what_slips_through():
    """The safety net on the console handler (cms.logsafe.RedactingFormatter): messages and
    tracebacks are masked, the record itself is left as it was."""
    from cms.logsafe import RedactingFormatter, describe

    order_token = "DHABCDEFGHJK:1vXyZa:" + "s" * 43
    args = (EMAIL, "+84 912 345 678", order_token)
    try:
        raise ValueError(f"refused {EMAIL}")
    except ValueError:
        import sys

        exc_info = sys.exc_info()
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "to %s / %s / %s", args, exc_info)
    text = RedactingFormatter().format(record)
    assert EMAIL not in text and "912 345 678" not in text and order_token not in text
    assert "[email]" in text and "[phone]" in text and "[token]" in text
    assert "Traceback" in text and "ValueError" in text  # where it failed is kept
    assert record.args == args and record.exc_info is exc_info
    assert "DH" not in describe(ValueError(order_token))
    assert "reference DHABCDEFGHJK" in describe(ValueError("reference DHABCDEFGHJK"))
