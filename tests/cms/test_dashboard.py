"""The Plan 236 dashboard (cms/dashboard.py, issue 17 part 6): every indicator equals counts made
directly from the database here, the CSV is the table, officers only in the admin, no personal
data on the public page, accessible SVG + table, clear messages for bad parameters, page cache."""

import csv
import datetime
import io
from collections import Counter, defaultdict

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.utils import timezone
from wagtail.models import Page

from cms import dashboard
from products.models import (
    OcopCategory,
    ProducerIndexPage,
    ProducerPage,
    ProductPage,
    ProductVariant,
    StockItem,
    TraceabilityBatch,
)
from products.ntm import NtmResult
from products.purchasable import get_purchasables
from products.reference import Commune, programme_communes
from shop import orders
from shop.checkout import Address, place_order
from shop.models import LedgerTransaction, Order, OrderShipment
from tours.models import Scene, VirtualTourPage

pytestmark = pytest.mark.django_db
P = OrderShipment.Status
BUYER = {
    "recipient": "Phạm Thị Hoà Bình",
    "phone": "0987654321",
    "street": "Ngõ 17 đường Lệ Mật",
    "email": "hoabinh.buyer@example.vn",
}
YEAR = timezone.localdate().year


# ----- the dataset --------------------------------------------------------------------------


def _free_communes(n):
    used = set(ProducerPage.objects.values_list("commune_id", flat=True))
    used |= set(ProductPage.objects.values_list("origin_commune_id", flat=True))
    used |= set(NtmResult.objects.values_list("commune_id", flat=True))
    free = Commune.objects.filter(programme_communes()).exclude(pk__in=used).order_by("code")
    return list(free[:n])


def _producer(title, slug, commune):
    index = ProducerIndexPage.objects.get()
    producer = ProducerPage(title=title, slug=slug, kind="cooperative", commune=commune)
    index.add_child(instance=producer)
    return producer


def _product(producer, slug, *, stars=None, decided=None, variants=True, live=True, origin=None):
    category = OcopCategory.objects.filter(parent__isnull=False).order_by("pk").first()
    page = ProductPage(
        title=f"Sản phẩm {slug}",
        slug=slug,
        category=category,
        ocop_stars=stars,
        ocop_decision_date=decided,
        origin_commune=origin,
        live=live,
    )
    if variants:
        page.variants = [ProductVariant(sku=slug.upper(), label="Hộp 500 g", price=120_000)]
    producer.add_child(instance=page)
    if variants:
        StockItem.objects.update_or_create(
            sku=slug.upper(), defaults={"on_hand": 100, "reserved": 0}
        )
    return page


def _order(product, commune, *, method="vietqr", quantity=1, month=1, year=YEAR):
    order = place_order(
        items={product.variants.first().sku: quantity},
        address=Address(commune_id=commune.pk, **BUYER),
        shipping={product.producer_id: "delivery"},
        payment_method=method,
    )
    placed = timezone.make_aware(datetime.datetime(year, month, 10, 9, 30))
    Order.objects.filter(pk=order.pk).update(created_at=placed)
    order.refresh_from_db()
    return order


@pytest.fixture
def data():
    """Products with stars in two new communes, producers with and without online products,
    orders in several states, months and communes, batches, NTM rows (tours: the demo's)."""
    c1, c2, c3 = _free_communes(3)
    recent = timezone.localdate() - datetime.timedelta(days=200)
    old = timezone.localdate() - datetime.timedelta(days=365 * 4)
    p1 = _producer("HTX Thử Nghiệm Một", "htx-thu-nghiem-mot", c1)
    p2 = _producer("HTX Thử Nghiệm Hai", "htx-thu-nghiem-hai", c1)  # nothing on sale
    p3 = _producer("HTX Thử Nghiệm Ba", "htx-thu-nghiem-ba", c2)
    a = _product(p1, "tn-a", stars=3, decided=recent)
    b = _product(p1, "tn-b", stars=5, decided=recent)
    c = _product(p1, "tn-c", stars=4, decided=recent, origin=c3)  # made in c3
    _product(p1, "tn-draft", stars=4, decided=recent, live=False)
    _product(p2, "tn-no-variant", stars=3, decided=recent, variants=False)
    d = _product(p3, "tn-d", stars=4, decided=old)  # expired certificate: not OCOP any more
    e = _product(p3, "tn-e", stars=4, decided=recent)
    TraceabilityBatch.objects.create(product=a, code="tn-a-lo-1", produced_on=recent, live=True)
    TraceabilityBatch.objects.create(product=b, code="tn-b-lo-1", produced_on=recent, live=False)
    TraceabilityBatch.objects.create(product=d, code="tn-d-lo-1", produced_on=recent, live=True)

    buyer_commune = Commune.objects.exclude(programme_communes()).order_by("code").first()
    paid = _order(a, buyer_commune, quantity=2, month=3)
    orders.confirm_transfer(paid)  # counted: 240.000 in c1, March
    _order(b, buyer_commune, month=3)  # waiting for the transfer: not counted
    cod = _order(e, buyer_commune, method="cod", quantity=3, month=5)
    part = cod.shipments.get()
    orders.set_shipment_status(part, P.DELIVERED)
    orders.mark_cod_collected(part)  # counted: 360.000 in c2, May
    uncollected = _order(e, buyer_commune, method="cod", month=5)
    orders.set_shipment_status(uncollected.shipments.get(), P.DELIVERED)  # cash not recorded
    refunded = _order(a, buyer_commune, month=5)
    orders.confirm_transfer(refunded)
    orders.refund_order(refunded)  # reversed: not counted
    cancelled = _order(b, buyer_commune, month=6)
    orders.cancel_order(cancelled, note="Người mua đổi ý")
    two = place_order(  # one order, two producers in two communes, in June
        items={b.variants.first().sku: 1, e.variants.first().sku: 1},
        address=Address(commune_id=buyer_commune.pk, **BUYER),
        shipping={p1.pk: "delivery", p3.pk: "delivery"},
        payment_method="vietqr",
    )
    Order.objects.filter(pk=two.pk).update(
        created_at=timezone.make_aware(datetime.datetime(YEAR, 6, 2, 8, 0))
    )
    orders.confirm_transfer(two)
    last_year = _order(c, buyer_commune, month=11, year=YEAR - 1)
    orders.confirm_transfer(last_year)

    NtmResult.objects.create(commune=c1, year=YEAR - 2, status="dat-chuan", source="Thử")
    NtmResult.objects.create(commune=c1, year=YEAR, status="nang-cao", source="Thử")
    NtmResult.objects.create(
        commune=c2, year=YEAR - 1, status="chua-dat", source="Thử", illustrative=True
    )
    return {
        "communes": (c1, c2, c3),
        "producers": (p1, p2, p3),
        "products": (a, b, c, d, e),
        "orders": (paid, cod, uncollected, refunded, cancelled, two, last_year),
    }


# ----- the same figures, counted here -------------------------------------------------------


def _public_products():
    return list(Page.objects.live().public().type(ProductPage).specific())


def _valid_stars(product):
    today = timezone.localdate()
    if not product.ocop_stars or product.ocop_revoked:
        return None
    until = product.ocop_valid_until
    return product.ocop_stars if until is None or today < until else None


def _commune_name(product):
    commune = product.origin_commune or (product.producer.commune if product.producer else None)
    return str(commune) if commune else "Chưa rõ xã/phường"


def _rows(key, year=YEAR, commune="", public=False):
    indicator = dashboard.get(key)
    return indicator.compute(dashboard.Filters(year=year, commune=commune, public=public))


def test_ocop_products_by_stars_and_by_commune_equal_the_database(data):
    products = _public_products()
    stars = Counter(_valid_stars(p) for p in products if _valid_stars(p))
    assert {r["stars"]: r["products"] for r in _rows("ocop-stars")} == {
        f"{s} sao": stars.get(s, 0) for s in (3, 4, 5)
    }
    by_commune = defaultdict(Counter)
    for p in products:
        if _valid_stars(p):
            by_commune[_commune_name(p)][_valid_stars(p)] += 1
    rows = {r["commune"]: r for r in _rows("ocop-communes")}
    assert set(rows) == set(by_commune)
    for name, counts in by_commune.items():
        assert rows[name]["stars_3"] == counts[3]
        assert rows[name]["stars_4"] == counts[4]
        assert rows[name]["stars_5"] == counts[5]
        assert rows[name]["total"] == sum(counts.values())
    c1, c2, c3 = data["communes"]
    # What the dataset put there: c1 a (3★), b (5★), the no-variant 3★; c (4★) made in c3;
    # the draft is not online; d's certificate expired, e (4★) counts in c2.
    assert rows[str(c1)] == {
        "commune": str(c1),
        "stars_3": 2,
        "stars_4": 0,
        "stars_5": 1,
        "total": 3,
    }
    assert rows[str(c3)]["stars_4"] == 1 and rows[str(c2)]["total"] == 1
    only_c1 = _rows("ocop-stars", commune=c1.code)
    assert {r["stars"]: r["products"] for r in only_c1} == {"3 sao": 2, "4 sao": 0, "5 sao": 1}


def test_communes_with_a_producer_selling_online_equal_the_database(data):
    skus = ProductVariant.objects.values_list("sku", flat=True)
    sold = get_purchasables(skus).values()  # what the cart sells, one record per SKU
    producers = defaultdict(set)
    products = defaultdict(set)
    for item in sold:
        commune = ProducerPage.objects.get(pk=item.producer_id).commune
        if commune is not None:
            producers[str(commune)].add(item.producer_id)
            products[str(commune)].add(item.product_id)
    rows = {r["commune"]: r for r in _rows("selling-communes")}
    assert set(rows) == set(producers)
    for name in producers:
        assert rows[name]["producers"] == len(producers[name])
        assert rows[name]["products"] == len(products[name])
    c1, c2, _c3 = data["communes"]
    assert rows[str(c1)]["producers"] == 1  # HTX Hai has only a product nobody can buy
    assert rows[str(c1)]["products"] == 3 and rows[str(c2)]["products"] == 2
    summary = dict(
        (str(k), v)
        for k, v, _u in dashboard.get("selling-communes").summary(_rows("selling-communes"))
    )
    assert summary["Xã/phường có chủ thể bán trực tuyến"] == len(producers)


def test_share_of_products_with_a_public_batch_equals_the_database(data):
    products = _public_products()
    public_ids = {p.pk for p in products}
    traced = set(
        TraceabilityBatch.objects.filter(live=True, product_id__in=public_ids).values_list(
            "product_id", flat=True
        )
    )
    expected = defaultdict(lambda: [0, 0])
    for p in products:
        stars = _valid_stars(p)
        label = f"{stars} sao" if stars else "Chưa có sao OCOP còn hiệu lực"
        expected[label][0 if p.pk in traced else 1] += 1
    rows = {r["group"]: r for r in _rows("traceability")}
    for label, (with_batch, without) in expected.items():
        assert (rows[label]["with_batch"], rows[label]["without_batch"]) == (with_batch, without)
        total = with_batch + without
        assert rows[label]["share"] == round(100 * with_batch / total, 1)
    assert sum(r["products"] for r in rows.values()) == len(products)
    c1, _c2, _c3 = data["communes"]
    only_c1 = {r["group"]: r for r in _rows("traceability", commune=c1.code)}
    assert only_c1["3 sao"]["with_batch"] == 1  # a's batch is live; b's is a draft
    assert only_c1["5 sao"]["with_batch"] == 0


def test_tours_and_their_scenes_equal_the_database():
    tours = Page.objects.live().public().type(VirtualTourPage)
    expected = {
        t.title: Scene.objects.filter(page_id=t.pk, panorama__isnull=False)
        .values("key")
        .distinct()
        .count()
        for t in tours
    }
    assert expected, "the demo has virtual tours"
    assert {r["tour"]: r["scenes"] for r in _rows("tours-scenes")} == expected


def test_ntm_status_counts_take_each_communes_latest_result_up_to_the_year(data):
    c1, c2, _c3 = data["communes"]
    for year in (YEAR - 2, YEAR - 1, YEAR):
        latest = {}
        for r in NtmResult.objects.filter(year__lte=year).order_by("commune_id", "-year"):
            latest.setdefault(r.commune_id, r)
        counts = Counter(r.get_status_display() for r in latest.values())
        rows = {r["status"]: r for r in _rows("ntm-status", year=year)}
        assert {k: v["communes"] for k, v in rows.items() if v["communes"]} == dict(counts)
        assert sum(r["illustrative"] for r in rows.values()) == sum(
            1 for r in latest.values() if r.illustrative
        )
    one = {r["status"]: r["communes"] for r in _rows("ntm-status", year=YEAR - 1, commune=c1.code)}
    assert one["Đạt chuẩn NTM"] == 1 and one["NTM nâng cao"] == 0
    one = {r["status"]: r["communes"] for r in _rows("ntm-status", year=YEAR, commune=c1.code)}
    assert one["NTM nâng cao"] == 1 and one["Đạt chuẩn NTM"] == 0


def _counted_sales(year):
    """Paid parts straight from the tables: sale booked, not reversed, not cancelled/returned."""
    zone = timezone.get_current_timezone()
    sales = []
    for part in OrderShipment.objects.filter(order__created_at__year=year).select_related("order"):
        placed = part.order.created_at.astimezone(zone)
        if placed.year != year or part.status in (P.CANCELLED, P.RETURNED):
            continue
        keys = set(LedgerTransaction.objects.filter(shipment=part).values_list("key", flat=True))
        if f"sale:{part.pk}" not in keys or f"reversal:sale:{part.pk}" in keys:
            continue
        goods = sum(line.unit_price * line.quantity for line in part.lines.all())
        commune = ProducerPage.objects.get(pk=part.producer_id).commune
        sales.append((part.order_id, placed.month, str(commune), goods))
    return sales


def test_orders_and_revenue_by_month_and_commune_equal_the_database(data):
    sales = _counted_sales(YEAR)
    months = {r["month"]: r for r in _rows("sales-months")}
    for month in range(1, timezone.localdate().month + 1):
        label = f"{month:02d}/{YEAR}"
        mine = [s for s in sales if s[1] == month]
        assert months[label]["orders"] == len({s[0] for s in mine}), label
        assert months[label]["revenue"] == sum(s[3] for s in mine), label
    communes = {r["commune"]: r for r in _rows("sales-communes")}
    by_commune = defaultdict(list)
    for s in sales:
        by_commune[s[2]].append(s)
    assert set(communes) == set(by_commune)
    for name, mine in by_commune.items():
        assert communes[name]["orders"] == len({s[0] for s in mine})
        assert communes[name]["revenue"] == sum(s[3] for s in mine)
    # What the dataset made: March 1 order (2 × 120.000), May 1 COD collected (3 × 120.000),
    # June one order with two paid parts (2 × 120.000); the rest is not revenue.
    c1, c2, _c3 = data["communes"]
    assert (months[f"03/{YEAR}"]["orders"], months[f"03/{YEAR}"]["revenue"]) == (1, 240_000)
    assert (months[f"05/{YEAR}"]["orders"], months[f"05/{YEAR}"]["revenue"]) == (1, 360_000)
    assert (months[f"06/{YEAR}"]["orders"], months[f"06/{YEAR}"]["revenue"]) == (1, 240_000)
    assert (communes[str(c1)]["orders"], communes[str(c1)]["revenue"]) == (2, 360_000)
    assert (communes[str(c2)]["orders"], communes[str(c2)]["revenue"]) == (2, 480_000)
    only_c2 = {r["month"]: r for r in _rows("sales-months", commune=c2.code)}
    assert only_c2[f"06/{YEAR}"]["revenue"] == 120_000 and only_c2[f"03/{YEAR}"]["orders"] == 0
    last_year = {r["month"]: r for r in _rows("sales-months", year=YEAR - 1)}
    assert last_year[f"11/{YEAR - 1}"]["revenue"] >= 120_000  # the year filter moves the window
    assert len(last_year) == 12


def test_an_accepted_return_takes_its_refund_off_the_revenue(data):
    from shop import returns

    a = data["products"][0]
    before = {r["month"]: r["revenue"] for r in _rows("sales-months")}[f"03/{YEAR}"]
    paid = data["orders"][0]
    part = paid.shipments.get()
    orders.set_shipment_status(part, P.DELIVERED)
    part.refresh_from_db()
    paid.refresh_from_db()
    line = part.lines.get()
    case = returns.open_request(
        paid, part, {line.pk: 1}, reason="wrong", details="Giao nhầm quy cách.", wanted="refund"
    )
    returns.answer(case, producer_login(a.producer), accept=True, note="Xin lỗi quý khách")
    after = {r["month"]: r["revenue"] for r in _rows("sales-months")}[f"03/{YEAR}"]
    assert before - after == 120_000


def producer_login(producer):
    """A farmer's login for `producer` (its group from products.roles)."""
    from django.contrib.auth import get_user_model

    from products.roles import ensure_producer_access

    group, _collection = ensure_producer_access(producer)
    user = get_user_model().objects.create_user(f"login-{producer.slug}", password="x" * 12)
    user.groups.add(group)
    return user


# ----- pages, CSV, access --------------------------------------------------------------------


def _tables(html):
    soup = BeautifulSoup(html, "html.parser")
    found = {}
    for section in soup.select("section.dash-indicator"):
        table = section.find("table")
        if table is None:
            continue
        rows = []
        for tr in table.tbody.find_all("tr"):
            cells = [tr.th.get_text(strip=True)]
            cells += [td.get("data-value", "") for td in tr.find_all("td")]
            rows.append(cells)
        found[section["id"]] = rows
    return soup, found


def test_each_csv_is_the_table_on_the_page(client, data):
    officer = Client()
    officer.login(username="officer", password="test-demo-pass")
    for prefix, who in (("/so-lieu/", client), ("/admin/ocop/so-lieu/", officer)):
        response = who.get(prefix)
        assert response.status_code == 200
        _soup, tables = _tables(response.content.decode())
        assert tables
        for key, rows in tables.items():
            csv_url = f"{prefix}{key}.csv?year={YEAR}"
            body = who.get(csv_url)
            assert body.status_code == 200 and body["Content-Type"].startswith("text/csv")
            lines = list(csv.reader(io.StringIO(body.content.decode("utf-8"))))
            assert lines[0] == [c.key for c in dashboard.get(key).columns]
            assert lines[1:] == rows, key


def test_the_all_in_one_csv_has_every_public_figure(client, data):
    body = client.get(f"/open-data/plan-236.csv?year={YEAR}").content.decode("utf-8")
    lines = list(csv.DictReader(io.StringIO(body)))
    keys = {line["indicator"] for line in lines}
    assert keys == {i.key for i in dashboard.all_indicators(public=True)}
    assert "sales-communes" not in keys
    march = [
        line
        for line in lines
        if line["indicator"] == "sales-months"
        and line["category"] == f"03/{YEAR}"
        and line["measure"] == "revenue"
    ]
    assert march[0]["value"] == "240000" and march[0]["unit"] == "vnd"


def test_officers_only_in_the_admin(client, data, demo_password):
    anonymous = client.get("/admin/ocop/so-lieu/")
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    farmer = Client()
    demo_producer = ProducerPage.objects.filter(products__isnull=False).order_by("title").first()
    assert farmer.login(username=demo_producer.slug, password=demo_password)
    for url in ("/admin/ocop/so-lieu/", "/admin/ocop/so-lieu/sales-communes.csv"):
        refused = farmer.get(url)
        assert refused.status_code == 302 and refused["Location"].rstrip("/").endswith("/admin")
    officer = Client()
    officer.login(username="officer", password=demo_password)
    page = officer.get("/admin/ocop/so-lieu/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="sales-communes"' in html and "Số liệu Kế hoạch 236" in html
    assert officer.get("/admin/ocop/so-lieu/tat-ca.csv").status_code == 200
    # the menu item is there for the officer, not for the farmer
    assert "/admin/ocop/so-lieu/" in officer.get("/admin/").content.decode()
    assert "/admin/ocop/so-lieu/" not in farmer.get("/admin/").content.decode()


def test_public_page_shows_aggregates_only_and_no_personal_data(client, data):
    response = client.get("/so-lieu/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Số liệu chuyển đổi số nông thôn mới" in html
    for order in data["orders"]:
        assert order.reference not in html
    for value in BUYER.values():
        assert value not in html
    assert "csrfmiddlewaretoken" not in html
    assert 'id="sales-communes"' not in html  # a commune's sales may be one producer's
    assert 'name="commune"' not in html  # no commune filter on the public page
    assert client.get("/so-lieu/sales-communes.csv").status_code == 404
    body = client.get("/open-data/plan-236.csv").content.decode()
    for value in (*BUYER.values(), *(o.reference for o in data["orders"])):
        assert value not in body


def test_every_chart_is_an_svg_image_with_title_desc_and_a_table(client, data):
    soup = BeautifulSoup(client.get("/so-lieu/").content.decode(), "html.parser")
    sections = soup.select("section.dash-indicator")
    assert len(sections) == len(dashboard.all_indicators(public=True))
    for section in sections:
        svg = section.find("svg")
        assert svg is not None, section["id"]
        assert svg["role"] == "img"
        title_id, desc_id = svg["aria-labelledby"].split()
        assert svg.find("title", id=title_id).get_text(strip=True)
        desc = svg.find("desc", id=desc_id).get_text(strip=True)
        assert desc
        table = section.find("table")
        assert table.caption and table.thead.find_all("th", scope="col")
        first_row = table.tbody.find("tr")
        assert first_row.th["scope"] == "row"
        assert first_row.th.get_text(strip=True) in desc  # the chart says what the table says
        assert svg.find_all("text")  # labels in the picture, not only colours
    line = soup.select_one("#sales-months svg")
    assert line.find("polyline") is not None and len(line.find_all("circle")) >= 1
    stacked = soup.select_one("#ocop-communes svg")
    assert stacked.find("pattern") is not None  # series told apart by pattern, not colour alone


def test_bad_parameters_get_a_clear_message_not_a_500(client, data):
    for query in ("year=abc", "year=1999", f"year={YEAR + 5}", "year=%F0%9F%98%80"):
        response = client.get(f"/so-lieu/?{query}")
        assert response.status_code == 400, query
        html = response.content.decode()
        assert "không hợp lệ" in html and 'role="alert"' in html
        assert 'class="dash-indicator"' in html  # still shows the figures of the default year
        assert "X-Page-Cache" not in response
    assert client.get("/so-lieu/ocop-stars.csv?year=abc").status_code == 400
    officer = Client()
    officer.login(username="officer", password="test-demo-pass")
    response = officer.get("/admin/ocop/so-lieu/?commune=99999&year=x")
    assert response.status_code == 400
    html = response.content.decode()
    assert "99999" in html and "“x”" in html
    assert officer.get("/admin/ocop/so-lieu/ocop-stars.csv?year=abc").status_code == 400
    assert client.get("/so-lieu/khong-co.csv").status_code == 404


def test_english_version_under_the_prefix(client, data):
    response = client.get("/en/so-lieu/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Digital transformation in new rural development: figures" in html
    assert "OCOP products online by star rating" in html
    assert "Năm “abc”" not in html


def test_public_page_is_cached_and_purged_when_an_order_is_paid(
    client, data, django_capture_on_commit_callbacks
):
    first = client.get("/so-lieu/")
    assert first["X-Page-Cache"] == "miss"
    assert client.get("/so-lieu/")["X-Page-Cache"] == "hit"
    b = data["products"][1]
    order = Order.objects.filter(
        status=Order.Status.PENDING_PAYMENT, lines__sku=b.variants.first().sku
    ).first()
    with django_capture_on_commit_callbacks(execute=True):
        orders.confirm_transfer(order)
    again = client.get("/so-lieu/")
    assert again["X-Page-Cache"] == "miss"
    soup, tables = _tables(again.content.decode())
    march = next(r for r in tables["sales-months"] if r[0] == f"03/{YEAR}")
    assert march[1] == "360000"  # 240.000 + the 120.000 just paid


def test_the_dashboard_csv_is_in_the_open_data_catalogue(client, data):
    import json

    catalog = json.loads(client.get("/open-data/catalog.jsonld").content)
    ids = {d["dct:identifier"] for d in catalog["dcat:dataset"]}
    assert "plan-236-dashboard" in ids
    page = client.get("/open-data/").content.decode()
    assert "plan-236.csv" in page and 'href="/so-lieu/"' in page  # the summary is linked


def test_figures_are_recomputed_when_the_data_change(data):
    filters = dashboard.Filters(year=YEAR, public=True)
    indicator = dashboard.get("ocop-stars")
    before = {r["stars"]: r["products"] for r in dashboard.rows_for(indicator, filters)}
    again = {r["stars"]: r["products"] for r in dashboard.rows_for(indicator, filters)}
    assert before == again
    p3 = data["producers"][2]
    new = _product(p3, "tn-f", stars=5, decided=timezone.localdate())
    new.save_revision().publish()
    after = {r["stars"]: r["products"] for r in dashboard.rows_for(indicator, filters)}
    assert after["5 sao"] == before["5 sao"] + 1
