import pytest

from products.models import Commune, NtmResult, Province
from products.ntm import ImportFailed, NtmIndicator, import_results, template_csv

pytestmark = pytest.mark.django_db

HEADER = (
    "commune_code,year,status,model_field,decision_number,decision_date,source,illustrative,"
    "ct_8.4_value,ct_8.4_met\n"
)


@pytest.fixture
def communes():
    hanoi, _new = Province.objects.get_or_create(
        code="01", defaults={"name": "Thành phố Hà Nội", "short_name": "Hà Nội"}
    )
    return [
        Commune.objects.update_or_create(code=code, defaults={"province": hanoi, "name": name})[0]
        for code, name in (("00001", "Gia Lâm Thử"), ("00002", "Thuận An Thử"))
    ]


def test_valid_csv_imports_rows_with_indicators_and_revisions(communes):
    data = (
        HEADER
        + "00001,2024,kieu-mau,Chuyển đổi số,123/QĐ-UBND,15/03/2024,KH 236,0,đạt,1\n"
        + "00002,2024,NTM nâng cao,,,,KH 236,1,,\n"
    ).encode()
    assert import_results("ntm.csv", data) == 2
    first = NtmResult.objects.get(commune=communes[0])
    assert first.status == "kieu-mau" and first.decision_date.isoformat() == "2024-03-15"
    assert [(i.code, i.met) for i in first.indicators.all()] == [("8.4", True)]
    assert first.latest_revision is not None
    assert NtmResult.objects.get(commune=communes[1]).status == "nang-cao"


def test_bad_rows_are_listed_by_row_number_and_nothing_is_written(communes):
    data = (
        HEADER
        + "00001,2024,dat-chuan,,,,KH 236,0,,\n"
        + "99999,2024,dat-chuan,,,,KH 236,0,,\n"
        + "00002,20x4,gì đó,,,31/02/2024,,0,5,maybe\n"
    ).encode()
    before = NtmResult.objects.count()  # the demo seed's rows
    with pytest.raises(ImportFailed) as failed:
        import_results("ntm.csv", data)
    rows = {row for row, _message in failed.value.errors}
    assert rows == {3, 4}
    assert len([r for r, _m in failed.value.errors if r == 4]) >= 4
    assert NtmResult.objects.count() == before


def test_xlsx_import_and_template_header(communes):
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["commune_code", "year", "status", "source"])
    sheet.append(["00001", 2023, "đạt chuẩn", "Sở NN&PTNT"])
    out = io.BytesIO()
    book.save(out)
    assert import_results("ntm.xlsx", out.getvalue()) == 1
    assert NtmResult.objects.get(commune=communes[0]).status == "dat-chuan"
    assert template_csv().splitlines()[0].startswith("commune_code,commune,")


def test_import_screen_is_for_officers_and_reports_errors(client, communes, django_user_model):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from products.roles import ensure_officer_group

    user = django_user_model.objects.create_user("plain", password="x")
    client.force_login(user)
    assert client.get("/admin/ocop/ntm/nhap/").status_code in (302, 403)
    officer = django_user_model.objects.create_user("off", password="x")
    officer.groups.add(ensure_officer_group())
    client.force_login(officer)
    assert client.get("/admin/ocop/ntm/mau.csv").status_code == 200
    before = NtmResult.objects.count()  # the demo seed's rows
    bad = SimpleUploadedFile("x.csv", (HEADER + "99999,2024,dat-chuan,,,,S,0,,\n").encode())
    response = client.post("/admin/ocop/ntm/nhap/", {"file": bad})
    assert response.status_code == 400
    assert "Dòng 2" in response.content.decode()
    assert NtmResult.objects.count() == before


def test_a_spreadsheet_s_numbers_and_dates_are_read_as_typed(communes):
    """Excel keeps "00001" as the number 1, a year as 2024.0 in a number cell, a date as a
    date and a tick as TRUE: each is read as the officer meant it."""
    import datetime
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["commune_code", "year", "status", "decision_date", "source", "ct_8.4_met"])
    sheet.append([1, 2024.0, "dat-chuan", datetime.date(2024, 3, 15), "Sở NN&PTNT", True])
    sheet.append([2, 2023, "chua-dat", None, "Sở NN&PTNT", 0])
    out = io.BytesIO()
    book.save(out)
    assert import_results("ntm.xlsx", out.getvalue()) == 2
    first = NtmResult.objects.get(commune=communes[0])
    assert (first.year, first.decision_date.isoformat()) == (2024, "2024-03-15")
    assert [(i.code, i.met) for i in first.indicators.all()] == [("8.4", True)]
    second = NtmResult.objects.get(commune=communes[1])
    assert (second.year, second.status) == (2023, "chua-dat")
    assert [(i.code, i.met) for i in second.indicators.all()] == [("8.4", False)]


def test_a_csv_saved_by_excel_in_vietnamese_with_semicolons(communes):
    data = (
        HEADER.replace(",", ";") + "00001;2024;đạt chuẩn;;12/QĐ-UBND;15/03/2024;KH 236;0;95%;1\n"
    ).encode("utf-8-sig")
    assert import_results("ntm.csv", data) == 1
    result = NtmResult.objects.get(commune=communes[0])
    assert (result.status, result.decision_number) == ("dat-chuan", "12/QĐ-UBND")
    assert [(i.value, i.met) for i in result.indicators.all()] == [("95%", True)]


def test_nothing_is_written_on_error_neither_results_nor_indicators_nor_revisions(communes):
    from wagtail.models import Revision

    def counts():
        return NtmResult.objects.count(), NtmIndicator.objects.count(), Revision.objects.count()

    before = counts()
    data = (
        HEADER
        + "00001,2024,kieu-mau,Chuyển đổi số,1/QĐ,15/03/2024,KH 236,0,đạt,1\n"
        + "00002,2024,dat-chuan,,,,,0,,\n"  # no source: the whole file is refused
    ).encode()
    with pytest.raises(ImportFailed) as failed:
        import_results("ntm.csv", data)
    assert [row for row, _m in failed.value.errors] == [3]
    assert counts() == before


def _officer(django_user_model, name="ntm-officer"):
    from products.roles import ensure_officer_group

    officer = django_user_model.objects.create_user(name, password="x")
    officer.groups.add(ensure_officer_group())
    return officer


def test_the_results_list_leads_to_the_import_and_back(client, communes, django_user_model):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(_officer(django_user_model))
    listing = reverse("wagtailsnippets_products_ntmresult:list")
    html = client.get(listing).content.decode()
    assert f'href="{reverse("ocop_ntm_import")}"' in html and "Nhập từ tệp CSV/XLSX" in html
    screen = client.get(reverse("ocop_ntm_import")).content.decode()
    assert f'href="{listing}"' in screen  # the breadcrumb back to the list
    good = SimpleUploadedFile("ntm.csv", (HEADER + "00001,2024,dat-chuan,,,,KH 236,0,,\n").encode())
    response = client.post(reverse("ocop_ntm_import"), {"file": good})
    assert response.status_code == 302 and response["Location"] == listing
    result = NtmResult.objects.get(commune=communes[0], year=2024)
    assert result.revisions.count() == 1


def test_officers_edit_a_result_in_the_admin_with_revisions_and_farmers_cannot(
    client, communes, django_user_model
):
    from django.urls import reverse

    result = NtmResult.objects.create(
        commune=communes[0], year=2024, status="dat-chuan", source="KH 236"
    )
    result.save_revision()
    edit = reverse("wagtailsnippets_products_ntmresult:edit", args=[result.pk])
    client.force_login(_officer(django_user_model))
    form = {
        "commune": communes[0].pk,
        "legacy_commune": "Dương Xá, Gia Lâm",
        "year": "2024",
        "status": "nang-cao",
        "model_field": "",
        "decision_number": "99/QĐ-UBND",
        "decision_date": "2024-11-20",
        "source": "KH 236",
        "indicators-TOTAL_FORMS": "1",
        "indicators-INITIAL_FORMS": "0",
        "indicators-MIN_NUM_FORMS": "0",
        "indicators-MAX_NUM_FORMS": "1000",
        "indicators-0-id": "",
        "indicators-0-ORDER": "1",
        "indicators-0-DELETE": "",
        "indicators-0-code": "15.2",
        "indicators-0-value": "98%",
        "indicators-0-met": "on",
    }
    response = client.post(edit, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    result.refresh_from_db()
    assert (result.status, result.decision_number) == ("nang-cao", "99/QĐ-UBND")
    assert [(i.code, i.value, i.met) for i in result.indicators.all()] == [("15.2", "98%", True)]
    revisions = list(result.revisions.order_by("created_at", "pk"))
    assert len(revisions) == 2 and revisions[-1].content["status"] == "nang-cao"
    assert revisions[0].content["status"] == "dat-chuan"  # the earlier word is kept
    history = reverse("wagtailsnippets_products_ntmresult:history", args=[result.pk])
    assert client.get(history).status_code == 200

    farmer = django_user_model.objects.create_user("ntm-farmer", password="x")
    client.force_login(farmer)
    for url in (reverse("wagtailsnippets_products_ntmresult:list"), edit):
        assert client.get(url).status_code in (302, 403), url
    assert client.post(edit, {**form, "status": "chua-dat"}).status_code in (302, 403)
    result.refresh_from_db()
    assert result.status == "nang-cao"
