"""Cache-backed throttles (issue 20) on django-ratelimit's counters.

django-ratelimit keeps one counter per (group, key, window) in the default cache (locmem, or
Redis with REDIS_URL) with an atomic add/incr, and says how long the window has left; keys are
hashed into the cache key, so no reference, phone or e-mail is stored in clear. Its decorator
answers 403 through an exception, so the views call `hit()` here instead and answer 429 with
`Retry-After` (`throttled()`): a Vietnamese page, or JSON for APIs, never cached.

Rates are settings.THROTTLE_RATES[name] ("5/15m"); a missing name or an empty rate is no limit.
"""

from django.conf import settings
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage

from .hardening import client_ip, message_response


def _rate(name: str) -> str | None:
    return (getattr(settings, "THROTTLE_RATES", {}) or {}).get(name) or None


def hit(request, name: str, value: str | None = None, increment: bool = True) -> int | None:
    """Count one request against throttle `name` for `value` (the client's address when None).
    Returns the seconds to wait when over the limit, else None. `increment=False` only asks."""
    rate = _rate(name)
    if rate is None:
        return None
    key = value if value is not None else client_ip(request)
    usage = get_usage(
        request,
        group=f"throttle:{name}",
        key=lambda _group, _request: str(key),
        rate=rate,
        increment=increment,
    )
    if usage is None:
        return None
    over = usage["count"] > usage["limit"] if increment else usage["count"] >= usage["limit"]
    if over:
        return max(1, int(usage["time_left"]))
    return None


def first_over(request, checks, increment: bool = True) -> int | None:
    """Count every (name, value) in `checks`; the longest wait among those over, or None."""
    waits = [hit(request, name, value, increment) for name, value in checks]
    waits = [w for w in waits if w]
    return max(waits) if waits else None


def throttled(request, retry_after: int, json: bool | None = None):
    """429: too many tries for now."""
    return message_response(
        request,
        429,
        _("Quá nhiều yêu cầu"),
        _("Bạn đã thử quá nhiều lần trong thời gian ngắn."),
        retry_after=retry_after,
        json=json,
    )
