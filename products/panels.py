"""The product edit form, short and ordered the way a farmer thinks about a product.

Name → photos → prices and units → description → category and origin → OCOP certificate. OCOP
certification (and the home-page highlight) is editable only with ``products.certify_ocop``
(officers); everyone else sees the values read-only and the form does not even contain the
fields, so a farmer cannot award itself stars by posting them.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    TitleFieldPanel,
)

CERTIFY_PERMISSION = "products.certify_ocop"


class VariantsPanel(InlinePanel):
    """The variant rows with products.forms.VariantForm (units on hand beside the price, SKU
    optional), so a new product goes live with its stock."""

    def get_form_options(self):
        from wagtail.admin.panels.base import get_form_for_model

        from .forms import VariantForm

        options = super().get_form_options()
        formset = options["formsets"][self.relation_name]
        extra = {}
        # The same source Wagtail's InlinePanel reads them from.
        deferred = self.child_edit_handler.get_form_options().get("defer_required_on_fields")
        if deferred:
            extra["defer_required_on_fields"] = deferred
        formset["form"] = get_form_for_model(
            self.db_field.related_model,
            form_class=VariantForm,
            fields=formset["fields"],
            widgets=formset["widgets"],
            **extra,
        )
        return options


class ReadOnlyUnlessPermittedPanel(FieldPanel):
    """A read-only view of a field, shown only to users *without* `permission_to_edit`
    (those with it get the editable FieldPanel for the same field)."""

    def __init__(self, field_name, permission_to_edit=CERTIFY_PERMISSION, **kwargs):
        kwargs["read_only"] = True
        kwargs.pop("permission", None)
        super().__init__(field_name, **kwargs)
        self.permission_to_edit = permission_to_edit

    def clone_kwargs(self):
        kwargs = super().clone_kwargs()
        kwargs["permission_to_edit"] = self.permission_to_edit
        return kwargs

    def format_value_for_display(self, value):
        if value is None or value == "":
            return _("Chưa có")
        if value is True:
            return _("Có")
        if value is False:
            return _("Không")
        if hasattr(value, "strftime"):
            return value.strftime("%d/%m/%Y")
        return super().format_value_for_display(value)

    class BoundPanel(FieldPanel.BoundPanel):
        def is_shown(self):
            if self.request and self.request.user.has_perm(self.panel.permission_to_edit):
                return False
            return super().is_shown()


def officer_field(name: str, **kwargs) -> list:
    """The editable panel for officers and its read-only twin for everyone else."""
    return [
        FieldPanel(name, permission=CERTIFY_PERMISSION, **kwargs),
        ReadOnlyUnlessPermittedPanel(name, **kwargs),
    ]


def product_content_panels() -> list:
    return [
        TitleFieldPanel(
            "title",
            heading=_("Tên sản phẩm"),
            help_text=_("Tên người mua sẽ thấy, ví dụ: Trà Lộc, Gốm men lam Bát Tràng."),
        ),
        InlinePanel(
            "images",
            label=_("Ảnh sản phẩm"),
            help_text=_(
                "Ảnh đầu tiên là ảnh chính. Chụp rõ, đủ sáng; ảnh JPEG, PNG, WebP hoặc HEIC "
                "từ điện thoại đều được."
            ),
            min_num=0,
        ),
        FieldPanel("new_photos"),  # products.forms.ProductPageForm: several photos at once
        VariantsPanel(
            "variants",
            label=_("Quy cách, giá và tồn kho"),
            help_text=_(
                "Mỗi dòng là một cách bán: ví dụ Hộp 100 g giá 150000, đang có 12 hộp. "
                "Giá ghi số nguyên, đơn vị đồng. Mã SKU để trống thì hệ thống tự đặt."
            ),
            min_num=1,
        ),
        FieldPanel(
            "summary",
            heading=_("Mô tả ngắn"),
            help_text=_("Một câu giới thiệu hiện dưới tên sản phẩm (tối đa 300 ký tự)."),
        ),
        FieldPanel(
            "body",
            heading=_("Mô tả chi tiết"),
            help_text=_("Nguyên liệu, cách làm, cách dùng, bảo quản."),
        ),
        FieldRowPanel(
            [
                # Plain drop-downs: simpler on a phone than the snippet chooser pop-up.
                FieldPanel(
                    "category",
                    widget=forms.Select,
                    help_text=_("Nhóm sản phẩm theo Chương trình OCOP."),
                ),
                FieldPanel(
                    "origin_commune",
                    widget=forms.Select,
                    help_text=_("Nơi sản xuất ra sản phẩm."),
                ),
            ]
        ),
        FieldPanel("gtin"),
        MultiFieldPanel(
            [FieldPanel("alcohol_abv"), FieldPanel("age_restricted"), FieldPanel("licence_number")],
            heading=_("Hàng hạn chế (rượu, đồ uống có cồn)"),
        ),
        MultiFieldPanel(
            [
                *officer_field("ocop_stars"),
                *officer_field("potential_five_star"),
                *officer_field("ocop_decision_number"),
                *officer_field("ocop_decision_date"),
                *officer_field("ocop_year"),
                *officer_field("ocop_recognising_body"),
                *officer_field("ocop_revoked"),
                *officer_field("featured"),
            ],
            heading=_("Chứng nhận OCOP"),
            help_text=_(
                "Do cán bộ OCOP cập nhật theo quyết định công nhận. Nếu thông tin chưa đúng, "
                "hãy báo cán bộ xã/phường."
            ),
        ),
    ]
