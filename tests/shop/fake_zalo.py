"""A local stand-in for Zalo's ZNS API (POST /message/template), for the real HTTP client."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeZalo:
    TOKEN = "zns-test-token"

    def __init__(self):
        self.requests: list[dict] = []
        self.delay = 0.0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                fake.requests.append(
                    {"path": self.path, "headers": dict(self.headers.items()), "json": body}
                )
                if fake.delay:
                    time.sleep(fake.delay)
                if self.headers.get("access_token") != fake.TOKEN:
                    answer = {"error": -124, "message": "Access token is invalid"}
                elif self.path != "/message/template":
                    answer = {"error": -100, "message": "Unknown path"}
                else:
                    answer = {"error": 0, "message": "Success", "data": {"msg_id": "zns-1"}}
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
