"""A small local stand-in for the Stripe API, good enough for the real `stripe` SDK.

Implements POST /v1/checkout/sessions, GET /v1/checkout/sessions/<id> and POST /v1/refunds, with
Idempotency-Key replay (same key → same response), and records every request (method, path,
headers, decoded form) so tests can check amounts, currency and idempotency keys.
"""

import hashlib
import hmac
import itertools
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

from stripe._webhook import WebhookSignature


def _nest(pairs):
    """Decode Stripe's form encoding (a[b][0][c]=v) into nested dicts/lists."""
    root: dict = {}
    for key, value in pairs:
        parts = re.findall(r"[^\[\]]+", key)
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _listify(root)


def _listify(node):
    if isinstance(node, dict):
        node = {k: _listify(v) for k, v in node.items()}
        if node and all(k.isdigit() for k in node):
            return [node[k] for k in sorted(node, key=int)]
    return node


class FakeStripe:
    def __init__(self):
        self.requests: list[dict] = []
        self.sessions: dict[str, dict] = {}
        self.by_key: dict[str, tuple[int, dict]] = {}
        self.counter = itertools.count(1)
        self.lock = threading.Lock()
        self.refund_error: str | None = None  # set: refunds answer this error
        self.on_refund = None  # called (in the server thread) when a refund arrives
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _reply(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                fake._record(self, {})
                match = re.fullmatch(r"/v1/checkout/sessions/([\w]+)", self.path.split("?")[0])
                if match and match.group(1) in fake.sessions:
                    return self._reply(200, fake.sessions[match.group(1)])
                return self._reply(
                    404, {"error": {"type": "invalid_request_error", "message": "No such session"}}
                )

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = _nest(parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True))
                fake._record(self, form)
                key = self.headers.get("Idempotency-Key")
                with fake.lock:
                    if key and key in fake.by_key:
                        return self._reply(*fake.by_key[key])
                    if self.path == "/v1/checkout/sessions":
                        result = (200, fake._create_session(form))
                    elif self.path == "/v1/refunds" and fake.refund_error:
                        result = (
                            400,
                            {
                                "error": {
                                    "type": "invalid_request_error",
                                    "message": fake.refund_error,
                                }
                            },
                        )
                    elif self.path == "/v1/refunds":
                        if fake.on_refund:
                            fake.on_refund(form)
                        result = (200, fake._create_refund(form))
                    else:
                        result = (
                            404,
                            {"error": {"type": "invalid_request_error", "message": "Unknown path"}},
                        )
                    if key:
                        fake.by_key[key] = result
                return self._reply(*result)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _record(self, handler, form):
        self.requests.append(
            {
                "method": handler.command,
                "path": handler.path,
                "headers": dict(handler.headers.items()),
                "form": form,
            }
        )

    def _create_session(self, form):
        n = next(self.counter)
        items = form.get("line_items", [])
        total = sum(int(i["price_data"]["unit_amount"]) * int(i["quantity"]) for i in items)
        session = {
            "id": f"cs_test_{n:06d}",
            "object": "checkout.session",
            "url": f"{self.url}/pay/cs_test_{n:06d}",
            "status": "open",
            "payment_status": "unpaid",
            "mode": form.get("mode"),
            "currency": items[0]["price_data"]["currency"] if items else "vnd",
            "amount_total": total,
            "client_reference_id": form.get("client_reference_id"),
            "metadata": form.get("metadata", {}),
            "payment_intent": None,
            "expires_at": int(form.get("expires_at", 0)),
        }
        self.sessions[session["id"]] = session
        return session

    def _create_refund(self, form):
        n = next(self.counter)
        return {
            "id": f"re_test_{n:06d}",
            "object": "refund",
            "amount": int(form.get("amount", 0)),
            "currency": "vnd",
            "payment_intent": form.get("payment_intent"),
            "status": "succeeded",
        }

    def posts(self, path):
        return [r for r in self.requests if r["method"] == "POST" and r["path"] == path]

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def sign(payload: str, secret: str, timestamp: int | None = None) -> str:
    """A Stripe-Signature header, computed the way Stripe signs webhooks (HMAC-SHA256 over
    "<timestamp>.<payload>" with the endpoint secret) — the SDK's own WebhookSignature helper."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signature = WebhookSignature._compute_signature(f"{timestamp}.{payload}", secret)
    # Cross-check against a plain HMAC so a change in the SDK's private helper is noticed.
    assert (
        signature
        == hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    )
    return f"t={timestamp},v1={signature}"


def event(event_id: str, event_type: str, session: dict) -> str:
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "type": event_type,
            "api_version": "2025-01-27.acacia",
            "created": int(time.time()),
            "livemode": False,
            "data": {"object": session},
        }
    )
