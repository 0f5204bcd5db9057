"""Delivery: what a quote costs, and the checkout flow when a carrier prices it.

- quote latency: `quote_part` for one producer's part to Đà Nẵng with GHTK (the local fake
  server from the test suite, reached over real HTTP) — cold (every call a new weight, so a
  carrier call), warm (the cache answers), and the fee table alone (no carrier);
- the checkout flow of scenario_shop against a gunicorn started with GHTK configured, the
  producer shipping with GHTK and every buyer in Đà Nẵng.
"""

import time

from bench.harness import percentile
from bench.scenario_shop import _target_from_orm, checkout

COLD, WARM = 40, 2000


def _timed(fn, n):
    times = []
    for i in range(n):
        t0 = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - t0)
    return {
        "calls": n,
        "p50_ms": percentile(times, 0.5) * 1000,
        "p95_ms": percentile(times, 0.95) * 1000,
    }


def _lines(sku, quantity):
    from products.purchasable import get_purchasable
    from shop.checkout import PricedLine

    return [PricedLine(get_purchasable(sku), quantity)]


def run(bench) -> None:
    bench.setup_django()
    from django.conf import settings
    from django.core.cache import cache

    from products.reference import Commune
    from shop.delivery.quotes import quote_part
    from shop.models import ProducerShipping
    from tests.shop.fake_ghtk import FakeGHTK

    fake = FakeGHTK().start()
    try:
        target = _target_from_orm(100_000)
        ProducerShipping.objects.update_or_create(
            producer_id=target["producer"],
            defaults={
                "pickup_commune": Commune.objects.get(code="00577"),
                "pickup_street": "Xóm 3, thôn Giang Cao",
                "pickup_phone": "0912345678",
                "carriers": "ghtk",
            },
        )
        hai_chau = Commune.objects.select_related("province").get(code="20242")
        settings.GHTK_API_BASE, settings.GHTK_API_TOKEN = fake.url, FakeGHTK.TOKEN
        cache.clear()
        producer = target["producer"]
        by_quantity = {q: _lines(target["sku"], q) for q in range(1, COLD + 1)}

        def ask(quantity):
            lines = by_quantity[quantity]
            return quote_part(producer, lines, 1, hai_chau, "delivery")

        bench.report("quote cold (GHTK call)", **_timed(lambda i: ask(i + 1), COLD))
        bench.report("quote warm (cached)", **_timed(lambda i: ask(i % COLD + 1), WARM))
        settings.GHTK_API_TOKEN = ""
        bench.report("quote fee table only", **_timed(lambda i: ask(i % COLD + 1), WARM))
        calls = len([r for r in fake.requests if r["path"] == "/services/shipment/fee"])
        bench.report("carrier calls made", fee_requests=calls)

        base = bench.start_server(
            {
                "GHTK_API_BASE": fake.url,
                "GHTK_API_TOKEN": FakeGHTK.TOKEN,
                "GHTK_CLIENT_SOURCE": FakeGHTK.CLIENT_SOURCE,
            }
        )
        checkout(
            bench,
            target={**target, "province": "48", "commune": "20242"},
            base_url=base,
            name="checkout, GHTK quotes",
        )
    finally:
        fake.stop()
