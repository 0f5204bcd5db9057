"""Issue 19: farmers' batches with stages, the approval workflow and its trail, the GS1 Digital
Link resolver, QR stamps (decoded from the printed sheet) and the export for Hà Nội's system."""

import csv
import datetime
import io
import json
import re
from decimal import Decimal

import pytest
import zxingcpp
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from PIL import Image as PILImage
from pypdf import PdfReader
from wagtail.models import WorkflowState

from products.demo import demo_gtin
from products.gs1 import normalise_gtin
from products.models import Commune, ProductPage, TraceabilityBatch
from products.stamps import LAYOUTS
from products.trace import (
    EXPORT_FIELDS,
    batch_link_path,
    digital_link_path,
    gtin_forms,
    new_batch_code,
    product_for_gtin,
    published_revisions,
)
from products.trace_blocks import InputBlock, StageBlock
from tests.products.roles_helpers import login, make_image, two_producers

pytestmark = pytest.mark.django_db

ADMIN = "/admin/snippets/products/traceabilitybatch/"


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def gtin_batch():
    """A published demo batch whose product carries a (demo, prefix 952) GTIN."""
    return TraceabilityBatch.objects.filter(live=True, product__gtin__gt="").first()


# ----- GTIN and Digital Link ------------------------------------------------------------------


def test_demo_gtin_is_valid_and_each_stored_form_is_found(gtin_batch):
    product = gtin_batch.product
    assert product.gtin.startswith("952") and len(product.gtin) == 13
    assert demo_gtin(gtin_batch.code) == product.gtin
    assert gtin_forms(product.gtin)[0] == "0" + product.gtin
    for typed in (product.gtin, normalise_gtin(product.gtin)):
        assert product_for_gtin(typed) == product
    wrong = product.gtin[:-1] + str((int(product.gtin[-1]) + 1) % 10)
    assert product_for_gtin(wrong) is None


def test_batch_qr_encodes_the_digital_link_when_the_product_has_a_gtin(gtin_batch):
    path = batch_link_path(gtin_batch)
    assert path == f"/01/{normalise_gtin(gtin_batch.product.gtin)}/10/{gtin_batch.code}"
    plain = TraceabilityBatch.objects.filter(live=True, product__gtin="").first()
    assert batch_link_path(plain) == plain.get_absolute_url()


def test_resolver_opens_batch_product_and_each_link_type(client, gtin_batch):
    product = gtin_batch.product
    lot_path = digital_link_path(product, gtin_batch.code)
    response = client.get(lot_path)
    assert response.status_code == 307
    assert response["Location"] == gtin_batch.get_absolute_url()
    assert 'rel="linkset"' in response["Link"]

    assert client.get(lot_path + "/")["Location"] == gtin_batch.get_absolute_url()
    expected = {
        "gs1:pip": product.url,
        "gs1:traceability": gtin_batch.get_absolute_url(),
        "gs1:certificationInfo": gtin_batch.get_absolute_url() + "#chung-nhan",
        "gs1:hasRetailers": product.url + "#mua",
        "https://gs1.org/voc/pip": product.url,
        "gs1:noSuchType": gtin_batch.get_absolute_url(),  # unknown → the default link
    }
    for link_type, location in expected.items():
        response = client.get(lot_path, {"linkType": link_type})
        assert (response.status_code, response["Location"]) == (307, location), link_type

    product_only = client.get(digital_link_path(product))
    assert (product_only.status_code, product_only["Location"]) == (307, product.url)
    # A GTIN-13 as typed on the pack resolves too; other query parameters pass through.
    response = client.get(f"/01/{product.gtin}", {"utm_source": "tem"})
    assert response["Location"] == f"{product.url}?utm_source=tem"


def test_resolver_linkset_lists_every_link(client, gtin_batch):
    path = digital_link_path(gtin_batch.product, gtin_batch.code)
    for response in (
        client.get(path, {"linkType": "linkset"}),
        client.get(path, HTTP_ACCEPT="application/linkset+json"),
    ):
        assert response.status_code == 200
        assert response["Content-Type"] == "application/linkset+json"
        entry = json.loads(response.content)["linkset"][0]
        assert entry["anchor"].endswith(path)
        hrefs = {
            key.rsplit("/", 1)[1]: links[0]["href"]
            for key, links in entry.items()
            if key != "anchor"
        }
        assert set(hrefs) == {
            "pip",
            "traceability",
            "certificationInfo",
            "hasRetailers",
            "defaultLink",
        }
        assert hrefs["defaultLink"].endswith(gtin_batch.get_absolute_url())


def test_resolver_refuses_bad_and_unknown_identifiers(client, gtin_batch):
    gtin = normalise_gtin(gtin_batch.product.gtin)
    bad_check = gtin[:-1] + str((int(gtin[-1]) + 1) % 10)
    response = client.get(f"/01/{bad_check}/10/{gtin_batch.code}")
    assert response.status_code == 400
    assert "GTIN" in response.content.decode()
    assert client.get("/01/00000000000017").status_code == 404  # valid, but not ours
    assert client.get(f"/01/{gtin}/10/khong-co-lo-nay").status_code == 404
    assert client.post(f"/01/{gtin}").status_code == 405
    # A batch waiting for review is not public, under either URL.
    TraceabilityBatch.objects.filter(pk=gtin_batch.pk).update(live=False)
    assert client.get(f"/01/{gtin}/10/{gtin_batch.code}").status_code == 404
    assert client.get(gtin_batch.get_absolute_url()).status_code == 404


def test_pages_carry_schema_org_with_gs1_digital_link(client, gtin_batch):
    product = gtin_batch.product
    link = f"http://testserver/01/{normalise_gtin(product.gtin)}"

    def jsonld(html):
        blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
        return [json.loads(b) for b in blocks]

    batch_data = jsonld(client.get(gtin_batch.get_absolute_url()).content.decode())
    assert batch_data[0]["hasGS1DigitalLink"] == f"{link}/10/{gtin_batch.code}"
    assert batch_data[0]["gtin"] == normalise_gtin(product.gtin)
    product_data = [
        d for d in jsonld(client.get(product.url).content.decode()) if d["@type"] == "Product"
    ]
    assert product_data[0]["hasGS1DigitalLink"] == link


# ----- the public timeline --------------------------------------------------------------------


def test_public_batch_page_shows_stages_as_a_timeline_with_certifications(client, gtin_batch):
    html = client.get(gtin_batch.get_absolute_url()).content.decode()
    stages = gtin_batch.stages
    assert html.count('class="timeline-stage"') == len(stages) == 3
    for kind in ("Thu hoạch", "Chế biến", "Đóng gói, dán tem"):
        assert f"<h3>{kind}</h3>" in html
    assert 'id="chung-nhan"' in html and "VietGAP" in html
    assert f'href="{gtin_batch.product.url}#mua"' in html
    assert "Chưa sửa đổi lần nào sau khi công bố." in html


# ----- stage validation -----------------------------------------------------------------------


def test_stage_rules_dates_gps_and_registration_numbers():
    block = StageBlock()
    base = {
        "kind": "cham-soc",
        "description": "Bón phân",
        "started_on": datetime.date(2025, 5, 2),
        "ended_on": datetime.date(2025, 5, 1),
        "commune": None,
        "place": "",
        "latitude": Decimal("21.01"),
        "longitude": None,
        "performed_by": "Tổ sản xuất",
        "inputs": [],
        "photos": [],
    }
    with pytest.raises(ValidationError) as error:
        block.clean(base)
    assert set(error.value.block_errors) == {"ended_on", "longitude"}

    with pytest.raises(ValidationError) as error:
        InputBlock().clean(
            {
                "kind": "thuoc-bvtv",
                "name": "Thuốc trừ sâu sinh học",
                "registration_number": " ",
                "quantity": "",
                "supplier": "",
            }
        )
    assert "registration_number" in error.value.block_errors
    ok = InputBlock().clean(
        {
            "kind": "giong",
            "name": "Lúa Bắc Thơm 7",
            "registration_number": "",
            "quantity": "",
            "supplier": "",
        }
    )
    assert ok["name"] == "Lúa Bắc Thơm 7"


def test_batch_codes_are_made_from_the_product_and_date_and_never_collide(gtin_batch):
    product = gtin_batch.product
    day = datetime.date(2026, 3, 4)
    first = TraceabilityBatch.objects.create(product=product, produced_on=day, live=False)
    second = TraceabilityBatch.objects.create(product=product, produced_on=day, live=False)
    assert first.code == f"{product.slug[:24]}-20260304".replace("--", "-")
    assert second.code == first.code + "-2"
    assert new_batch_code(product, day) == first.code + "-3"


# ----- the farmer's workspace, the review and the trail ---------------------------------------


def _stage_data(prefix, n, *, kind, text, day, inputs=(), photos=()):
    p = f"{prefix}-{n}"
    data = {
        f"{p}-type": "stage",
        f"{p}-deleted": "",
        f"{p}-order": str(n),
        f"{p}-id": "",
        f"{p}-value-kind": kind,
        f"{p}-value-description": text,
        f"{p}-value-started_on": day,
        f"{p}-value-ended_on": "",
        f"{p}-value-commune": "",
        f"{p}-value-place": "Cánh đồng thôn Thuận Quang",
        f"{p}-value-latitude": "21.0146",
        f"{p}-value-longitude": "105.9657",
        f"{p}-value-performed_by": "Tổ hợp tác Thuận Quang",
        f"{p}-value-inputs-count": str(len(inputs)),
        f"{p}-value-photos-count": str(len(photos)),
    }
    for i, (ikind, name, number) in enumerate(inputs):
        q = f"{p}-value-inputs-{i}"
        data.update(
            {
                f"{q}-deleted": "",
                f"{q}-order": str(i),
                f"{q}-id": "",
                f"{q}-value-kind": ikind,
                f"{q}-value-name": name,
                f"{q}-value-registration_number": number,
                f"{q}-value-quantity": "",
                f"{q}-value-supplier": "",
            }
        )
    for i, image in enumerate(photos):
        q = f"{p}-value-photos-{i}"
        data.update(
            {f"{q}-deleted": "", f"{q}-order": str(i), f"{q}-id": "", f"{q}-value": str(image.pk)}
        )
    return data


def batch_form_data(product, *, photos=(), registration="PB-2024-0815", action="action-submit"):
    data = {
        "product": str(product.pk),
        "code": "",
        "produced_on": "2026-11-20",
        "expires_on": "2027-05-20",
        "quantity": "300 hộp",
        "stages-count": "2",
        "certifications-TOTAL_FORMS": "0",
        "certifications-INITIAL_FORMS": "0",
        "certifications-MIN_NUM_FORMS": "0",
        "certifications-MAX_NUM_FORMS": "1000",
        "hanoi_trace_code": "",
        "hanoi_trace_url": "",
        "notes": "",
        action: "1",
    }
    data.update(
        _stage_data(
            "stages",
            0,
            kind="cham-soc",
            text="Bón phân hữu cơ vi sinh",
            day="2026-09-01",
            inputs=[("phan-bon", "Phân hữu cơ vi sinh Sông Gianh", registration)],
            photos=photos[:1],
        )
    )
    data.update(
        _stage_data(
            "stages",
            1,
            kind="thu-hoach",
            text="Thu hoạch, phân loại",
            day="2026-11-18",
            photos=photos[1:],
        )
    )
    return data


def test_farmer_records_and_submits_a_batch_for_its_own_product_only():
    a, b = two_producers()
    farmer = login(a.slug)
    client = _client(farmer)
    own, other = a.products.first(), b.products.first()

    add = client.get(ADMIN + "add/")
    assert add.status_code == 200
    options = re.findall(
        r'<option value="(\d+)"',
        add.content.decode().split('name="product"')[1].split("</select>")[0],
    )
    assert str(own.pk) in options and str(other.pk) not in options

    photos = [make_image(a, "bon-phan"), make_image(a, "thu-hoach")]
    refused = client.post(ADMIN + "add/", batch_form_data(other, photos=photos))
    assert (
        refused.status_code == 200
        and not TraceabilityBatch.objects.filter(product=other, produced_on="2026-11-20").exists()
    )

    missing_number = client.post(
        ADMIN + "add/", batch_form_data(own, photos=photos, registration="")
    )
    # The editor shows the message on the input's field (StreamField errors travel as JSON).
    stage_errors = missing_number.context["form"].errors.as_data()["stages"][0].as_json_data()
    assert stage_errors == {
        "blockErrors": {
            0: {
                "blockErrors": {
                    "inputs": {
                        "blockErrors": {
                            0: {
                                "blockErrors": {
                                    "registration_number": {
                                        "messages": ["Vật tư này phải ghi số đăng ký lưu hành."]
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    assert not TraceabilityBatch.objects.filter(product=own, produced_on="2026-11-20").exists()

    response = client.post(ADMIN + "add/", batch_form_data(own, photos=photos))
    assert response.status_code == 302, response.content.decode()[:2000]
    batch = TraceabilityBatch.objects.get(product=own, produced_on="2026-11-20")
    assert batch.code.endswith("-20261120") and not batch.live
    assert [s.value["kind"] for s in batch.stages] == ["cham-soc", "thu-hoach"]
    assert batch.stages[0].value["photos"][0] == photos[0]
    assert batch.stages[0].value["inputs"][0]["registration_number"] == "PB-2024-0815"
    state = WorkflowState.objects.for_instance(batch).get()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    # Not public until approved.
    assert Client().get(batch.get_absolute_url()).status_code == 404

    # The farmer's list holds its own batches only; another farmer's batch is refused.
    listing = client.get(ADMIN).content.decode()
    assert batch.code in listing
    foreign = TraceabilityBatch.objects.filter(product__producer=b).first()
    assert foreign.code not in listing
    for url in (
        f"{ADMIN}edit/{foreign.pk}/",
        f"{ADMIN}history/{foreign.pk}/",
        f"{ADMIN}delete/{foreign.pk}/",
    ):
        # Wagtail's admin answers PermissionDenied with a redirect to the dashboard.
        refused = client.get(url)
        assert (refused.status_code, refused["Location"]) == (302, "/admin/"), url
    before = foreign.quantity
    client.post(f"{ADMIN}edit/{foreign.pk}/", dict(batch_form_data(own), quantity="1 hộp"))
    foreign.refresh_from_db()
    assert foreign.quantity == before and foreign.product.producer == b
    refused = client.get(reverse("ocop_batch_stamps", args=[foreign.pk]), {"so_tem": 5})
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")


def _approve(batch, officer):
    state = (
        WorkflowState.objects.for_instance(batch)
        .filter(status=WorkflowState.STATUS_IN_PROGRESS)
        .get()
    )
    task_state = state.current_task_state
    url = reverse(
        "wagtailsnippets_products_traceabilitybatch:workflow_action",
        args=[batch.pk, "approve", task_state.pk],
    )
    response = _client(officer).post(url, {"comment": ""})
    assert response.status_code in (200, 302), response.content[:500]
    batch.refresh_from_db()


def test_officer_approves_then_amendments_keep_a_visible_trail():
    a, _b = two_producers()
    farmer, officer = login(a.slug), login("officer")
    own = a.products.first()
    client = _client(farmer)
    assert client.post(ADMIN + "add/", batch_form_data(own)).status_code == 302
    batch = TraceabilityBatch.objects.get(product=own, produced_on="2026-11-20")

    _approve(batch, officer)
    assert batch.live
    public = Client()
    page = public.get(batch.get_absolute_url()).content.decode()
    assert "300 hộp" in page and "Bón phân hữu cơ vi sinh" in page
    assert len(published_revisions(batch)) == 1

    # The farmer amends the published batch: a draft, invisible until approved again.
    amended = batch_form_data(own)
    amended["quantity"] = "280 hộp"
    amended["code"] = batch.code
    response = client.post(f"{ADMIN}edit/{batch.pk}/", amended)
    assert response.status_code == 302, response.content.decode()[:2000]
    batch.refresh_from_db()
    assert batch.quantity == "300 hộp" and batch.has_unpublished_changes
    assert "300 hộp" in public.get(batch.get_absolute_url()).content.decode()

    _approve(batch, officer)
    assert batch.quantity == "280 hộp"
    assert len(published_revisions(batch)) == 2
    page = public.get(batch.get_absolute_url()).content.decode()
    assert "280 hộp" in page and "Đã sửa đổi sau khi công bố" in page
    assert batch.revisions.count() >= 2

    # Once published, the printed lot code cannot change.
    renamed = dict(amended, code="ma-khac")
    response = client.post(f"{ADMIN}edit/{batch.pk}/", renamed)
    assert "Mã lô đã in trên tem" in response.content.decode()


# ----- stamps ---------------------------------------------------------------------------------


def _stamps_per_page(pdf: bytes) -> list[int]:
    reader = PdfReader(io.BytesIO(pdf))
    return [len(re.findall(rb"/I\d+ Do", page.get_contents().get_data())) for page in reader.pages]


def test_stamp_sheet_has_n_stamps_per_page_and_each_decodes_to_the_digital_link(gtin_batch):
    client = _client(login("officer"))
    url = reverse("ocop_batch_stamps", args=[gtin_batch.pk])
    for per_page in LAYOUTS:
        response = client.get(url, {"so_tem": per_page + 5, "moi_trang": per_page})
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert _stamps_per_page(response.content) == [per_page, 5]

    pdf = client.get(url, {"so_tem": 24, "moi_trang": 24}).content
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    image = PILImage.open(io.BytesIO(page.images[0].data))
    decoded = zxingcpp.read_barcodes(image)
    expected = (
        f"http://testserver/01/{normalise_gtin(gtin_batch.product.gtin)}/10/{gtin_batch.code}"
    )
    assert [d.text for d in decoded] == [expected]
    text = page.extract_text()
    assert gtin_batch.product.title in text and gtin_batch.code in text and "01/10/2025" in text

    # The scanned URL opens the public timeline.
    landing = Client().get(expected.removeprefix("http://testserver"), follow=True)
    assert landing.status_code == 200 and 'class="timeline"' in landing.content.decode()


def test_stamp_form_refuses_bad_numbers_with_a_clear_message(gtin_batch):
    client = _client(login("officer"))
    url = reverse("ocop_batch_stamps", args=[gtin_batch.pk])
    assert client.get(url).status_code == 200
    for query in (
        {"so_tem": "0"},
        {"so_tem": "abc"},
        {"so_tem": "10", "moi_trang": "7"},
        {"so_tem": "999999"},
    ):
        response = client.get(url, query)
        assert response.status_code == 400, query
        assert response["Content-Type"].startswith("text/html")


# ----- export for Hà Nội's system --------------------------------------------------------------


def test_export_has_every_required_field_for_each_stage(gtin_batch):
    client = _client(login("officer"))
    response = client.get(reverse("ocop_batch_export", args=["csv"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert list(rows[0]) == EXPORT_FIELDS
    live = TraceabilityBatch.objects.filter(live=True)
    assert len(rows) == sum(max(1, len(b.stages)) for b in live)
    mine = [r for r in rows if r["ma_lo"] == gtin_batch.code]
    assert [r["cong_doan_stt"] for r in mine] == ["1", "2", "3"]
    first = mine[0]
    assert first["ten_san_pham"] == gtin_batch.product.title
    assert first["gtin"] == normalise_gtin(gtin_batch.product.gtin)
    assert first["duong_dan_truy_xuat"] == "http://testserver" + batch_link_path(gtin_batch)
    assert first["ten_co_so"] == gtin_batch.product.producer.title
    assert first["ngay_san_xuat"] == "2025-10-01" and first["han_su_dung"] == "2026-12-31"
    assert first["cong_doan"] == "Thu hoạch" and first["ngay_bat_dau"] == "2025-09-25"
    assert "VietGAP" in first["chung_nhan"]
    for field in (
        "ma_lo",
        "ten_san_pham",
        "ten_co_so",
        "dia_chi_co_so",
        "ngay_san_xuat",
        "cong_doan",
        "ngay_bat_dau",
        "nguoi_thuc_hien",
    ):
        assert all(r[field] for r in rows), field

    data = json.loads(client.get(reverse("ocop_batch_export", args=["json"])).content)
    assert data["so_lo"] == live.count() == len(data["lo"])
    record = next(r for r in data["lo"] if r["ma_lo"] == gtin_batch.code)
    assert len(record["cong_doan"]) == 3 and record["chung_nhan"][0]["loai"] == "VietGAP"
    assert client.get("/admin/ocop/lo-san-xuat/xuat.xml").status_code == 404


def test_farmer_exports_only_its_own_batches():
    a, _b = two_producers()
    data = json.loads(
        _client(login(a.slug)).get(reverse("ocop_batch_export", args=["json"])).content
    )
    own = set(
        TraceabilityBatch.objects.filter(live=True, product__producer=a).values_list(
            "code", flat=True
        )
    )
    assert {r["ma_lo"] for r in data["lo"]} == own and own


def test_stage_commune_is_exported_with_its_code(gtin_batch):
    commune = Commune.objects.filter(products__isnull=False).first()
    stages = gtin_batch.stages
    stages[0].value["commune"] = commune
    TraceabilityBatch.objects.filter(pk=gtin_batch.pk).update(stages=stages)
    data = json.loads(
        _client(login("officer")).get(reverse("ocop_batch_export", args=["json"])).content
    )
    record = next(r for r in data["lo"] if r["ma_lo"] == gtin_batch.code)
    assert record["cong_doan"][0]["ma_xa"] == commune.code
    assert ProductPage.objects.filter(gtin__gt="").count() == 3
