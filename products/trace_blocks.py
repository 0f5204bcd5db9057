"""The blocks a farmer fills in for each production stage of a batch (issue 19).

One stage is one critical tracking event in the sense of Circular 02/2024/TT-BKHCN: what was
done, when, where (commune and optional GPS), by whom, with which inputs (seed, feed,
fertiliser, pesticide… with their registration numbers) and photos. A StreamField of these
blocks rides on the batch's revisions, so an amendment after publication keeps its trail.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

STAGE_KINDS = [
    ("giong", _("Chọn giống, gieo trồng")),
    ("cham-soc", _("Chăm sóc, bón phân, phòng trừ sâu bệnh")),
    ("chan-nuoi", _("Chăn nuôi")),
    ("thu-hoach", _("Thu hoạch")),
    ("so-che", _("Sơ chế")),
    ("che-bien", _("Chế biến")),
    ("dong-goi", _("Đóng gói, dán tem")),
    ("bao-quan", _("Bảo quản, vận chuyển")),
    ("khac", _("Khác")),
]

INPUT_KINDS = [
    ("giong", _("Giống")),
    ("phan-bon", _("Phân bón")),
    ("thuoc-bvtv", _("Thuốc bảo vệ thực vật")),
    ("thuc-an", _("Thức ăn chăn nuôi")),
    ("thuoc-thu-y", _("Thuốc thú y")),
    ("nguyen-lieu", _("Nguyên liệu, phụ gia")),
    ("bao-bi", _("Bao bì")),
    ("khac", _("Khác")),
]

# Inputs whose use is regulated: a registration number (số đăng ký lưu hành / mã số) is asked.
REGISTERED_INPUTS = {"phan-bon", "thuoc-bvtv", "thuc-an", "thuoc-thu-y"}


class InputBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(choices=INPUT_KINDS, label=_("Loại vật tư"))
    name = blocks.CharBlock(max_length=200, label=_("Tên vật tư"))
    name_en = blocks.CharBlock(
        max_length=200, required=False, label=_("Tên vật tư (tiếng Anh, không bắt buộc)")
    )
    registration_number = blocks.CharBlock(
        max_length=80,
        required=False,
        label=_("Số đăng ký / mã số"),
        help_text=_("Bắt buộc với phân bón, thuốc BVTV, thức ăn chăn nuôi, thuốc thú y."),
    )
    quantity = blocks.CharBlock(
        max_length=80, required=False, label=_("Lượng dùng"), help_text=_("Ví dụ: 20 kg/sào.")
    )
    supplier = blocks.CharBlock(max_length=200, required=False, label=_("Nơi mua / nhà cung cấp"))

    class Meta:
        label = _("Vật tư đầu vào")
        icon = "pick"

    def clean(self, value):
        value = super().clean(value)
        if (
            value.get("kind") in REGISTERED_INPUTS
            and not (value.get("registration_number") or "").strip()
        ):
            raise StructBlockValidationError(
                block_errors={
                    "registration_number": ValidationError(
                        _("Vật tư này phải ghi số đăng ký lưu hành.")
                    )
                }
            )
        return value


class StageBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(choices=STAGE_KINDS, label=_("Công đoạn"))
    description = blocks.TextBlock(
        label=_("Đã làm gì"), help_text=_("Ví dụ: Gieo hạt giống lúa Bắc Thơm 7 trên 3 sào.")
    )
    started_on = blocks.DateBlock(label=_("Ngày bắt đầu"))
    ended_on = blocks.DateBlock(required=False, label=_("Ngày kết thúc"))
    commune = SnippetChooserBlock("products.Commune", required=False, label=_("Xã/phường"))
    place = blocks.CharBlock(
        max_length=200,
        required=False,
        label=_("Địa điểm"),
        help_text=_("Thôn, cánh đồng, nhà xưởng…"),
    )
    latitude = blocks.DecimalBlock(
        required=False,
        min_value=-90,
        max_value=90,
        decimal_places=6,
        label=_("Vĩ độ (GPS)"),
        help_text=_("Không bắt buộc. Ví dụ: 21.0134"),
    )
    longitude = blocks.DecimalBlock(
        required=False,
        min_value=-180,
        max_value=180,
        decimal_places=6,
        label=_("Kinh độ (GPS)"),
        help_text=_("Không bắt buộc. Ví dụ: 105.9612"),
    )
    performed_by = blocks.CharBlock(
        max_length=200, label=_("Người thực hiện"), help_text=_("Người hoặc tổ, hợp tác xã.")
    )
    # English, optional: officers translate when they review the batch; an English page shows
    # the Vietnamese (marked lang="vi") until then. Wagtail cannot hide a block's field per user.
    description_en = blocks.TextBlock(
        required=False,
        label=_("Đã làm gì (tiếng Anh, không bắt buộc)"),
        help_text=_("Cán bộ dịch khi duyệt lô; để trống thì trang tiếng Anh hiện bản tiếng Việt."),
    )
    place_en = blocks.CharBlock(
        max_length=200, required=False, label=_("Địa điểm (tiếng Anh, không bắt buộc)")
    )
    # Empty by default: a new stage must not start with a blank input or photo to fill in.
    inputs = blocks.ListBlock(InputBlock(), required=False, default=[], label=_("Vật tư đầu vào"))
    photos = blocks.ListBlock(ImageChooserBlock(), required=False, default=[], label=_("Ảnh"))

    class Meta:
        label = _("Công đoạn sản xuất")
        icon = "calendar-alt"
        form_classname = "trace-stage"

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        started, ended = value.get("started_on"), value.get("ended_on")
        if started and ended and ended < started:
            errors["ended_on"] = ValidationError(_("Ngày kết thúc phải sau ngày bắt đầu."))
        has_lat = value.get("latitude") is not None
        if has_lat != (value.get("longitude") is not None):
            field = "longitude" if has_lat else "latitude"
            errors[field] = ValidationError(_("Ghi cả vĩ độ và kinh độ, hoặc để trống cả hai."))
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value
