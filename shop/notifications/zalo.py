"""Zalo Notification Service (ZNS): template messages to a phone number over Zalo's HTTP API.

POST {base}/message/template with the header `access_token` and a JSON body
{"phone": "84…", "template_id": "…", "template_data": {...}, "tracking_id": "…"}; Zalo answers
{"error": 0, "message": "Success", "data": {"msg_id": "…"}} or a non-zero `error`. Plain
urllib (no new dependency), a short timeout, no retries here: it runs in a "phone" job
(shop/notifications/__init__.py), which cms/jobs.py retries with backoff.
"""

import json
import urllib.error
import urllib.request


class ZNSError(Exception):
    pass


def zalo_phone(phone: str) -> str:
    """0912345678 / +84 912 345 678 → 84912345678 (the form ZNS wants)."""
    digits = "".join(c for c in phone if c.isdigit())
    if digits.startswith("0"):
        digits = "84" + digits[1:]
    if not digits.startswith("84") or not 10 <= len(digits) <= 12:
        raise ZNSError(f"not a Vietnamese phone number: {phone!r}")
    return digits


class ZaloZNS:
    code = "zalo_zns"

    def __init__(self, access_token: str, *, base_url: str, timeout: float = 3.0):
        self.access_token = access_token
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def send(self, phone: str, template_id: str, data: dict, *, tracking_id: str = "") -> str:
        """Send one template message; returns Zalo's message id (raises ZNSError)."""
        body = json.dumps(
            {
                "phone": zalo_phone(phone),
                "template_id": str(template_id),
                "template_data": data,
                "tracking_id": tracking_id[:48],
            }
        ).encode()
        request = urllib.request.Request(
            f"{self.base_url}/message/template",
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "access_token": self.access_token},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer = json.loads(response.read() or b"{}")
        except (urllib.error.URLError, TimeoutError, ValueError) as exc:
            raise ZNSError(str(exc)) from exc
        if answer.get("error") != 0:
            raise ZNSError(f"{answer.get('error')}: {answer.get('message')}")
        return str((answer.get("data") or {}).get("msg_id", ""))
