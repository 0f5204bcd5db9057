"""Admin for farmers and officers: menus, onboarding, stock screen, reference-data snippets."""

from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.action_menu import SubmitForModerationMenuItem
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import HeaderButton
from wagtail.signals import page_published
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet, SnippetViewSetGroup

from . import admin_views
from .models import Commune, NtmResult, OcopCategory, ProducerPage
from .permissions import can_manage_stock, is_officer, producer_pages_for, producer_slugs_for
from .trace_admin import TraceabilityBatchViewSet
from .trace_admin import admin_urls as trace_admin_urls


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("ocop/chu-the/moi/", admin_views.OnboardingView.as_view(), name="ocop_onboard"),
        path("ocop/ton-kho/", admin_views.StockView.as_view(), name="ocop_stock"),
        path("ocop/ntm/nhap/", admin_views.NtmImportView.as_view(), name="ocop_ntm_import"),
        path("ocop/ntm/mau.csv", admin_views.ntm_template, name="ocop_ntm_template"),
        path(
            "ocop/nguoi-ban/", admin_views.SellerIdentityView.as_view(), name="ocop_seller_identity"
        ),
        path(
            "ocop/doi-mat-khau/",
            admin_views.FirstPasswordView.as_view(),
            name="ocop_first_password",
        ),
        path(
            "ocop/ton-kho/lich-su/",
            admin_views.StockHistoryView.as_view(),
            name="ocop_stock_history",
        ),
        path("ocop/san-pham-cua-toi/", admin_views.my_products, name="ocop_my_products"),
        *trace_admin_urls(),
    ]


class _ShownIf(MenuItem):
    def __init__(self, *args, test, **kwargs):
        super().__init__(*args, **kwargs)
        self.test = test

    def is_shown(self, request):
        return self.test(request.user)


@hooks.register("register_admin_menu_item")
def my_products_menu_item():
    return _ShownIf(
        _("Sản phẩm của tôi"),
        reverse("ocop_my_products"),
        name="ocop-my-products",
        icon_name="folder-open-inverse",
        order=150,
        test=lambda user: bool(producer_slugs_for(user)) and not is_officer(user),
    )


@hooks.register("register_admin_menu_item")
def seller_identity_menu_item():
    return _ShownIf(
        _("Thông tin người bán"),
        reverse("ocop_seller_identity"),
        name="ocop-seller-identity",
        icon_name="user",
        order=165,
        test=can_manage_stock,
    )


@hooks.register("register_admin_menu_item")
def stock_menu_item():
    return _ShownIf(
        _("Tồn kho"),
        reverse("ocop_stock"),
        name="ocop-stock",
        icon_name="list-ul",
        order=160,
        test=can_manage_stock,
    )


@hooks.register("register_admin_menu_item")
def onboarding_menu_item():
    return _ShownIf(
        _("Thêm chủ thể OCOP"),
        reverse("ocop_onboard"),
        name="ocop-onboard",
        icon_name="group",
        order=170,
        test=is_officer,
    )


class CommuneViewSet(SnippetViewSet):
    model = Commune
    icon = "site"
    menu_label = _("Xã/phường")
    list_display = ["name", "kind", "province", "code"]
    list_filter = ["province", "kind"]
    # The ORM searches these: the name as typed, the folded name ("hoan kiem"), the code.
    search_fields = ["name", "folded_name", "code"]
    search_backend_name = None


class OcopCategoryViewSet(SnippetViewSet):
    model = OcopCategory
    icon = "tag"
    menu_label = _("Ngành hàng OCOP")
    list_display = ["code", "name", "parent"]


class NtmResultIndexView(IndexView):
    """The NTM results list, with the way to the file import beside "add" (only officers
    reach this list: the model's permissions are theirs, products/roles.py)."""

    @cached_property
    def header_buttons(self):
        return [
            *super().header_buttons,
            HeaderButton(
                _("Nhập từ tệp CSV/XLSX"), url=reverse("ocop_ntm_import"), icon_name="upload"
            ),
        ]


class NtmResultViewSet(SnippetViewSet):
    """NTM results per commune and year: officers keep them (revisions), or import a file."""

    model = NtmResult
    index_view_class = NtmResultIndexView
    icon = "doc-full-inverse"
    menu_label = _("Kết quả NTM")
    list_display = ["commune", "year", "status", "decision_number", "illustrative"]
    list_filter = ["status", "year", "illustrative"]


class ReferenceDataGroup(SnippetViewSetGroup):
    menu_label = _("Dữ liệu OCOP")
    menu_icon = "folder-inverse"
    menu_order = 180
    items = (CommuneViewSet, OcopCategoryViewSet, NtmResultViewSet)


register_snippet(ReferenceDataGroup)
register_snippet(TraceabilityBatchViewSet)  # products/trace_admin.py: farmers keep their own


@hooks.register("construct_admin_api", order=100)  # after wagtail.images registers its endpoint
def restrict_admin_image_api(router):
    """Wagtail's admin image API lists every image to any admin user; a farmer must only see
    images in collections it may choose from (its own), officers and admins all of them."""
    from wagtail.images import get_image_model
    from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
    from wagtail.permissions import policy_registry

    permission_policy = policy_registry.get_by_type(get_image_model())

    class CollectionPermittedImagesAPIViewSet(ImagesAdminAPIViewSet):
        def get_queryset(self):
            allowed = permission_policy.instances_user_has_any_permission_for(
                self.request.user, ["choose", "change"]
            )
            return super().get_queryset().filter(pk__in=allowed.values("pk"))

    router.register_endpoint("images", CollectionPermittedImagesAPIViewSet)


@hooks.register("construct_page_chooser_queryset")
def hide_other_producers_drafts_in_page_chooser(pages, request):
    """The page chooser (internal links) browses the whole tree for any admin user: a farmer
    sees its own subtree and others' live pages — but not a live page with unpublished changes,
    whose listed title would be the draft's (`draft_title`)."""
    from django.db.models import Q
    from wagtail.models import Page

    user = request.user
    if is_officer(user):
        return pages
    own = Q(pk__in=[])
    for producer in producer_pages_for(user).only("path"):
        own |= Q(path__startswith=producer.path)
    # (Filtered by id and path only: the chooser's search runs on the search index, where
    # those are filter fields and `has_unpublished_changes` is not.)
    pending = list(
        Page.objects.filter(live=True, has_unpublished_changes=True)
        .exclude(own)
        .values_list("pk", flat=True)
    )
    return pages.filter(Q(live=True) | own).exclude(id__in=pending)


def _producer_published(sender, instance, **kwargs):
    from .roles import sync_producer_group_name

    sync_producer_group_name(instance)


page_published.connect(_producer_published, sender=ProducerPage, dispatch_uid="ocop-group-slug")


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def write_stock_typed_in_the_product_form(request, page):
    """The units on hand typed beside each variant (products.forms) go through the stock
    service once the page is saved — never into the revision."""
    changes = getattr(page, "_stock_changes", None)
    if not changes:
        return
    from django.contrib import messages

    from .stock import StockConflict, set_many

    try:
        set_many(changes, user=request.user, reason="Biểu mẫu sản phẩm")
    except StockConflict as conflict:
        messages.warning(
            request,
            _(
                "Chưa cập nhật tồn kho của %(skus)s: vừa có đơn hàng hoặc người khác thay đổi. "
                "Hãy kiểm tra lại ở mục Tồn kho."
            )
            % {"skus": ", ".join(c.sku for c in conflict.conflicts)},
        )
    except ValueError as error:
        messages.error(request, str(error))


class SendForReviewMenuItem(SubmitForModerationMenuItem):
    """Wagtail's submit-to-workflow action, labelled the way a farmer says it."""

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        page = context.get("page")
        state = page.current_workflow_state if page else None
        if state and state.status == state.STATUS_NEEDS_CHANGES:
            context["label"] = _("Gửi duyệt lại")
        else:
            context["label"] = _("Gửi duyệt")
        return context


@hooks.register("construct_page_action_menu")
def send_for_review_first(menu_items, request, context):
    """A farmer cannot publish: its main button is "Gửi duyệt" (send for review), with
    "Lưu nháp" (save draft) second — not a draft button with the review hidden in a menu."""
    submit = next((i for i in menu_items if isinstance(i, SubmitForModerationMenuItem)), None)
    if submit is None or any(getattr(i, "name", "") == "action-publish" for i in menu_items):
        return
    menu_items.remove(submit)
    menu_items.insert(0, SendForReviewMenuItem(order=submit.order))


@hooks.register("construct_homepage_panels")
def what_needs_doing_first(request, panels):
    """Producers and officers see their own work at the top of the admin home."""
    from .dashboard import home_panels

    panels[:0] = home_panels(request)


@hooks.register("insert_editor_js")
def name_the_rich_text_editor():
    from django.templatetags.static import static
    from django.utils.html import format_html

    return format_html('<script src="{}" defer></script>', static("products/admin-a11y.js"))


@hooks.register("construct_reports_menu")
def page_types_report_for_officers(request, menu_items):
    """Wagtail's "page types usage" report names the last edited page of every type across the
    site (its draft title): only officers see it (its URL is guarded in admin_overrides.py)."""
    if not is_officer(request.user):
        menu_items[:] = [item for item in menu_items if item.name != "page-types-usage"]
