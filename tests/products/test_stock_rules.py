"""Stock lives in one module (products.stock): every operation sends one stock_changed event,
the search index follows it, the stock screen never overwrites a change made meanwhile, and
no other code writes the stock tables."""

import ast
import re
from pathlib import Path

import pytest
from django.http import QueryDict
from django.test import Client
from django.urls import reverse

from cms.search import service
from products import stock
from products.models import ProductPage, StockItem, StockMovement
from products.permissions import variants_for
from shop.checkout import place_order
from shop.orders import cancel_order
from tests.products.roles_helpers import login, two_producers
from tests.shop.conftest import address

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def _in_stock_titles(q: str) -> list[str]:
    query = QueryDict(mutable=True)
    query.update({"q": q, "in_stock": "1"})
    return [hit.title for hit in service.search(query).hits]


def test_each_operation_sends_one_event_after_commit(django_capture_on_commit_callbacks):
    page = ProductPage.objects.live().get(title="Hương trầm")
    sku = page.variants.first().sku
    start = StockItem.objects.get(sku=sku)
    events = []

    def listener(sender, skus, operation, **kwargs):
        events.append((operation, set(skus)))

    stock.stock_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            stock.set_on_hand(sku, start.on_hand + 10, reason="kiểm kê")
        with django_capture_on_commit_callbacks(execute=True):
            stock.reserve([(sku, 3)])
        with django_capture_on_commit_callbacks(execute=True):
            stock.release([(sku, 1)])
        with django_capture_on_commit_callbacks(execute=True):
            stock.consume([(sku, 2)], reason="giao hàng")
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            with pytest.raises(stock.InsufficientStock):
                stock.reserve([(sku, 999)])
        assert not callbacks  # nothing changed, nothing announced
    finally:
        stock.stock_changed.disconnect(listener)
    assert events == [
        ("set", {sku}),
        ("reserve", {sku}),
        ("release", {sku}),
        ("consume", {sku}),
    ]
    item = StockItem.objects.get(sku=sku)
    assert (item.on_hand, item.reserved) == (start.on_hand + 8, start.reserved)
    assert item.version == start.version + 4


def test_events_name_the_skus_that_ran_out_or_came_back(django_capture_on_commit_callbacks):
    """`flipped`: only the rows whose availability crossed zero, read as each operation wrote
    them — what the index, the listings and the restock alerts act on."""
    sku = ProductPage.objects.live().get(title="Hương trầm").variants.first().sku
    item = StockItem.objects.get(sku=sku)
    if item.reserved:
        stock.release([(sku, item.reserved)])
    events = []

    def listener(sender, skus, operation, flipped, **kwargs):
        events.append((operation, set(flipped)))

    steps = [
        lambda: stock.set_on_hand(sku, 0),  # whatever it held before: sold out now
        lambda: stock.set_on_hand(sku, 3),  # back in stock: flips
        lambda: stock.set_on_hand(sku, 4),  # more of it: no flip
        lambda: stock.reserve([(sku, 3)]),  # one left: no flip
        lambda: stock.reserve([(sku, 1)]),  # the last unit: flips
        lambda: stock.consume([(sku, 1)]),  # delivered: what is available does not move
        lambda: stock.release([(sku, 1)]),  # from zero to one: flips
        lambda: stock.release([(sku, 1)]),  # from one to two: no flip
        lambda: stock.set_many([(sku, StockItem.objects.get(sku=sku).version, 1)]),  # to zero
        lambda: stock.restock([(sku, 2)], reason="trả hàng"),  # a return, from zero: flips
        lambda: stock.restock([(sku, 1)], reason="trả hàng"),  # no flip
    ]
    stock.stock_changed.connect(listener)
    try:
        for step in steps:
            with django_capture_on_commit_callbacks(execute=True):
                step()
    finally:
        stock.stock_changed.disconnect(listener)
    assert events[1:] == [
        ("set", {sku}),
        ("set", set()),
        ("reserve", set()),
        ("reserve", {sku}),
        ("consume", set()),
        ("release", {sku}),
        ("release", set()),
        ("set", {sku}),
        ("restock", {sku}),
        ("restock", set()),
    ]
    item = StockItem.objects.get(sku=sku)
    assert (item.on_hand - item.reserved, item.reserved) == (3, 1)


def test_a_sale_that_leaves_units_re_indexes_nothing(django_capture_on_commit_callbacks, settings):
    """The index holds "in stock", not the count: only the last unit's sale updates it."""
    from cms.models import Job

    page = ProductPage.objects.live().get(title="Hương trầm")
    sku = page.variants.first().sku
    with django_capture_on_commit_callbacks(execute=True):
        stock.set_on_hand(sku, StockItem.objects.get(sku=sku).reserved + 2)
    index_jobs = Job.objects.filter(kind="index")
    before = index_jobs.count()
    with django_capture_on_commit_callbacks(execute=True):
        stock.reserve([(sku, 1)])
    assert index_jobs.count() == before
    with django_capture_on_commit_callbacks(execute=True):
        stock.reserve([(sku, 1)])
    assert index_jobs.count() == before + 1
    assert index_jobs.latest("pk").args == ["product", [page.pk]]


def test_in_stock_search_follows_reservations_at_once(django_capture_on_commit_callbacks):
    page = ProductPage.objects.live().get(title="Hương trầm")
    for variant in page.variants.all():
        with django_capture_on_commit_callbacks(execute=True):
            stock.set_on_hand(variant.sku, 0)
    variant = page.variants.first()
    with django_capture_on_commit_callbacks(execute=True):
        stock.set_on_hand(variant.sku, 1)
    assert "Hương trầm" in _in_stock_titles("huong tram")
    # A buyer takes the last unit: the reservation is an UPDATE, not a model save.
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order(
            items={variant.sku: 1},
            address=address(),
            shipping={page.producer_id: "delivery"},
            payment_method="cod",
        )
    assert "Hương trầm" not in _in_stock_titles("huong tram")
    with django_capture_on_commit_callbacks(execute=True):
        cancel_order(order, note="khách đổi ý")
    assert "Hương trầm" in _in_stock_titles("huong tram")


def _form_values(html: str) -> dict:
    values = {}
    for match in re.finditer(r"<input([^>]*)>", html):
        attrs = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', match.group(1)))
        if "name" in attrs and attrs.get("type") != "submit":
            values[attrs["name"]] = attrs.get("value", "")
    return values


def test_stale_stock_form_writes_nothing_and_shows_the_new_figures():
    producer, _other = two_producers()
    farmer = login(producer.slug)
    client = Client()
    client.force_login(farmer)
    skus = list(variants_for(farmer).order_by("sku").values_list("sku", flat=True))
    sku, untouched = skus[0], skus[1]
    stock.set_on_hand(sku, 10)
    stock.set_on_hand(untouched, 4)
    data = _form_values(client.get(reverse("ocop_stock")).content.decode())
    assert data[f"sku-{sku}"] == "10"
    # While the farmer types, a buyer reserves 3 units.
    stock.reserve([(sku, 3)])
    movements = StockMovement.objects.count()
    data[f"sku-{sku}"] = "25"
    response = client.post(reverse("ocop_stock"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Chưa lưu" in html and f'data-conflict="{sku}"' in html
    assert "đang giữ cho đơn 3" in html and "còn bán được 7" in html
    assert f'data-conflict="{untouched}"' not in html
    assert StockItem.objects.get(sku=sku).on_hand == 10
    assert StockMovement.objects.count() == movements
    # What the farmer typed is still there; saving again (now knowingly) goes through.
    again = _form_values(html)
    assert again[f"sku-{sku}"] == "25"
    assert client.post(reverse("ocop_stock"), again).status_code == 302
    item = StockItem.objects.get(sku=sku)
    assert (item.on_hand, item.reserved) == (25, 3)
    assert StockItem.objects.get(sku=untouched).on_hand == 4


def test_rows_the_editor_left_alone_never_conflict():
    producer, _other = two_producers()
    farmer = login(producer.slug)
    client = Client()
    client.force_login(farmer)
    skus = list(variants_for(farmer).order_by("sku").values_list("sku", flat=True))
    stock.set_on_hand(skus[0], 10)
    stock.set_on_hand(skus[1], 10)
    data = _form_values(client.get(reverse("ocop_stock")).content.decode())
    stock.reserve([(skus[1], 2)])  # an order on the row the farmer does not touch
    data[f"sku-{skus[0]}"] = "12"
    assert client.post(reverse("ocop_stock"), data).status_code == 302
    assert StockItem.objects.get(sku=skus[0]).on_hand == 12
    assert StockItem.objects.get(sku=skus[1]).reserved == 2


def test_set_many_is_all_or_nothing_on_conflict():
    producer, _other = two_producers()
    skus = list(variants_for(login(producer.slug)).order_by("sku").values_list("sku", flat=True))
    seen = {s: i.version for s, i in stock.levels(skus).items()}
    stock.set_on_hand(skus[1], 7)  # moves under the editor
    with pytest.raises(stock.StockConflict) as exc:
        stock.set_many([(skus[0], seen[skus[0]], 30), (skus[1], seen[skus[1]], 31)])
    assert [c.sku for c in exc.value.conflicts] == [skus[1]]
    assert StockItem.objects.get(sku=skus[0]).on_hand != 30


WRITES = {"create", "update", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
WRITES |= {"delete", "save", "raw"}


def _writes_stock(tree: ast.AST) -> list[int]:
    """Line numbers of calls like StockItem.objects.filter(...).update(...)."""
    lines = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in WRITES:
            continue
        chain = node.func.value
        while isinstance(chain, ast.Call | ast.Attribute):
            chain = chain.func if isinstance(chain, ast.Call) else chain.value
        if isinstance(chain, ast.Name) and chain.id in {"StockItem", "StockMovement"}:
            lines.append(node.lineno)
    return lines


def test_no_code_but_products_stock_writes_the_stock_tables():
    offenders = []
    for app in ("cms", "products", "shop", "tours", "bench"):
        for path in (ROOT / app).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if relative == "products/stock.py" or "/migrations/" in relative:
                continue
            for line in _writes_stock(ast.parse(path.read_text(), relative)):
                offenders.append(f"{relative}:{line}")
    assert offenders == []
    # The check itself finds what it looks for.
    sample = "StockItem.objects.filter(sku='a').update(reserved=1)\nStockMovement.objects.create()"
    assert _writes_stock(ast.parse(sample)) == [1, 2]
