"""Fuzz the public surface (issue 20): every public GET parameter of the catalogue, producer
pages, search page and APIs, map, open data, Wagtail API (pages, images, find), order tracking
and cart forms, the language switch, and the admin list filters of a logged-in producer — with
hostile values (NUL bytes, invalid UTF-8, huge integers, quotes, FTS syntax, long strings,
foreign URLs). No answer may be a server error.

A seeded random generator keeps the run the same every time; the request count is printed. It
runs on the suite's database: SQLite by default, PostgreSQL when DATABASE_URL says so (CI runs
both).
"""

import random
import time
from urllib.parse import quote

import pytest
from django.test import Client

SEED = 20_2026
ROUNDS = 2  # random combinations of 2–4 parameters, per parameter of an endpoint
PER_PARAM = 10  # random values per parameter, on top of the CORE values every one gets

# Values as they would appear in the raw query string (already percent-encoded where needed),
# so invalid UTF-8 and NUL reach the server as bytes.
RAW_VALUES = [
    "",
    "0",
    "-1",
    "1",
    "2",
    "3.5",
    "1e309",
    "nan",
    "inf",
    "99999999999999999999",
    "-99999999999999999999",
    "18446744073709551616",
    "2147483648",
    "abc",
    "cod",
    "and",
    "or",
    "xor",
    "%00",
    "a%00b",
    "%22",
    "%22%22%22",
    "%27",
    "%5C",
    "%2A",
    "NEAR(a%20b)",
    "a%20OR%20b",
    "-%22x",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "%ff%fe",
    "%c3%28",
    "%ed%a0%80",
    "%F0%9D%92%9C",
    "%C4%91%E1%BA%ADu",
    "%E2%80%AE",
    "%2F%2Fevil.example",
    "https%3A%2F%2Fevil.example%2F",
    "%2Fshop%2Fcart%2F",
    "javascript%3Aalert(1)",
    "%2C%2C",
    "1%2C2%2C%2C3",
    "21.0%2C105.8",
    "200%2C-200",
    "true",
    "%5B%5D",
    "%7B%7D",
    "%25",
    "_",
    "x" * 2500,
    "%C4%91" * 700,
    "DH" + "A" * 10,
    "+",
]

# Every parameter gets these (the kinds that made server errors before issue 20).
CORE_VALUES = ["%00", "%ff%fe", "99999999999999999999", "%22", "+", "x" * 2500, "cod", "-1"]

CATALOGUE_PARAMS = ["q", "group", "category", "stars", "commune", "price_min", "price_max"]
CATALOGUE_PARAMS += ["in_stock", "sort", "page"]
SEARCH_PARAMS = ["q", "type", "category", "stars", "commune", "price_min", "price_max"]
SEARCH_PARAMS += ["in_stock", "near", "radius_km", "sort", "page"]
API_PAGE_PARAMS = ["type", "fields", "offset", "limit", "order", "search", "search_operator"]
API_PAGE_PARAMS += ["locale", "child_of", "descendant_of", "ancestor_of", "slug", "id", "title"]
API_PAGE_PARAMS += ["show_in_menus", "translation_of", "has_children"]
API_IMAGE_PARAMS = ["fields", "offset", "limit", "order", "search", "search_operator", "title"]
API_IMAGE_PARAMS += ["id", "tags"]
ADMIN_LISTS = {
    "/admin/shop/orders/": ["status", "date_from", "date_to", "q", "p"],
    "/admin/ocop/ton-kho/": ["producer", "p", "q"],
    "/admin/images/": ["q", "collection_id", "p", "ordering", "tag"],
    "/admin/pages/search/": ["q", "p", "ordering", "content_type"],
    "/admin/ocop/san-pham-cua-toi/": ["p", "q", "status"],
}


def _query(pairs) -> str:
    return "&".join(f"{quote(name)}={value}" for name, value in pairs)


def _endpoints():
    from products.models import ProducerIndexPage, ProducerPage, ProductIndexPage, ProductPage

    product = ProductPage.objects.live().first()
    producer = ProducerPage.objects.live().first()
    return {
        ProductIndexPage.objects.get().url: CATALOGUE_PARAMS,
        ProducerIndexPage.objects.get().url: ["page", "q", "commune"],
        producer.url: ["page", "q"],
        product.url: ["variant", "q"],
        "/tim-kiem/": SEARCH_PARAMS,
        "/api/search/": SEARCH_PARAMS,
        "/api/search/suggest/": ["q", "limit"],
        "/ban-do/": ["kind", "group", "q", "commune", "bbox"],
        "/open-data/": ["format"],
        "/open-data/products.csv": ["category", "page"],
        "/open-data/tourism-sites.geojson": ["kind"],
        "/open-data/catalog.jsonld": ["f"],
        "/open-data/plan-236.csv": ["year"],
        "/so-lieu/": ["year", "commune"],
        "/so-lieu/ocop-stars.csv": ["year"],
        "/open-data/ogc/collections/ntm-communes/items": ["bbox", "limit", "offset", "datetime"],
        "/open-data/ogc/collections/tourism-sites/items/x": ["f"],
        "/api/v2/pages/": API_PAGE_PARAMS,
        "/api/v2/pages/find/": ["html_path", "locale", "site"],
        f"/api/v2/pages/{product.pk}/": ["fields", "locale"],
        "/api/v2/images/": API_IMAGE_PARAMS,
        "/shop/api/communes/": ["q", "province", "limit"],
        "/shop/api/delivery-estimate/": ["sku", "province"],
        "/shop/cart/add/": ["sku", "quantity", "next"],
        "/shop/track/": ["reference", "phone"],
        "/i18n/chon/": ["language", "next"],
    }


def _requests(rng, endpoints):
    """(method, path, query, form) tuples: each parameter with each value once, then random
    combinations of several parameters."""
    others = [v for v in RAW_VALUES if v not in CORE_VALUES]
    for path, params in endpoints.items():
        for name in params:
            for value in CORE_VALUES + rng.sample(others, k=PER_PARAM):
                yield "GET", path, _query([(name, value)]), None
        for _ in range(ROUNDS * len(params)):
            chosen = rng.sample(params, k=min(len(params), rng.randint(2, 4)))
            yield "GET", path, _query([(n, rng.choice(RAW_VALUES)) for n in chosen]), None


def _form_requests(rng):
    """The public POST forms: tracking, cart update/remove (their `next`), guest data."""
    forms = {
        "/shop/track/": ["reference", "phone"],
        "/shop/cart/update/": ["sku", "quantity", "next"],
        "/shop/cart/remove/": ["sku", "quantity", "next"],
        "/shop/cart/add/": ["sku", "quantity", "next"],
        "/tai-khoan/du-lieu/": ["reference", "phone", "action", "confirm"],
        "/tai-khoan/dang-nhap/": ["username", "password", "next"],
    }
    for path, fields in forms.items():
        for name in fields:
            for value in CORE_VALUES + rng.sample(RAW_VALUES, k=4):
                yield "POST", path, "", _query([(name, value)])
        for _ in range(ROUNDS * 2):
            yield "POST", path, "", _query([(n, rng.choice(RAW_VALUES)) for n in fields])


def _send(client, method, path, query, form):
    url = f"{path}?{query}" if query else path
    if method == "GET":
        return client.get(url)
    return client.post(url, data=form, content_type="application/x-www-form-urlencoded")


@pytest.mark.django_db
def test_no_server_error_for_hostile_parameters(demo_password, capsys):
    from products.models import ProducerPage

    rng = random.Random(SEED)
    anonymous = Client(raise_request_exception=False)
    failures = []
    sent = 0
    started = time.monotonic()

    batches = [(anonymous, _requests(rng, _endpoints())), (anonymous, _form_requests(rng))]
    producer = Client(raise_request_exception=False)
    slug = ProducerPage.objects.live().order_by("title").first().slug
    assert producer.login(username=slug, password=demo_password)
    batches.append((producer, _requests(rng, ADMIN_LISTS)))

    for client, requests in batches:
        for method, path, query, form in requests:
            response = _send(client, method, path, query, form)
            sent += 1
            if response.status_code >= 500:
                failures.append((response.status_code, method, path, query[:120], form))
    elapsed = time.monotonic() - started
    with capsys.disabled():
        print(
            f"\nfuzz: {sent} requests in {elapsed:.1f} s, {len(failures)} server errors",
            flush=True,
        )
    assert not failures, "\n".join(map(repr, failures[:40]))
