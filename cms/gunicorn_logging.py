"""gunicorn's own log lines as JSON, masked like the site's (cms/logsafe.py; issue 21).

`logger_class` of cms/gunicorn_conf.py. The access log is one JSON object per request — time,
method, path, status, bytes, milliseconds — and nothing about the visitor: no query string
(guest order links carry their token in ``?t=``), no address, no user agent, no referrer; the
path itself is masked (`logsafe.mask_path`: tickets, restock and password-reset links carry a
bearer token in it). gunicorn's error log (booting, worker timeouts) is JSON too, through the
same `JsonFormatter` as Django's log. Built with json.dumps, so a path with a quote in it still
makes a valid line.
"""

import json
import logging
import time

from gunicorn.glogging import Logger

from .logsafe import JsonFormatter, mask_path


class JsonLogger(Logger):
    def setup(self, cfg):
        super().setup(cfg)
        for handler in self.error_log.handlers:
            handler.setFormatter(JsonFormatter())
        for handler in self.access_log.handlers:
            handler.setFormatter(logging.Formatter("%(message)s"))

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        try:
            line = {
                "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "level": "INFO",
                "logger": "gunicorn.access",
                "method": environ.get("REQUEST_METHOD", ""),
                "path": mask_path(environ.get("PATH_INFO", "")),
                "status": int(status) if str(status).isdigit() else str(status),
                "bytes": getattr(resp, "sent", None),
                "ms": round(request_time.total_seconds() * 1000, 1),
            }
            self.access_log.info(json.dumps(line, ensure_ascii=False))
        except Exception:  # noqa: BLE001 - a log line must never fail a request
            self.exception("Could not write the access log line")
