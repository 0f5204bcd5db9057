"""No personal data or bearer tokens in logs (issue 20).

Call sites log references and ids, never names, phones, addresses, e-mails or signed links. An
exception from a mail server or a carrier can carry an address in its message (smtplib's
SMTPRecipientsRefused prints the recipients), so failures are logged with `describe(exc)` — the
exception's class and its message with e-mail addresses, phone numbers and signed tokens
masked — instead of `logger.exception`'s full traceback text.

`RedactingFormatter` (the console handler's, settings.LOGGING) masks the same patterns in all
that reaches the log, tracebacks included, ours or a library's: a safety net, not a licence.
"""

import logging
import re

_PATTERNS = [
    # e-mail addresses
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[email]"),
    # django.core.signing values (order links ?t=…): value:timestamp:signature
    (re.compile(r"[\w-]{6,}:[\w-]{4,}:[\w-]{20,}"), "[token]"),
    # Vietnamese phone numbers: 0xxxxxxxxx, +84 xxx…, 84xxxxxxxxx, with or without spaces
    (re.compile(r"(?<![\w.])(?:\+?84|0)(?:[\s.-]?\d){8,10}(?![\w.])"), "[phone]"),
]


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


# URL parameters that are bearer secrets (a ticket's token, a restock or password-reset link):
# masked wherever a path is logged.
SECRET_URL_KWARGS = frozenset({"token", "uidb64"})


def mask_path(path: str) -> str:
    """A request path fit for a log: the values of secret URL parameters (`SECRET_URL_KWARGS`
    in the route that serves the path, /en/ or not) become ``[token]``, then the usual
    patterns are masked."""
    try:
        from django.urls import Resolver404, resolve

        from .language import strip_prefix

        try:
            match = resolve(strip_prefix(path))
        except Resolver404:
            match = None
        for name, value in match.kwargs.items() if match else ():
            if name in SECRET_URL_KWARGS and value:
                path = path.replace(str(value), "[token]")
    except Exception:  # noqa: BLE001 - outside Django, or a broken URLconf: patterns only
        pass
    return redact(path)


def describe(exc: BaseException) -> str:
    """`ClassName: message` with personal data masked, for a log line."""
    message = redact(str(exc))[:300]
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _mask_request_path(record: logging.LogRecord, text: str) -> str:
    """Django's request loggers name the path ("Not Found: /trai-nghiem/ve/<token>/"): the
    path of the request they pass in `extra` is masked like the access log's."""
    path = getattr(getattr(record, "request", None), "path", None)
    if isinstance(path, str) and len(path) > 1 and path in text:
        text = text.replace(path, mask_path(path))
    return text


class RedactingFormatter(logging.Formatter):
    """Formats as usual (tracebacks included), then masks personal data in the text. A
    formatter, not a filter: records are left untouched for other handlers."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(_mask_request_path(record, super().format(record)))


class JsonFormatter(RedactingFormatter):
    """One JSON object per line (LOG_FORMAT=json, production's default) for log collectors:
    time, level, logger, message and the traceback, masked like the text format. Whatever a
    library passes in `extra` (Django's request object, with its cookies) is left out."""

    FIELDS = ("status_code", "job", "kind")

    def format(self, record: logging.LogRecord) -> str:
        import json

        payload = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(_mask_request_path(record, record.getMessage())),
        }
        for name in self.FIELDS:
            value = getattr(record, name, None)
            if isinstance(value, str | int | float):
                payload[name] = value
        if record.exc_info:
            payload["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(payload, ensure_ascii=False)
