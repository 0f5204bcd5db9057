import pytest

from products.models import Commune, NtmResult, Province
from products.ntm import ImportFailed, import_results, template_csv

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
