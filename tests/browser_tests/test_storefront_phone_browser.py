"""The storefront on a cheap phone (issue 14): search → product → add to cart → checkout → order
at 360 and 390 px, with no page of the flow scrolling sideways; the same path by keyboard only;
the sticky buy bar; the gallery's zoom dialog by keyboard; and axe-core on every public page
type (zero violations of any impact)."""

import pytest

from shop.models import Order
from tests.browser import requires_chromium, wait_until
from tests.shop.conftest import in_stock_skus, seed_after_flush

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), requires_chromium]

PHONES = {"360": (360, 740), "390": (390, 844)}


def two_variant_product():
    """A demo product given a second, dearer variant and a second picture (the demo products
    have one of each), published; both variants in stock."""
    from products.models import ProductImage, ProductVariant, StockItem

    [variant] = in_stock_skus(1)
    product = variant.page.specific
    first = product.images.first()
    product.variants = [
        variant,
        ProductVariant(sku=f"{variant.sku}-lon", label="Hộp lớn", price=variant.price * 3),
    ]
    product.images = [first, ProductImage(image=first.image, caption="Mặt sau của hộp")]
    product.save_revision().publish()
    StockItem.objects.update_or_create(
        sku=f"{variant.sku}-lon", defaults={"on_hand": 20, "reserved": 0}
    )
    return product, variant


def no_sideways_scroll(page, where):
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert scroll <= inner, f"{where} scrolls sideways: {scroll} > {inner}"


def in_first_screen(page, selector):
    top, bottom, height = page.evaluate(
        f"(() => {{ const r = document.querySelector({selector!r}).getBoundingClientRect();"
        " return [r.top, r.bottom, innerHeight]; })()"
    )
    return top >= 0 and bottom <= height


def in_viewport(page, selector):
    return page.evaluate(
        f"(() => {{ const e = document.querySelector({selector!r}); if (!e) return false;"
        " const r = e.getBoundingClientRect(); return r.width > 0 && r.top >= 0 &&"
        " r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth; })()"
    )


def fill_checkout(page):
    page.get_by_label("Họ tên người nhận").fill("Lê Thị Hoa")
    page.get_by_label("Số điện thoại").fill("0983 123 456")
    page.select_option("#id_commune", index=1)
    page.get_by_label("Số nhà, tên đường/thôn/xóm").fill("Số 8, thôn Đông")
    page.get_by_label("Thanh toán khi nhận hàng (COD)").check()
    page.get_by_label("Tôi đồng ý với điều khoản mua hàng và chính sách đổi trả.").check()
    page.get_by_label("Tôi đồng ý để sàn và người bán xử lý dữ liệu cá nhân").check()


@pytest.mark.parametrize("phone", PHONES)
def test_search_product_cart_checkout_on_a_phone(browser_page, demo_password, settings, phone):
    settings.STRIPE_SECRET_KEY = ""
    seed_after_flush(demo_password)
    product, variant = two_variant_product()
    page = browser_page
    width, height = PHONES[phone]
    page.set_viewport_size({"width": width, "height": height})

    page.goto("/")
    page.locator("#site-search-q").fill(product.title)
    page.locator("#site-search-q").press("Enter")
    page.wait_for_url("**/tim-kiem/**")
    no_sideways_scroll(page, "search")
    # Results first: the first card is on the first screen, the filters folded above it.
    assert page.locator("details.search-facets").get_attribute("open") is None
    card = page.locator(".search-hits .product-card", has_text=product.title).first
    assert card.locator(".price").inner_text() and card.locator("img").count() == 1
    card.locator("a").first.click()
    page.wait_for_url(f"**{product.url}")
    no_sideways_scroll(page, "product")

    # Price, variant choice and the buy button within the first screen.
    for selector in (".buy-price", ".variant-chips", "[data-buy-main]", ".buy-now"):
        assert in_first_screen(page, selector), selector
    chips = page.locator(".variant-chips .chip")
    assert chips.count() == 2
    box = chips.nth(1).bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
    chips.nth(1).click()
    assert "lon" in page.locator(".variant-chips input:checked").get_attribute("value")
    dearer = f"{variant.price * 3:,}".replace(",", ".")
    wait_until(page, f"document.querySelector('[data-buy-price]').textContent.includes('{dearer}')")
    plus = page.get_by_role("button", name="Thêm một")
    assert plus.bounding_box()["height"] >= 44
    plus.click()
    assert page.locator("#buy-qty").input_value() == "2"

    page.evaluate("window.__sameDocument = true")
    assert page.locator(".cart-link [data-cart-count]").is_hidden()
    page.locator("[data-buy-main]").click()
    page.locator("#cart-toast").wait_for()
    assert "Đã thêm vào giỏ hàng" in page.locator("#cart-toast").inner_text()
    assert in_viewport(page, "#cart-toast")
    badge = page.locator(".cart-link [data-cart-count]")
    badge.wait_for(state="visible")
    assert badge.locator("[data-n]").inner_text() == "2"
    assert page.evaluate("window.__sameDocument === true")  # no reload

    page.locator("#cart-toast").get_by_role("link", name="Xem giỏ hàng").click()
    page.wait_for_url("**/shop/cart/")
    no_sideways_scroll(page, "cart")
    line = f"li[data-sku='{variant.sku}-lon'] "
    for part in (".cart-thumb", ".line-total", ".cart-remove button"):
        page.locator(line + part).scroll_into_view_if_needed()
        assert in_viewport(page, line + part), part
    page.get_by_role("link", name="Tiến hành đặt hàng").click()
    page.wait_for_url("**/shop/checkout/")
    no_sideways_scroll(page, "checkout")
    fill_checkout(page)
    page.get_by_role("button", name="Xem lại đơn hàng").click()
    page.wait_for_url("**/shop/checkout/review/")
    no_sideways_scroll(page, "review")
    page.get_by_role("button", name="Đặt hàng").click()
    page.wait_for_selector("text=Đặt hàng thành công")
    no_sideways_scroll(page, "order")
    order = Order.objects.get()
    assert [(ln.sku, ln.quantity) for ln in order.lines.all()] == [(f"{variant.sku}-lon", 2)]


def tab_to(page, selector, limit=120):
    """Press Tab until the focused element matches the selector."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement && document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_keyboard_only_path(browser_page, demo_password, settings):
    settings.STRIPE_SECRET_KEY = ""
    seed_after_flush(demo_password)
    product, variant = two_variant_product()
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    tab_to(page, "#site-search-q")
    page.keyboard.type(product.title)
    page.keyboard.press("Enter")
    page.wait_for_url("**/tim-kiem/**")
    tab_to(page, f".search-hits a[href='{product.url}']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{product.url}")
    tab_to(page, ".variant-chips input:checked")
    page.keyboard.press("ArrowRight")  # radio buttons: the arrows choose
    assert page.evaluate("document.activeElement.value") == f"{variant.sku}-lon"
    tab_to(page, "[data-step='1']")
    page.keyboard.press("Enter")
    assert page.locator("#buy-qty").input_value() == "2"
    tab_to(page, ".buy-box .buy-now")
    page.keyboard.press("Enter")  # "Mua ngay": added, then straight to the checkout
    page.wait_for_url("**/shop/checkout/")
    tab_to(page, "#id_recipient")
    page.keyboard.type("Lê Thị Hoa")
    tab_to(page, "#id_phone")
    page.keyboard.type("0983123456")
    tab_to(page, "#id_commune")
    page.keyboard.press("ArrowDown")
    tab_to(page, "#id_street")
    page.keyboard.type("Số 8, thôn Đông")
    tab_to(page, "input[name=payment_method][value=cod]")
    page.keyboard.press("Space")
    for name in ("accept_terms", "data_consent"):
        tab_to(page, f"#id_{name}")
        page.keyboard.press("Space")
    tab_to(page, ".checkout-form button[type=submit]:not([name])")
    page.keyboard.press("Enter")
    page.wait_for_url("**/shop/checkout/review/")
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Đặt hàng thành công")
    assert Order.objects.get().lines.get().quantity == 2


def test_sticky_bar_and_gallery_zoom_by_keyboard(browser_page, demo_password):
    seed_after_flush(demo_password)
    product, _variant = two_variant_product()
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(product.url)
    bar = page.locator("[data-sticky-buy]")
    assert bar.is_hidden()
    # Scrolled past the buy buttons: the bar appears and the page makes room for it.
    page.evaluate(
        "window.scrollTo(0, scrollY + 200 +"
        " document.querySelector('[data-buy-main]').getBoundingClientRect().bottom)"
    )
    bar.wait_for(state="visible")
    assert page.evaluate("document.body.classList.contains('has-sticky-buy')")
    assert page.evaluate(
        "parseInt(getComputedStyle(document.body).paddingBottom) >="
        " document.querySelector('[data-sticky-buy]').offsetHeight"
    )
    # With the footer in view it hides; back at the top, too.
    page.evaluate("document.querySelector('.site-footer').scrollIntoView()")
    bar.wait_for(state="hidden")
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(300)
    assert bar.is_hidden()

    # Zoom: the picture link opens the dialog, arrows move, Tab stays inside, Escape closes.
    first = page.locator("[data-zoom]").first
    assert first.get_attribute("href").endswith(".webp")  # without a script: the large picture
    tab_to(page, "[data-zoom]")
    page.keyboard.press("Enter")
    dialog = page.locator("dialog[data-lightbox]")
    dialog.wait_for(state="visible")
    assert page.evaluate("document.activeElement.matches('[data-lightbox-close]')")
    count = dialog.locator("[data-lightbox-count]")
    assert count.inner_text() == "Ảnh 1/2"
    page.keyboard.press("ArrowRight")
    assert count.inner_text() == "Ảnh 2/2"
    assert dialog.locator("figcaption").inner_text() == "Mặt sau của hộp"
    page.keyboard.press("ArrowRight")
    assert count.inner_text() == "Ảnh 1/2"
    for _ in range(6):
        page.keyboard.press("Tab")
        assert page.evaluate("!!document.activeElement.closest('dialog[data-lightbox]')")
    for name in ("Ảnh trước", "Ảnh sau", "Đóng"):  # visible buttons too
        assert dialog.get_by_role("button", name=name).is_visible()
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.matches('[data-zoom]')")


@pytest.mark.parametrize("width", [360, 390])
def test_axe_finds_nothing_on_any_page_type(browser_page, demo_password, settings, width):
    from axe_playwright_python.sync_playwright import Axe

    from products.models import ProducerPage, ProductIndexPage
    from tours.models import TourSitePage, VirtualTourPage

    settings.STRIPE_SECRET_KEY = ""
    seed_after_flush(demo_password)
    product, variant = two_variant_product()
    page = browser_page
    page.set_viewport_size({"width": width, "height": 844})
    # A cart and an order, through the site.
    page.goto(product.url)
    page.locator("[data-buy-main]").click()
    page.locator("#cart-toast").wait_for()
    page.goto("/shop/checkout/")
    fill_checkout(page)
    page.get_by_role("button", name="Xem lại đơn hàng").click()
    page.get_by_role("button", name="Đặt hàng").click()
    page.wait_for_selector("text=Đặt hàng thành công")
    order_url = page.url
    page.goto(product.url)
    page.locator("[data-buy-main]").click()
    page.locator("#cart-toast").wait_for()

    pages = {
        "home": "/",
        "listing": ProductIndexPage.objects.live().first().url,
        "product": product.url,
        "producer": ProducerPage.objects.live().first().url,
        "site": TourSitePage.objects.live().first().url,
        "tour": VirtualTourPage.objects.live().first().url,
        "map": "/ban-do/",
        "search": "/tim-kiem/?q=g%E1%BB%91m",
        "cart": "/shop/cart/",
        "checkout": "/shop/checkout/",
        "order": order_url,
        "tracking": "/shop/track/",
        "404": "/khong-co-trang-nay/",
    }
    axe = Axe()
    found = {}
    for name, url in pages.items():
        page.goto(url)
        page.wait_for_load_state("networkidle")
        violations = axe.run(page).response["violations"]
        if violations:
            found[name] = [
                f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:4]}"
                for v in violations
            ]
    if found:  # every violation in full (an assertion's repr would be cut)
        pytest.fail("\n".join(f"{name}: {line}" for name, lines in found.items() for line in lines))
