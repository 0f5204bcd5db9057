"""Issue 19 on a phone: a farmer records a batch with two stages and photos and submits it, an
officer approves it, and scanning (decoding) the printed stamp opens the public timeline."""

import io
import re

import pytest

from tests.browser import admin_login, requires_chromium, seed_live_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), requires_chromium]


def _fill_stage(page, n, *, kind, text, day, who, photo, inputs=()):
    page.select_option(f"[name='stages-{n}-value-kind']", kind)
    page.fill(f"[name='stages-{n}-value-description']", text)
    page.fill(f"[name='stages-{n}-value-started_on']", day)
    page.fill(f"[name='stages-{n}-value-performed_by']", who)
    page.fill(f"[name='stages-{n}-value-latitude']", "21.0146")
    page.fill(f"[name='stages-{n}-value-longitude']", "105.9657")
    block = page.locator(f"[name='stages-{n}-value-kind']").locator(
        "xpath=ancestor::*[@data-contentpath][2]"
    )
    for i, (input_kind, name, number) in enumerate(inputs):
        block.locator("[data-contentpath=inputs] button.c-sf-add-button").last.click()
        page.select_option(f"[name='stages-{n}-value-inputs-{i}-value-kind']", input_kind)
        page.fill(f"[name='stages-{n}-value-inputs-{i}-value-name']", name)
        page.fill(f"[name='stages-{n}-value-inputs-{i}-value-registration_number']", number)
    block.locator("[data-contentpath=photos] button.c-sf-add-button").last.click()
    block.locator("[data-contentpath=photos] button.chooser__choose-button").last.click()
    page.get_by_role("link", name=photo).first.click()
    field = f"[name='stages-{n}-value-photos-0-value']"
    for _ in range(50):
        if page.input_value(field):
            break
        page.wait_for_timeout(100)


def test_farmer_records_batch_on_phone_officer_approves_stamp_opens_timeline(
    browser_page, demo_password, live_server
):
    seed_live_demo(demo_password)
    import zxingcpp
    from PIL import Image
    from pypdf import PdfReader
    from wagtail.models import WorkflowState

    from products.models import ProducerPage, TraceabilityBatch
    from tests.products.roles_helpers import make_image

    producer = ProducerPage.objects.filter(products__isnull=False).order_by("title").first()
    product = producer.products.order_by("pk").first()
    photos = [make_image(producer, "Ảnh bón phân"), make_image(producer, "Ảnh thu hoạch")]

    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    admin_login(page, producer.slug, demo_password)
    # The farmer's menu holds the batch workspace.
    assert page.locator("a[href='/admin/snippets/products/traceabilitybatch/']").count() >= 1
    page.goto("/admin/snippets/products/traceabilitybatch/add/")
    page.wait_for_load_state("networkidle")
    options = page.locator("#id_product option").all_inner_texts()
    assert product.title in options and len(options) == producer.products.count() + 1

    page.select_option("#id_product", label=product.title)
    page.fill("#id_produced_on", "2026-11-20")
    page.fill("#id_expires_on", "2027-05-20")
    page.fill("#id_quantity", "300 hộp")
    page.locator("[data-contentpath=stages] button.c-sf-add-button").first.click()
    _fill_stage(
        page,
        0,
        kind="cham-soc",
        text="Bón phân hữu cơ vi sinh cho vùng nguyên liệu",
        day="2026-09-01",
        who="Tổ hợp tác thôn Thuận Quang",
        photo=photos[0].title,
        inputs=[("phan-bon", "Phân hữu cơ vi sinh", "PB-2024-0815")],
    )
    page.locator("[data-contentpath=stages] button.c-sf-add-button").last.click()
    _fill_stage(
        page,
        1,
        kind="thu-hoach",
        text="Thu hoạch, phân loại, đưa về xưởng",
        day="2026-11-18",
        who="Gia đình chủ cơ sở",
        photo=photos[1].title,
    )
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert scroll <= inner, (scroll, inner)

    page.locator("footer .w-dropdown__toggle").last.click()
    page.locator("button[name=action-submit]").click()
    page.wait_for_url("**/traceabilitybatch/")

    batch = TraceabilityBatch.objects.get(product=product, produced_on="2026-11-20")
    assert not batch.live
    assert [s.value["kind"] for s in batch.stages] == ["cham-soc", "thu-hoach"]
    assert [s.value["photos"][0].pk for s in batch.stages] == [p.pk for p in photos]
    assert WorkflowState.objects.for_instance(batch).get().status == "in_progress"

    # The officer approves from the batch's edit screen, on a laptop.
    context = page.context.browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="vi-VN"
    )
    officer = context.new_page()
    officer.set_default_timeout(15_000)
    admin_login(officer, "officer", demo_password)
    officer.goto(f"/admin/snippets/products/traceabilitybatch/edit/{batch.pk}/")
    officer.locator("footer .w-dropdown__toggle").last.click()
    officer.locator(
        "button[data-workflow-action-name=approve]:not([data-workflow-action-modal-url])"
    ).click()
    officer.wait_for_load_state("networkidle")
    batch.refresh_from_db()
    assert batch.live

    stamps = officer.request.get(f"/admin/ocop/lo-san-xuat/{batch.pk}/tem/?so_tem=12&moi_trang=12")
    assert stamps.headers["content-type"] == "application/pdf"
    pdf = PdfReader(io.BytesIO(stamps.body()))
    picture = Image.open(io.BytesIO(pdf.pages[0].images[0].data))
    (scanned,) = zxingcpp.read_barcodes(picture)
    assert scanned.text == f"{live_server.url}/truy-xuat/{batch.code}/"
    context.close()

    # The buyer's phone opens what the stamp says.
    page.goto(scanned.text)
    stages = page.locator(".timeline-stage")
    assert stages.count() == 2
    assert stages.nth(0).locator("h3").inner_text() == "Chăm sóc, bón phân, phòng trừ sâu bệnh"
    assert "PB-2024-0815" in stages.nth(0).inner_text()
    assert stages.nth(1).locator(".stage-photos img").count() == 1
    assert re.search(r"300 hộp", page.locator(".facts").first.inner_text())
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert scroll <= inner, (scroll, inner)
    page.screenshot(path="/tmp/trace-timeline-390.png", full_page=True)
