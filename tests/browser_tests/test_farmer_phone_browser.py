"""The farmer's screens on a phone: no sideways scrolling at 360 and 390 px, in Vietnamese."""

import pytest

from tests.browser import admin_login, requires_chromium, seed_live_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), requires_chromium]


def test_producer_screens_fit_a_phone(browser_page, demo_password):
    seed_live_demo(demo_password)
    from products.models import ProducerPage, ProductPage
    from products.stock import levels, set_on_hand
    from shop.checkout import place_order
    from tests.shop.conftest import address

    producer = ProducerPage.objects.filter(products__isnull=False).order_by("title").first()
    product = ProductPage.objects.live().filter(producer=producer).order_by("pk").first()
    variant = product.variants.first()
    set_on_hand(variant.sku, levels([variant.sku])[variant.sku].reserved + 5)
    order = place_order(
        items={variant.sku: 1},
        address=address(),
        shipping={producer.pk: "delivery"},
        payment_method="cod",
    )
    page = browser_page
    admin_login(page, producer.slug, demo_password)
    screens = {
        "dashboard": "/admin/",
        "explorer": f"/admin/pages/{producer.pk}/",
        "product edit": f"/admin/pages/{product.pk}/edit/",
        "new product": f"/admin/pages/add/products/productpage/{producer.pk}/",
        "images": "/admin/images/",
        "stock": "/admin/ocop/ton-kho/",
        "orders": "/admin/shop/orders/",
        "order": f"/admin/shop/orders/{order.reference}/",
        "account": "/admin/account/",
    }
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    too_wide, serious = {}, {}
    for width in (360, 390):
        page.set_viewport_size({"width": width, "height": 844})
        for name, url in screens.items():
            page.goto(url)
            page.wait_for_load_state("networkidle")
            scroll, inner = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
            if scroll > inner:
                too_wide[f"{name} @ {width}"] = scroll
            assert page.evaluate("document.documentElement.lang") == "vi", name
            if True:  # axe-core at both widths
                found = axe.run(page).response["violations"]
                bad = [
                    f"{v['id']}: {n['target']}"
                    for v in found
                    if v["impact"] in ("serious", "critical")
                    for n in v["nodes"]
                ]
                if bad:
                    serious[f"{name} @ {width}"] = bad
    assert not too_wide, too_wide
    assert not serious, serious
