"""What the carrier clients share: one HTTP call that turns every failure into `CarrierError`,
and the reading of their notifications (our secret, times, replay-stable events)."""

import hashlib
import hmac
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import requests
from django.conf import settings
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from .base import CarrierError, Status, TrackingEvent, WebhookRejected

T = TypeVar("T")
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def call(
    carrier: str,
    method: str,
    url: str,
    *,
    headers: Mapping[str, str],
    accepted: Callable[[dict], bool],
    read: Callable[[Any], T],
    binary: bool = False,
    **kwargs: Any,
) -> T:
    """Send one request to `carrier` (its short name, for messages) and return `read(answer)`.

    The answer must be a JSON object that `accepted` approves; with `binary`, a successful
    answer that is not JSON (a label PDF) is handed to `read` as bytes. Timeouts, refused
    connections, 5xx and answers that cannot be read (not JSON, or not what `read` expects)
    raise a retryable `CarrierError`; 4xx answers and the carrier's refusals a final one.
    """
    timeout = settings.SHOP_CARRIER_TIMEOUT
    names = {"carrier": carrier}
    try:
        response = requests.request(method, url, headers=headers, timeout=timeout, **kwargs)
    except requests.Timeout as exc:
        message = _("%(carrier)s không phản hồi kịp (quá %(s)s giây).")
        raise CarrierError(message % {**names, "s": f"{timeout:g}"}) from exc
    except requests.RequestException as exc:
        raise CarrierError(_("Không kết nối được tới %(carrier)s.") % names) from exc
    status = response.status_code
    if status >= 500:
        message = _("%(carrier)s đang gặp sự cố (mã HTTP %(status)s).")
        raise CarrierError(message % {**names, "status": status})
    is_json = "json" in response.headers.get("Content-Type", "")
    try:
        if binary and status < 400 and not is_json:
            return read(response.content)
        answer = response.json()
        if not isinstance(answer, dict):
            raise ValueError("not a JSON object")
        if status < 400 and accepted(answer):
            return read(answer)
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        if status < 400:
            raise CarrierError(_("%(carrier)s trả lời không đúng định dạng.") % names) from exc
        answer = {}
    reason = answer.get("message") or f"HTTP {status}"
    message = _("%(carrier)s từ chối yêu cầu: %(reason)s")
    raise CarrierError(message % {**names, "reason": reason}, retryable=False)


def carrier_time(text: str) -> datetime:
    """A carrier's ISO 8601 time as an aware datetime (times without an offset are Vietnam's)."""
    moment = parse_datetime(str(text).strip())
    if moment is None:
        raise ValueError(f"not a time: {text!r}")
    return moment if moment.tzinfo else moment.replace(tzinfo=VIETNAM)


def require_secret(given: str, secret: str) -> None:
    """Refuse a webhook that does not carry our secret (none configured refuses them all)."""
    if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
        raise WebhookRejected("the callback does not carry our secret")


def tracking_event(
    carrier: str,
    tracking_code: str,
    raw_status: str,
    status: str | None,
    when: str,
    *,
    replay_key: tuple = (),
    reference: str = "",
    cod: int | str | None = None,
    note: str = "",
    raw: Mapping,
) -> TrackingEvent | None:
    """The event for one status line of a carrier (None for a status we do not map). Its id is
    a digest of carrier, code, status, time and `replay_key`, the same on every replay; the COD
    amount counts as collected on delivery only."""
    if status is None:
        return None
    parts = (carrier, tracking_code, raw_status, when, *replay_key)
    return TrackingEvent(
        carrier=carrier,
        tracking_code=tracking_code,
        status=status,
        raw_status=raw_status,
        occurred_at=carrier_time(when),
        event_id=hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest(),
        client_reference=reference,
        cod_collected=int(cod) if status == Status.DELIVERED and cod not in (None, "") else None,
        note=note,
        raw=raw,
    )
