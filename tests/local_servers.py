"""Local servers for the production-stack tests (issue 21): moto's S3 server and a fake HTTP
purge endpoint (what Varnish answers to Wagtail's frontend cache), on 127.0.0.1 ports
18420–18499 — one block of ports per xdist worker so parallel runs never collide."""

import os
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FIRST_PORT, LAST_PORT = 18420, 18499


def free_port() -> int:
    """A port of this range nobody listens on (each xdist worker starts in its own block)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    offset = (int(worker) if worker.isdigit() else 0) * 20
    span = LAST_PORT - FIRST_PORT + 1
    for step in range(span):
        port = FIRST_PORT + (offset + step) % span
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 18420-18499")


class MotoS3:
    """moto's S3 server (ThreadedMotoServer) with one bucket whose policy lets anyone read
    media/* (as docs/deploy.md tells operators to set up) and nothing else."""

    ACCESS_KEY, SECRET_KEY = "testing", "testing"

    def __init__(self, bucket: str = "ocop-test"):
        from moto.server import ThreadedMotoServer

        self.bucket = bucket
        self.port = free_port()
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self.endpoint = f"http://127.0.0.1:{self.port}"

    def start(self):
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            os.environ[name] = "testing"
        os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
        import json
        import logging

        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's request log
        self.server.start()
        client = self.client()
        client.create_bucket(Bucket=self.bucket)
        client.put_bucket_policy(Bucket=self.bucket, Policy=json.dumps(self.policy(self.bucket)))
        return self

    @staticmethod
    def policy(bucket: str) -> dict:
        return {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{bucket}/media/*",
                }
            ],
        }

    def stop(self):
        self.server.stop()

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=self.ACCESS_KEY,
            aws_secret_access_key=self.SECRET_KEY,
            region_name="us-east-1",
        )

    def keys(self, prefix: str = "") -> list[str]:
        pages = (
            self.client()
            .get_paginator("list_objects_v2")
            .paginate(Bucket=self.bucket, Prefix=prefix)
        )
        return sorted(obj["Key"] for page in pages for obj in page.get("Contents", []))

    def storages(self, **overrides) -> dict:
        """settings.STORAGES with media, tiles and private files in this bucket (what
        cms/settings/base.py builds from AWS_STORAGE_BUCKET_NAME)."""
        from django.conf import settings

        options = {
            "bucket_name": self.bucket,
            "endpoint_url": self.endpoint,
            "access_key": self.ACCESS_KEY,
            "secret_key": self.SECRET_KEY,
            "region_name": "us-east-1",
            "location": "media",
            "querystring_auth": False,
            "file_overwrite": False,
            **overrides,
        }
        return {
            **settings.STORAGES,
            "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options},
            "tiles": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {**options, "file_overwrite": True},
            },
            "private": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {**options, "location": "private", "querystring_auth": True},
            },
        }


class FakePurgeServer:
    """Records the PURGE requests Wagtail's HTTP frontend-cache backend sends (method, path,
    Host header), answering 200 like Varnish does."""

    def __init__(self):
        self.requests: list[dict] = []
        self.port = free_port()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_PURGE(self):
                fake.requests.append(
                    {"method": "PURGE", "path": self.path, "host": self.headers.get("Host")}
                )
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def paths(self) -> set[str]:
        return {r["path"] for r in self.requests}
