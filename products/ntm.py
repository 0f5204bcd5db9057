"""New Rural Development (NTM) results per commune, kept by officers (with revisions), and their
import from CSV/XLSX: every row is validated, errors are listed with their row numbers, and
nothing is written unless the whole file is valid."""

import csv
import datetime
import io

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable, RevisionMixin

from cms.language import english_ui

from .reference import Commune, programme_communes


class NtmStatus(models.TextChoices):
    NOT_MET = "chua-dat", _("Chưa đạt")
    STANDARD = "dat-chuan", _("Đạt chuẩn NTM")
    ADVANCED = "nang-cao", _("NTM nâng cao")
    MODEL = "kieu-mau", _("NTM kiểu mẫu")


# The criterion indicators the programme publishes: commune level (8.4 smart/digital, 15.2
# environment...) and the district/city level ones (9.2, 9.5) where relevant.
INDICATORS = {
    "8.4": _("Chỉ tiêu 8.4 (xã): ứng dụng công nghệ thông tin, chuyển đổi số"),
    "15.2": _("Chỉ tiêu 15.2 (xã)"),
    "9.2": _("Chỉ tiêu 9.2 (huyện/thành phố)"),
    "9.5": _("Chỉ tiêu 9.5 (huyện/thành phố)"),
}


class NtmResult(RevisionMixin, ClusterableModel):
    """The NTM result of one commune for one year."""

    commune = models.ForeignKey(
        Commune,
        verbose_name=_("xã/phường (sau 1/7/2025)"),
        on_delete=models.PROTECT,
        related_name="ntm_results",
        limit_choices_to=programme_communes,
    )
    legacy_commune = models.CharField(
        _("xã cũ (trước 1/7/2025)"),
        max_length=150,
        blank=True,
        help_text=_("Ví dụ: Dương Xá, Gia Lâm — đơn vị được công nhận trước sắp xếp."),
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    status = models.CharField(
        _("kết quả"), max_length=10, choices=NtmStatus.choices, default=NtmStatus.NOT_MET
    )
    model_field = models.CharField(
        _("lĩnh vực kiểu mẫu"),
        max_length=200,
        blank=True,
        help_text=_("Chỉ với NTM kiểu mẫu, ví dụ: chuyển đổi số (NTM thông minh)."),
    )
    decision_number = models.CharField(_("số quyết định công nhận"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    source = models.CharField(_("nguồn"), max_length=300)
    illustrative = models.BooleanField(
        _("số liệu minh hoạ"),
        default=False,
        help_text=_("Đánh dấu khi số liệu chưa được đối chiếu với quyết định thật."),
    )
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="ntmresult")

    panels = [
        FieldPanel("commune"),
        FieldPanel("legacy_commune"),
        FieldPanel("year"),
        FieldPanel("status"),
        FieldPanel("model_field"),
        FieldPanel("decision_number"),
        FieldPanel("decision_date"),
        FieldPanel("source"),
        FieldPanel("illustrative"),
        InlinePanel("indicators", label=_("chỉ tiêu")),
    ]

    class Meta:
        ordering = ["commune__name", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "year"], name="ntm_one_result_per_year")
        ]
        verbose_name = _("kết quả NTM")
        verbose_name_plural = _("kết quả NTM")

    def __str__(self):
        return f"{self.commune} — {self.year}: {self.get_status_display()}"

    def legacy_label(self) -> str:
        """The pre-reform unit the result was given to, as the visitor's language says it:
        "Dương Xá, Gia Lâm" in Vietnamese; in English "formerly Dương Xá commune, Gia Lâm
        district", or "formerly in Gia Lâm district" when the commune kept its name (the
        name is said once)."""
        text = (self.legacy_commune or "").strip()
        if not text or not english_ui():
            return text
        old, _sep, district = (part.strip() for part in text.partition(","))
        if not district:
            return gettext("trước đây là %(commune)s") % {"commune": old}
        if old.casefold() == self.commune.name.casefold():
            return gettext("trước đây thuộc %(district)s") % {"district": district}
        if district.casefold() == self.commune.name.casefold():
            return gettext("trước đây là %(commune)s, huyện cùng tên") % {"commune": old}
        return gettext("trước đây là %(commune)s, %(district)s") % {
            "commune": old,
            "district": district,
        }

    def clean(self):
        super().clean()
        if self.model_field and self.status != NtmStatus.MODEL:
            raise ValidationError(
                {"model_field": gettext("Lĩnh vực kiểu mẫu chỉ dùng cho NTM kiểu mẫu.")}
            )


class NtmIndicator(Orderable):
    result = ParentalKey(NtmResult, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("chỉ tiêu"), max_length=8, choices=[(k, k) for k in INDICATORS])
    value = models.CharField(_("giá trị"), max_length=100, blank=True)
    met = models.BooleanField(_("đạt"), default=False)

    panels = [FieldPanel("code"), FieldPanel("value"), FieldPanel("met")]

    class Meta(Orderable.Meta):
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")

    def __str__(self):
        return f"{self.code}: {self.value} ({'đạt' if self.met else 'chưa đạt'})"


# ---- import ---------------------------------------------------------------------------------

COLUMNS = [
    ("commune_code", _("Mã xã/phường sau 1/7/2025 (GSO, 5 số) — hoặc để trống và ghi tên")),
    ("commune", _("Tên xã/phường mới hoặc cũ, ví dụ “Dương Xá, Gia Lâm”")),
    ("legacy_commune", _("Xã cũ được công nhận (tuỳ chọn)")),
    ("year", _("Năm (2010–2100)")),
    ("status", _("chua-dat | dat-chuan | nang-cao | kieu-mau (hoặc tên tiếng Việt)")),
    ("model_field", _("Lĩnh vực kiểu mẫu (chỉ với kieu-mau)")),
    ("decision_number", _("Số quyết định")),
    ("decision_date", _("Ngày quyết định, YYYY-MM-DD hoặc DD/MM/YYYY")),
    ("source", _("Nguồn (bắt buộc)")),
    ("illustrative", _("1 nếu là số liệu minh hoạ")),
] + [
    col
    for code in INDICATORS
    for col in (
        (f"ct_{code}_value", _("Giá trị chỉ tiêu %(code)s") % {"code": code}),
        (f"ct_{code}_met", _("Chỉ tiêu %(code)s đạt: 1/0, có/không") % {"code": code}),
    )
]
COLUMN_NAMES = [name for name, _help in COLUMNS]
_TRUE = {"1", "x", "co", "có", "dat", "đạt", "true", "yes", "y"}
_FALSE = {"", "0", "khong", "không", "chua dat", "chưa đạt", "false", "no", "n"}


class ImportFailed(Exception):
    def __init__(self, errors: list[tuple[int, str]]):
        super().__init__(errors)
        self.errors = errors


def template_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMN_NAMES)
    example = {
        "commune": "Dương Xá, Gia Lâm",
        "legacy_commune": "Dương Xá, Gia Lâm",
        "year": "2022",  # as checked in public sources (products/demo.py: NTM_DEMO)
        "status": "kieu-mau",
        "model_field": "Chuyển đổi số (NTM thông minh)",
        "source": "Kế hoạch 236/KH-UBND",
        "ct_8.4_value": "đạt",
        "ct_8.4_met": "1",
    }
    writer.writerow([example.get(c, "") for c in COLUMN_NAMES])
    return out.getvalue()


def _cell_text(value) -> str:
    """A spreadsheet cell as the text a CSV would hold: dates as YYYY-MM-DD, whole numbers
    without ".0" (a year typed in a number cell)."""
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_rows(name: str, data: bytes) -> list[dict]:
    """The file's rows as dicts (header from the first line), for .csv or .xlsx."""
    if name.lower().endswith(".xlsx"):
        import openpyxl

        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise ImportFailed([(0, gettext("Không đọc được tệp XLSX: %s") % exc)]) from exc
        sheet = book.worksheets[0]
        lines = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    elif name.lower().endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportFailed([(0, gettext("Tệp CSV phải mã hoá UTF-8."))]) from exc
        # Excel set to Vietnamese (decimal comma) saves "CSV" with semicolons.
        first = text.split("\n", 1)[0]
        delimiter = ";" if first.count(";") > first.count(",") else ","
        lines = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    else:
        raise ImportFailed([(0, gettext("Chỉ nhận tệp .csv hoặc .xlsx."))])
    if not lines:
        raise ImportFailed([(0, gettext("Tệp trống."))])
    header = [str(h).strip() for h in lines[0]]
    unknown = [h for h in header if h and h not in COLUMN_NAMES]
    if unknown or "year" not in header or "status" not in header:
        raise ImportFailed(
            [
                (
                    1,
                    gettext("Dòng tiêu đề không đúng mẫu (cột lạ: %s).")
                    % ", ".join(unknown or ["—"]),
                )
            ]
        )
    rows = []
    for values in lines[1:]:
        row = {h: str(v).strip() for h, v in zip(header, values, strict=False) if h}
        rows.append(row)
    return rows


_STATUS_NAMES = {
    **{s.value: s.value for s in NtmStatus},
    "chua dat": NtmStatus.NOT_MET,
    "dat chuan": NtmStatus.STANDARD,
    "nang cao": NtmStatus.ADVANCED,
    "kieu mau": NtmStatus.MODEL,
}


def _status(text: str) -> str | None:
    from cms.search.text import fold

    return _STATUS_NAMES.get(fold(text).replace("ntm", "").strip(" -"), None)


def _date(text: str):
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _bool(text: str) -> bool | None:
    low = text.strip().lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    return None


def parse_row(row: dict) -> tuple[dict, list[str]]:
    errors = []
    commune = None
    code = row.get("commune_code", "")
    if code.isdigit() and len(code) < 5:
        code = code.zfill(5)  # a spreadsheet drops the leading zeros of "00565"
    if code:
        commune = Commune.objects.filter(code=code).first()
        if commune is None:
            errors.append(gettext("không có xã/phường mã “%s”") % code)
    elif row.get("commune"):
        commune = Commune.objects.resolve(row["commune"])
        if commune is None:
            errors.append(gettext("không tìm thấy xã/phường “%s”") % row["commune"])
    else:
        errors.append(gettext("thiếu mã hoặc tên xã/phường"))
    year = row.get("year", "")
    if not (year.isdigit() and 2010 <= int(year) <= 2100):
        errors.append(gettext("năm “%s” không hợp lệ") % year)
    status = _status(row.get("status", ""))
    if status is None:
        errors.append(gettext("kết quả “%s” không hợp lệ") % row.get("status", ""))
    model_field = row.get("model_field", "")
    if model_field and status != NtmStatus.MODEL:
        errors.append(gettext("lĩnh vực kiểu mẫu chỉ dùng cho NTM kiểu mẫu"))
    decision_date = None
    if row.get("decision_date"):
        decision_date = _date(row["decision_date"])
        if decision_date is None:
            errors.append(gettext("ngày quyết định “%s” không hợp lệ") % row["decision_date"])
    if not row.get("source"):
        errors.append(gettext("thiếu nguồn"))
    illustrative = _bool(row.get("illustrative", ""))
    if illustrative is None:
        errors.append(gettext("cột illustrative phải là 1 hoặc 0"))
    indicators = []
    for ind in INDICATORS:
        value = row.get(f"ct_{ind}_value", "")
        met_text = row.get(f"ct_{ind}_met", "")
        if not value and not met_text:
            continue
        met = _bool(met_text)
        if met is None:
            errors.append(
                gettext("chỉ tiêu %(code)s: “%(v)s” không phải đạt/không")
                % {"code": ind, "v": met_text}
            )
        indicators.append({"code": ind, "value": value[:100], "met": bool(met)})
    data = {
        "commune": commune,
        "year": int(year) if year.isdigit() else None,
        "status": status,
        "legacy_commune": row.get("legacy_commune", "")[:150],
        "model_field": model_field[:200],
        "decision_number": row.get("decision_number", "")[:60],
        "decision_date": decision_date,
        "source": row.get("source", "")[:300],
        "illustrative": bool(illustrative),
        "indicators": indicators,
    }
    return data, errors


def import_results(name: str, data: bytes, user=None) -> int:
    """Validate every row, then write all of them (create or update per commune and year) in
    one transaction; raise ImportFailed with (row number, message) pairs — row 1 is the
    header — and write nothing when any row is wrong."""
    rows = read_rows(name, data)
    parsed, errors, seen = [], [], {}
    for number, row in enumerate(rows, start=2):
        if not any(row.values()):
            continue
        item, row_errors = parse_row(row)
        key = (item["commune"] and item["commune"].pk, item["year"])
        if not row_errors and key in seen:
            row_errors.append(gettext("trùng xã và năm với dòng %d") % seen[key])
        seen.setdefault(key, number)
        errors.extend((number, message) for message in row_errors)
        parsed.append(item)
    if errors:
        raise ImportFailed(errors)
    if not parsed:
        raise ImportFailed([(0, gettext("Tệp không có dòng dữ liệu nào."))])
    with transaction.atomic():
        for item in parsed:
            indicators = item.pop("indicators")
            result, _created = NtmResult.objects.update_or_create(
                commune=item.pop("commune"), year=item.pop("year"), defaults=item
            )
            result.indicators.all().delete()
            for ind in indicators:
                NtmIndicator.objects.create(result=result, **ind)
            result.save_revision(user=user, log_action=True)
    return len(parsed)
