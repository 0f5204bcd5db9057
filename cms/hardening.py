"""Hardening of the public surface (issue 20), in one place.

- `InputHardeningMiddleware` answers 400 with a short Vietnamese message, before the page cache
  or any view runs, for input no page of ours can use: NUL bytes or invalid UTF-8 in the path,
  the query string or a posted form, over-long query values, page numbers beyond any listing,
  and Wagtail API paging/search parameters outside what the API accepts.
- `SecurityHeadersMiddleware` adds `Permissions-Policy` (Django's SecurityMiddleware sends
  Referrer-Policy, Cross-Origin-Opener-Policy and HSTS; django-csp the CSP).
- `local_next` is the one rule for `next` parameters: a path on this site, or the default.
- `client_ip` is the address throttles and login lockouts count by (behind `TRUSTED_PROXY_COUNT`
  proxies, read from X-Forwarded-For).
- `message_response` is the short page (or JSON) for 400 and 429 answers: never cached, with
  `Retry-After` when the client should wait; `lockout_response` is django-axes' lockout page.
"""

import hashlib
import re
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

# Page numbers (?page=, Wagtail admin's ?p=) above this are refused: no listing is that long,
# and the offset they make overflows the databases' integers.
MAX_PAGE_NUMBER = 100_000
PAGE_PARAMS = ("page", "p")
# The Wagtail API (/api/v2/): WAGTAILAPI_LIMIT_MAX caps `limit`; `offset` is capped here.
API_PREFIX = "/api/v2/"
API_MAX_OFFSET = 10_000
API_SEARCH_OPERATORS = ("and", "or")
_INTEGER = re.compile(r"[+-]?\d+")
_DIGITS = re.compile(r"\d+")


# ----- small helpers --------------------------------------------------------------------------


def local_next(target, default: str) -> str:
    """`target` if it is a path on this site ("/…", not "//…" or a scheme), else `default`."""
    target = target or ""
    if (
        not isinstance(target, str)
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or "\x00" in target
        or not url_has_allowed_host_and_scheme(target, allowed_hosts=None)
    ):
        return default
    return target


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or — behind TRUSTED_PROXY_COUNT proxies that each
    append to X-Forwarded-For — the address the outermost trusted proxy saw."""
    remote = request.META.get("REMOTE_ADDR") or "0.0.0.0"
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part
    ]
    if len(forwarded) >= proxies:
        return forwarded[-proxies] or remote
    return remote


def _wants_json(request) -> bool:
    return "/api/" in request.path or "application/json" in request.headers.get("Accept", "")


def wait_text(seconds: int) -> str:
    minutes = max(1, -(-int(seconds) // 60))
    return _("Vui lòng thử lại sau %(n)d phút.") % {"n": minutes}


def message_response(
    request,
    status: int,
    title: str,
    message: str,
    retry_after: int | None = None,
    json: bool | None = None,
) -> HttpResponse:
    """A short page (or `{"error": …}` for APIs) that no cache keeps."""
    if json is None:
        json = _wants_json(request)
    if json:
        body = {"error": message, "message": message}
        if retry_after is not None:
            body["retry_after"] = retry_after
        response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    else:
        html = render_to_string(
            "cms/message.html",
            {
                "title": title,
                "message": message,
                "wait": wait_text(retry_after) if retry_after else "",
                "LANGUAGE_CODE": getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
            },
        )
        response = HttpResponse(html, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(max(1, int(retry_after)))
    add_never_cache_headers(response)
    return response


def bad_request(request, message: str | None = None) -> HttpResponse:
    return message_response(
        request, 400, _("Yêu cầu không hợp lệ"), message or _("Yêu cầu không hợp lệ.")
    )


# ----- input ----------------------------------------------------------------------------------


def _decoded_bytes(raw: str) -> bytes:
    """A query string (WSGI gives its bytes as latin-1) percent-decoded to bytes."""
    try:
        data = raw.encode("latin-1")
    except UnicodeEncodeError:
        data = raw.encode("utf-8", "surrogateescape")
    return unquote_to_bytes(data.replace(b"+", b" "))


def _bad_encoding(raw_bytes: bytes) -> str | None:
    if b"\x00" in raw_bytes:
        return _("Yêu cầu chứa ký tự không hợp lệ.")
    try:
        raw_bytes.decode("utf-8")
    except UnicodeDecodeError:
        return _("Yêu cầu không phải văn bản UTF-8 hợp lệ.")
    return None


class InputHardeningMiddleware:
    """400 for input that no view of ours can use (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = self.problem(request)
        if problem is not None:
            message, as_json = problem
            if as_json:
                response = JsonResponse(
                    {"message": message}, status=400, json_dumps_params={"ensure_ascii": False}
                )
                add_never_cache_headers(response)
                return response
            return bad_request(request, message)
        return self.get_response(request)

    def problem(self, request) -> tuple[str, bool] | None:
        path = request.path
        is_api = path.startswith(API_PREFIX)
        if "\x00" in path or "\x00" in request.path_info:
            return _("Đường dẫn chứa ký tự không hợp lệ."), is_api
        raw_query = request.META.get("QUERY_STRING", "")
        if raw_query:
            bad = _bad_encoding(_decoded_bytes(raw_query))
            if bad:
                return bad, is_api
        limit = settings.HARDENING_MAX_PARAM_LENGTH
        for name, values in request.GET.lists():
            if len(name) > limit or any(len(v) > limit for v in values):
                return (
                    _("Tham số quá dài (tối đa %(n)d ký tự).") % {"n": limit},
                    is_api,
                )
            if name in PAGE_PARAMS:
                for value in values:
                    value = value.strip()
                    if _INTEGER.fullmatch(value) and abs(int(value)) > MAX_PAGE_NUMBER:
                        return _("Số trang không hợp lệ."), is_api
        if is_api:
            message = self.api_problem(request)
            if message:
                return message, True
        if request.method == "POST" and not path.startswith("/admin/"):
            content_type = request.META.get("CONTENT_TYPE", "")
            if content_type.startswith("application/x-www-form-urlencoded"):
                bad = _bad_encoding(unquote_to_bytes(request.body.replace(b"+", b" ")))
                if bad:
                    return bad, False
        return None

    def api_problem(self, request) -> str | None:
        """The Wagtail API's parameters, in the API's own 400 style ({"message": …})."""
        params = request.GET
        limit_max = getattr(settings, "WAGTAILAPI_LIMIT_MAX", 20) or 100
        for name, maximum in (("offset", API_MAX_OFFSET), ("limit", limit_max)):
            if name in params:
                value = params[name].strip()
                if not _DIGITS.fullmatch(value) or int(value) > maximum:
                    return f"{name} must be an integer between 0 and {maximum}"
        operator = params.get("search_operator")
        if operator is not None and operator not in API_SEARCH_OPERATORS:
            return "search_operator must be 'and' or 'or'"
        return None


# ----- headers --------------------------------------------------------------------------------


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response (settings.PERMISSIONS_POLICY)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "PERMISSIONS_POLICY", "")

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Permissions-Policy", self.policy)
        return response


# ----- django-axes ----------------------------------------------------------------------------


def axes_client_ip(request) -> str:
    return client_ip(request)


def axes_username(request, credentials) -> str:
    """The username a login form posted, compared case-insensitively (buyers log in with their
    e-mail in any case; LoginForm finds the account the same way)."""
    field = settings.AXES_USERNAME_FORM_FIELD
    value = (credentials or {}).get(field) if credentials else None
    if value is None and request is not None:
        value = request.POST.get(field) if hasattr(request, "POST") else None
    return (value or "").strip().lower()


def _fingerprint(value: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{value}".encode()).hexdigest()[:12]


def axes_client_str(username, ip_address, user_agent, path_info, request) -> str:
    """What axes' log lines say about a client: fingerprints, never the username (an e-mail
    for buyers) or the address."""
    user, client = _fingerprint(username or ""), _fingerprint(ip_address or "")
    return f"{{user: {user}, client: {client}, path: {path_info}}}"


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer to a locked-out username + address: 429 with the cool-off time."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    return message_response(
        request,
        429,
        _("Tạm khóa đăng nhập"),
        _(
            "Bạn đã nhập sai mật khẩu quá %(n)d lần. Để bảo vệ tài khoản, việc đăng nhập bằng "
            "tên này từ máy của bạn tạm bị khóa. Nếu quên mật khẩu, hãy dùng chức năng lấy lại "
            "mật khẩu hoặc liên hệ cán bộ quản lý sàn."
        )
        % {"n": settings.AXES_FAILURE_LIMIT},
        retry_after=seconds,
    )
