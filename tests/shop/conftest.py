"""Shop test helpers: pick purchasable SKUs from the seeded demo data, build addresses."""

import pytest

from products.models import ProductVariant, StockItem
from products.reference import Commune
from shop.checkout import Address


def in_stock_skus(n_producers=2, on_hand=20):
    """One SKU from each of `n_producers` different producers, each given `on_hand` units with
    nothing reserved (tests never depend on the demo stock figures)."""
    chosen, producers = [], set()
    variants = (
        ProductVariant.objects.filter(page__live=True, page__producer__isnull=False)
        .select_related("page")
        .order_by("sku")
    )
    for v in variants:
        if v.page.producer_id in producers:
            continue
        chosen.append(v)
        producers.add(v.page.producer_id)
        if len(chosen) == n_producers:
            break
    assert len(chosen) == n_producers, "demo data has too few producers"
    for v in chosen:
        StockItem.objects.update_or_create(sku=v.sku, defaults={"on_hand": on_hand, "reserved": 0})
    return chosen


def address(**overrides):
    values = dict(
        recipient="Nguyễn Văn An",
        phone="0912345678",
        commune_id=Commune.objects.order_by("pk").first().pk,
        street="Số 12, thôn Đông",
        email="an@example.vn",
    )
    values.update(overrides)
    return Address(**values)


def stock(sku):
    return StockItem.objects.get(sku=sku)


@pytest.fixture
def two_variants(db):
    return in_stock_skus(2)


def seed_after_flush(password):
    """Seed the demo data in a transactional test.

    Django flushes every table after a transactional test, including the rows Wagtail's own
    migrations create (default locale, root page, root collection) that `seed_demo` builds on;
    put those back first, then seed — or, with the demo password, put back the session's seeded
    database as it was kept (tests/db_snapshot.py).
    """
    from django.conf import settings
    from django.core.management import call_command
    from wagtail.models import Collection, Locale, Page

    from tests import db_snapshot
    from tests.conftest import DEMO_PASSWORD

    if password == DEMO_PASSWORD and db_snapshot.restore():
        return
    if not Page.objects.exists():
        Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
        Page.add_root(instance=Page(title="Root", slug="root"))
    if not Collection.objects.exists():
        Collection.add_root(name="Root")
    call_command("seed_demo", "--password", password, verbosity=0)


@pytest.fixture
def ghtk(settings):
    """The local fake GHTK, with the site configured for it (tests/shop/fake_ghtk.py)."""
    from .fake_ghtk import serve

    fake = serve(settings)
    yield fake
    fake.stop()
