"""`make scale-test`: the production stack on one machine (issue 21).

Two gunicorn web nodes (production settings) behind HAProxy (config generated into a temporary
folder), one PostgreSQL database, Redis (database 13 unless SCALE_REDIS_URL says otherwise),
moto's S3 server as object storage and a task worker (`manage.py run_worker`), all on
127.0.0.1 ports 18400–18405. Then checks what more than one machine changes — through the
balancer and the nodes' own pages and admin, as a buyer, a visitor and an editor would —
prints "N passed, N failed", measures the checkout flow through the balancer with 2 nodes and
with 1, and exits non-zero on any failure. Not collected by pytest (bench/, not test_*.py).
"""

import http.cookiejar
import json
import logging
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PY = sys.executable
LB, NODE_A, NODE_B, S3_PORT, LB_ONE = 18400, 18401, 18402, 18403, 18405
BUCKET = "ocop-scale"
PASSWORD = "scale-demo-pass"
PG = os.environ.get("SCALE_PG", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("SCALE_REDIS_URL", "redis://127.0.0.1:6379/13")
RESULTS: list[tuple[str, bool, str]] = []
PROCS: dict[str, subprocess.Popen] = {}


def env_for(tmp: Path, db: str) -> dict:
    origins = ",".join(f"http://127.0.0.1:{p}" for p in (LB, NODE_A, NODE_B, LB_ONE))
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))},
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CSRF_TRUSTED_ORIGINS": origins,
        "SITE_URL": f"http://127.0.0.1:{LB}",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "SHOP_BANK_TRANSFER_ENABLED": "0",
        "EMAIL_BACKEND": "dummy",
        "DATABASE_URL": f"{PG}/{db}",
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": f"scale{os.getpid()}",
        "TASKS_BACKEND": "database",
        "JOBS_HEARTBEAT_SECONDS": "1",
        "JOBS_STALE_AFTER": "4",
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": f"http://127.0.0.1:{S3_PORT}",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_S3_REGION_NAME": "us-east-1",
        "STATIC_ROOT": str(tmp / "static"),
        "MEDIA_ROOT": str(tmp / "media-must-stay-empty"),
        "TRUSTED_PROXY_COUNT": "1",
        "LOG_LEVEL": "WARNING",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_ACCESSLOG": "",
    }


def manage(env, *args, settings=None, check=True, **overrides):
    run_env = {**env, **({"DJANGO_SETTINGS_MODULE": settings} if settings else {}), **overrides}
    return subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=run_env, check=check, capture_output=True, text=True
    )


def shell(env, code: str) -> str:
    return manage(env, "shell", "-c", code).stdout.strip()


def start(name, args, env, log: Path):
    PROCS[name] = subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
    )
    return PROCS[name]


def wait_http(url, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:  # noqa: S310 - loopback
                if r.status == 200:
                    return
        except Exception:  # noqa: BLE001
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not come up")


def wait_for(predicate, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def haproxy_config(tmp: Path) -> Path:
    config = tmp / "haproxy.cfg"
    config.write_text(
        f"""global
    maxconn 512
defaults
    mode http
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    option forwardfor
frontend both
    bind 127.0.0.1:{LB}
    default_backend nodes
frontend one
    bind 127.0.0.1:{LB_ONE}
    default_backend node_a_only
backend nodes
    balance roundrobin
    option httpchk GET /readyz
    http-check send hdr Host 127.0.0.1
    http-response set-header X-Node %s
    server a 127.0.0.1:{NODE_A} check inter 2s
    server b 127.0.0.1:{NODE_B} check inter 2s
backend node_a_only
    http-response set-header X-Node %s
    server a 127.0.0.1:{NODE_A}
"""
    )
    return config


class FormFields(HTMLParser):
    """What a browser would send for one form of a page: inputs (checked boxes only), selected
    options, textareas — leaving out <template> blocks (Wagtail's empty inline forms)."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.template = form_id, False, 0
        self.fields: list[tuple[str, str]] = []
        self._select = self._textarea = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
        elif not self.inside:
            return
        elif tag == "template":
            self.template += 1
        elif self.template:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file", "image"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "select" and a.get("name"):
            self._select = {"name": a["name"], "chosen": None, "first": None}
        elif tag == "option" and self._select is not None:
            if self._select["first"] is None:
                self._select["first"] = a.get("value", "")
            if "selected" in a:
                self._select["chosen"] = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._text = a["name"], []

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "form":
            self.inside = False
        elif tag == "template":
            self.template -= 1
        elif tag == "select" and self._select is not None:
            value = self._select["chosen"]
            value = self._select["first"] if value is None else value
            if value is not None:
                self.fields.append((self._select["name"], value))
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.fields.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)


class Client:
    """A browser-like HTTP client with its own cookies and CSRF token."""

    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.nodes: list[str] = []

    def csrf(self):
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def request(self, path, data=None, base=None, files=None):
        base = base or self.base
        headers = {"Referer": base + path}
        body = None
        if files is not None:
            boundary = secrets.token_hex(8)
            parts = []
            for key, value in (data or {}).items():
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
                    f"{value}\r\n".encode()
                )
            for key, (filename, content, kind) in files.items():
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"; '
                    f'filename="{filename}"\r\nContent-Type: {kind}\r\n\r\n'.encode()
                    + content
                    + b"\r\n"
                )
            body = b"".join(parts) + f"--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        elif isinstance(data, list):  # a whole form, fields in order (names may repeat)
            body = urllib.parse.urlencode(data).encode()
        elif data is not None:
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf()}).encode()
        req = urllib.request.Request(base + path, data=body, headers=headers)
        try:
            with self.opener.open(req, timeout=120) as r:
                self.nodes.append(r.headers.get("X-Node", ""))
                return r.status, r.geturl(), r.read().decode("utf-8", "replace"), r.headers
        except urllib.error.HTTPError as exc:
            self.nodes.append(exc.headers.get("X-Node", ""))
            return exc.code, exc.geturl(), exc.read().decode("utf-8", "replace"), exc.headers

    def login_admin(self, base):
        self.request("/admin/login/", base=base)
        status, url, html, _ = self.request(
            "/admin/login/", {"username": "admin", "password": PASSWORD, "next": "/admin/"}, base
        )
        return "/admin/login/" not in url

    def edit_page(self, page_id, changes: dict, publish=True):
        """What an editor does in Wagtail's page editor: open it, change some fields, press
        "Publish" (or save a draft). Returns the final URL (the explorer when it worked)."""
        _status, _url, html, _ = self.request(f"/admin/pages/{page_id}/edit/")
        parser = FormFields("page-edit-form")
        parser.feed(html)
        fields = [(k, v) for k, v in parser.fields if k not in changes]
        fields += list(changes.items())
        if publish:
            fields.append(("action-publish", "action-publish"))
        status, url, html, _ = self.request(f"/admin/pages/{page_id}/edit/", fields)
        if status != 200 or url.rstrip("/").endswith("/edit"):
            errors = re.findall(r'class="error-message"[^>]*>\s*(.*?)\s*<', html, re.S)
            raise AssertionError(f"the editor refused the change ({status}): {errors[:5]}")
        return url


def check(name):
    def decorator(fn):
        def run(*args):
            try:
                detail = fn(*args) or ""
                RESULTS.append((name, True, str(detail)))
                print(f"  PASS  {name} {detail}", flush=True)
            except Exception as exc:  # noqa: BLE001 - every check is reported
                RESULTS.append((name, False, repr(exc)))
                print(f"  FAIL  {name}: {exc!r}", flush=True)
                traceback.print_exc()

        return run

    return decorator


def target(env):
    out = shell(
        env,
        "import json; from bench.scenario_shop import _target_from_orm; "
        "print(json.dumps(_target_from_orm(100000)))",
    )
    return json.loads(out.splitlines()[-1])


@check("a buyer's session and cart survive alternating nodes")
def check_cart(env, goods):
    buyer = Client(f"http://127.0.0.1:{LB}")
    buyer.request("/shop/csrf/")
    status, _, _, _ = buyer.request("/shop/cart/add/", {"sku": goods["sku"], "quantity": "2"})
    assert status == 200, status
    pages = [buyer.request("/shop/cart/")[2] for _ in range(4)]
    assert {"a", "b"} <= set(buyer.nodes[-4:]), buyer.nodes
    line = re.compile(rf'id="qty-{re.escape(goods["sku"])}"[^>]*value="2"')
    for node, html in zip(buyer.nodes[-4:], pages, strict=True):
        assert line.search(html), f"the cart (2 × {goods['sku']}) is lost on node {node}"
    return f"(nodes {''.join(buyer.nodes)})"


@check("an order placed through node A is visible in the admin on node B")
def check_order(env, goods):
    from bench.scenario_shop import Buyer

    buyer = Buyer(f"http://127.0.0.1:{NODE_A}")
    buyer.get("/shop/csrf/")
    buyer.prepare(goods)
    if not buyer.place():
        _url, page = buyer.get("/shop/checkout/review/")
        errors = re.findall(r'class="[^"]*(?:error|errorlist)[^"]*"[^>]*>(.*?)<', page.decode())
        raise AssertionError(f"the order was not placed on node A: {_url} {errors[:5]}")
    reference = shell(
        env, "from shop.models import Order; print(Order.objects.latest('pk').reference)"
    ).splitlines()[-1]
    officer = Client(f"http://127.0.0.1:{NODE_B}")
    assert officer.login_admin(officer.base), "admin login on node B failed"
    status, _, html, _ = officer.request(f"/admin/shop/orders/{reference}/")
    assert status == 200 and reference in html, status
    return f"({reference})"


def _panorama(width, height):
    import io

    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(7)
    pixels = rng.integers(0, 255, (height // 8, width // 8, 3), dtype=np.uint8)
    image = Image.fromarray(pixels).resize((width, height))
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=85)
    return buf.getvalue()


def _tiles_job(env, image_id):
    return json.loads(
        shell(
            env,
            "import json; from cms.models import Job; "
            f"j = Job.objects.filter(kind='tiles', args=[{image_id}]).order_by('-pk').first(); "
            "print(json.dumps(j and {'status': j.status, 'attempts': j.attempts, "
            "'history': j.history}))",
        ).splitlines()[-1]
    )


def _tour(env):
    """The demo tour with the most scenes: {id, url}."""
    return json.loads(
        shell(
            env,
            "import json; from django.db.models import Count; "
            "from tours.models import VirtualTourPage as T; "
            "t = T.objects.live().annotate(n=Count('scenes')).order_by('-n', 'pk').first(); "
            "print(json.dumps({'id': t.pk, 'url': t.url}))",
        ).splitlines()[-1]
    )


def _use_in_tour(editor, tour, scene: int, image_id: int):
    # What an editor does: the scene's panorama is the uploaded picture; "Publish". Saving a
    # tour asks for its scenes' tiles (tours/wagtail_hooks.py): a job for the worker.
    editor.edit_page(tour["id"], {f"scenes-{scene}-panorama": str(image_id)})


def _upload(editor, title, content):
    editor.request("/admin/images/multiple/add/")
    status, _, body, _ = editor.request(
        "/admin/images/multiple/add/",
        {"csrfmiddlewaretoken": editor.csrf(), "title": title},
        files={"files[]": (f"{title}.jpg", content, "image/jpeg")},
    )
    answer = json.loads(body)
    if "uploaded_file_id" in answer:  # the image form wants its fields: fill and send them
        form = answer["form"]
        fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form))
        for name in re.findall(r'name="([^"]+)"', form):
            fields.setdefault(name, title if "title" in name else "")
        for name, options in re.findall(
            r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S
        ):
            chosen = re.findall(r'<option value="([^"]+)"', options)
            fields[name] = chosen[0] if chosen else ""
        fields = {k: (title if k.endswith("title") else v) for k, v in fields.items()}
        fields.pop("csrfmiddlewaretoken", None)
        status, _, body, _ = editor.request(
            f"/admin/images/multiple/create_from_uploaded_image/{answer['uploaded_file_id']}/",
            fields,
        )
        answer = json.loads(body)
    assert status == 200 and "image_id" in answer, (status, body[:300])
    return int(answer["image_id"])


@check("a panorama uploaded on node B is tiled by the worker and served from object storage")
def check_tiles(env, tour):
    node_b = f"http://127.0.0.1:{NODE_B}"
    editor = Client(node_b)
    assert editor.login_admin(node_b), "admin login on node B failed"
    image_id = _upload(editor, "scale-pano", _panorama(2048, 1024))
    _use_in_tour(editor, tour, 0, image_id)
    wait_for(lambda: (_tiles_job(env, image_id) or {}).get("status") == "succeeded", 90, "tiles")
    base = shell(
        env,
        "from tours.models import PanoramaTiles; from tours.tasks import tiles_url; "
        f"print(tiles_url(PanoramaTiles.objects.get(image_id={image_id}, status='ready')))",
    ).splitlines()[-1]
    assert base.startswith(f"http://127.0.0.1:{S3_PORT}/{BUCKET}/media/"), base
    # The tour, as node A serves it to a visitor, loads its tiles from the bucket.
    status, _, html, _ = Client(f"http://127.0.0.1:{NODE_A}").request(tour["url"])
    assert status == 200 and f'"basePath": "{base}"' in html, "the tour does not use the tiles"
    with urllib.request.urlopen(base + "/1/f0_0.jpg", timeout=10) as r:  # noqa: S310
        assert r.status == 200 and r.read(3) == b"\xff\xd8\xff"
    return f"({base})"


@check("publishing on node A changes what node B serves (shared page cache, purged)")
def check_publish(env, goods, tour):
    node_a, node_b = f"http://127.0.0.1:{NODE_A}", f"http://127.0.0.1:{NODE_B}"
    officer = Client(node_a)
    assert officer.login_admin(node_a)
    # An edit published on A: B served the page from the shared cache, then the new text.
    Client(node_b).request(tour["url"])
    status, _, _, headers = Client(node_b).request(tour["url"])
    assert status == 200 and headers.get("X-Page-Cache") == "hit", headers.get("X-Page-Cache")
    intro = f"Giới thiệu mới {secrets.token_hex(4)}"
    officer.edit_page(tour["id"], {"intro": intro})
    status, _, html, headers = Client(node_b).request(tour["url"])
    assert status == 200 and intro in html, f"node B still serves the old tour ({status})"
    # A product unpublished on A: B answers 404 at once.
    found = shell(
        env,
        "import json; from products.models import ProductVariant; "
        f"v = ProductVariant.objects.select_related('page').get(sku={goods['sku']!r}); "
        "print(json.dumps({'url': v.page.url, 'id': v.page_id}))",
    ).splitlines()[-1]
    product = json.loads(found)
    Client(node_b).request(product["url"])
    status, _, _, headers = Client(node_b).request(product["url"])
    assert status == 200 and headers.get("X-Page-Cache") == "hit", headers.get("X-Page-Cache")
    officer.request(f"/admin/pages/{product['id']}/unpublish/")
    status, _, _, _ = officer.request(f"/admin/pages/{product['id']}/unpublish/", {})
    assert status == 200, status
    status, _, _, _ = Client(node_b).request(product["url"])
    assert status == 404, f"node B still serves the unpublished page ({status})"
    return f"({tour['url']} new intro, {product['url']} → 404 on node B)"


@check("throttle counters are shared by the nodes (Redis)")
def check_throttle(env):
    reference = shell(
        env, "from shop.models import Order; print(Order.objects.earliest('pk').reference)"
    ).splitlines()[-1]
    visitor = Client(f"http://127.0.0.1:{LB}")
    answers = []
    for _ in range(6):  # THROTTLE_TRACK_REFERENCE: 5 wrong tries per reference in 15 min
        visitor.request("/shop/track/")
        status, _, _, _ = visitor.request(
            "/shop/track/", {"reference": reference, "phone": "0999999999"}
        )
        answers.append(status)
    assert {"a", "b"} <= set(visitor.nodes), visitor.nodes
    assert answers == [200] * 5 + [429], answers
    return f"(answers {answers}, nodes {''.join(visitor.nodes)})"


@check("a worker killed mid-job loses no job: another worker retries it")
def check_kill(env, tmp, tour):
    node_a = f"http://127.0.0.1:{NODE_A}"
    editor = Client(node_a)
    assert editor.login_admin(node_a), "admin login on node A failed"
    image_id = _upload(editor, "scale-big", _panorama(8192, 4096))
    _use_in_tour(editor, tour, 1, image_id)
    wait_for(lambda: (_tiles_job(env, image_id) or {}).get("status") == "running", 60, "claim")
    time.sleep(1.0)
    PROCS["worker"].send_signal(signal.SIGKILL)
    PROCS["worker"].wait()
    start("worker2", worker_args(), env, tmp / "worker2.log")
    job = wait_for(
        lambda: (j := _tiles_job(env, image_id)) and j["status"] == "succeeded" and j,
        150,
        "the retried job",
    )
    assert job["attempts"] == 2, job
    assert job["history"][0]["error"].startswith("WorkerLost"), job["history"]
    return f"(attempts {job['attempts']})"


def worker_args():
    return [PY, "manage.py", "run_worker", "--interval", "0.5", "--no-startup-delay"]


def throughput(goods, base, buyers=24, concurrency=4):
    from concurrent.futures import ThreadPoolExecutor

    from bench.scenario_shop import Buyer

    def one(_):
        buyer = Buyer(base)
        buyer.get("/shop/csrf/")
        buyer.prepare(goods)
        return buyer.place()

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        placed = sum(pool.map(one, range(buyers)))
    return placed / (time.perf_counter() - started), placed


def main() -> int:
    started = time.time()
    tmp = Path(tempfile.mkdtemp(prefix="ocop-scale-"))
    db = f"scale_run_{os.getpid()}"
    env = env_for(tmp, db)
    subprocess.run(["psql", f"{PG}/postgres", "-q", "-c", f"CREATE DATABASE {db}"], check=True)
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()  # our own database number only
    from moto.server import ThreadedMotoServer

    from tests.local_servers import MotoS3

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's log of every request
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=S3_PORT, verbose=False)
    moto.start()
    try:
        import boto3

        s3 = boto3.client(
            "s3",
            endpoint_url=f"http://127.0.0.1:{S3_PORT}",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            region_name="us-east-1",
        )
        s3.create_bucket(Bucket=BUCKET)
        s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(MotoS3.policy(BUCKET)))
        print("== preparing: migrate, demo data (media on S3), static files", flush=True)
        manage(env, "migrate", "--noinput")
        # Seeded in-process (immediate jobs): the worker starts with an empty queue.
        manage(
            env,
            "seed_demo",
            "--password",
            PASSWORD,
            settings="cms.settings.dev",
            TASKS_BACKEND="immediate",
            JOBS_PREWARM_RENDITIONS="0",
        )
        manage(env, "collectstatic", "--noinput")
        print(f"   ready in {time.time() - started:.0f} s", flush=True)
        gunicorn = [PY, "-m", "gunicorn", "-c", "cms/gunicorn_conf.py", "cms.wsgi:application"]
        for name, port in (("a", NODE_A), ("b", NODE_B)):
            start(
                name, gunicorn, {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}, tmp / f"{name}.log"
            )
        start("worker", worker_args(), env, tmp / "worker.log")
        start("haproxy", ["haproxy", "-f", str(haproxy_config(tmp))], env, tmp / "haproxy.log")
        for port in (NODE_A, NODE_B):
            wait_http(f"http://127.0.0.1:{port}/healthz")
        wait_http(f"http://127.0.0.1:{LB}/readyz")
        time.sleep(2.5)  # both servers pass HAProxy's first health check
        goods = target(env)
        tour = _tour(env)
        print("== checks", flush=True)
        check_cart(env, goods)
        check_order(env, goods)
        check_throttle(env)
        check_tiles(env, tour)
        check_kill(env, tmp, tour)
        print("== checkout throughput through the load balancer", flush=True)
        two, placed2 = throughput(goods, f"http://127.0.0.1:{LB}")
        one, placed1 = throughput(goods, f"http://127.0.0.1:{LB_ONE}")
        print(f"   2 nodes: {two:.1f} orders/s ({placed2} placed)", flush=True)
        print(f"   1 node:  {one:.1f} orders/s ({placed1} placed)", flush=True)
        print(f"   (one machine, {os.cpu_count()} CPUs, shared by every process)", flush=True)
        check_publish(env, goods, tour)
        leftovers = list((tmp / "media-must-stay-empty").rglob("*"))
        RESULTS.append(("nothing written to MEDIA_ROOT", not leftovers, str(leftovers[:3])))
    finally:
        for proc in PROCS.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in PROCS.values():
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        moto.stop()
        subprocess.run(
            ["psql", f"{PG}/postgres", "-q", "-c", f"DROP DATABASE IF EXISTS {db}"], check=False
        )
        redis.Redis.from_url(REDIS_URL).flushdb()
    passed = sum(ok for _n, ok, _d in RESULTS)
    failed = len(RESULTS) - passed
    if failed:
        for log in sorted(tmp.glob("*.log")):
            tail = log.read_text(errors="replace").splitlines()[-15:]
            print(f"--- {log.name}\n" + "\n".join(tail))
    print(f"{passed} passed, {failed} failed in {time.time() - started:.0f} s")
    return 1 if failed or not RESULTS else 0


if __name__ == "__main__":
    sys.exit(main())
