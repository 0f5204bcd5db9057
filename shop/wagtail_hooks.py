from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views, money_views, return_views, review_views
from .account import wagtail_hooks as account_hooks  # noqa: F401  (data requests)
from .delivery import admin_views as delivery_admin


@hooks.register("register_admin_urls")
def register_shop_admin_urls():
    return [
        path("shop/orders/", admin_views.OrderListView.as_view(), name="shop_admin_orders"),
        path(
            "shop/orders/export.csv",
            admin_views.OrderExportView.as_view(),
            name="shop_admin_orders_csv",
        ),
        path("shop/chi-tra/", money_views.PayoutsView.as_view(), name="shop_admin_payouts"),
        path(
            "shop/chi-tra/<int:pk>.csv",
            money_views.PayoutCsvView.as_view(),
            name="shop_admin_payout_csv",
        ),
        path("shop/so-du/", money_views.BalanceView.as_view(), name="shop_admin_balance"),
        path(
            "shop/so-du/sao-ke.csv",
            money_views.StatementCsvView.as_view(),
            name="shop_admin_statement_csv",
        ),
        path(
            "shop/bank-transactions/",
            admin_views.BankTransactionsView.as_view(),
            name="shop_admin_bank_transactions",
        ),
        path(
            "shop/orders/<str:reference>/",
            admin_views.OrderDetailView.as_view(),
            name="shop_admin_order",
        ),
        path(
            "shop/orders/<str:reference>/phieu-giao/<int:part>/",
            admin_views.PackingSlipView.as_view(),
            name="shop_admin_packing_slip",
        ),
        path(
            "shop/orders/<str:reference>/van-don/<int:part>/",
            delivery_admin.CreateShipmentView.as_view(),
            name="shop_admin_create_shipment",
        ),
        path(
            "shop/orders/<str:reference>/nhan/<int:part>/",
            delivery_admin.LabelView.as_view(),
            name="shop_admin_label",
        ),
        path(
            "shop/orders/<str:reference>/tra-cuu/<int:part>/",
            delivery_admin.TrackView.as_view(),
            name="shop_admin_track",
        ),
        path("shop/doi-tra/", return_views.ReturnListView.as_view(), name="shop_admin_returns"),
        path("shop/danh-gia/", review_views.ReviewListView.as_view(), name="shop_admin_reviews"),
        path(
            "shop/danh-gia/<int:pk>/",
            review_views.ReviewActionView.as_view(),
            name="shop_admin_review_action",
        ),
        path(
            "shop/danh-gia/anh/<int:photo>/",
            review_views.AdminReviewPhotoView.as_view(),
            name="shop_admin_review_photo",
        ),
        path(
            "shop/doi-tra/<int:pk>/",
            return_views.ReturnActionView.as_view(),
            name="shop_admin_return_action",
        ),
        path(
            "shop/doi-tra/anh/<int:photo>/",
            return_views.AdminPhotoView.as_view(),
            name="shop_admin_return_photo",
        ),
        path(
            "shop/giao-hang/",
            delivery_admin.DeliverySettingsView.as_view(),
            name="shop_admin_delivery",
        ),
    ]


class OrdersMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.menu_visible(request.user)


@hooks.register("register_admin_menu_item")
def orders_menu_item():
    return OrdersMenuItem(
        _("Đơn hàng"),
        reverse("shop_admin_orders"),
        name="shop-orders",
        icon_name="list-ul",
        order=170,
    )


@hooks.register("insert_global_admin_css")
def phone_friendly_order_and_stock_screens():
    return format_html('<link rel="stylesheet" href="{}">', static("shop/admin.css"))


@hooks.register("construct_homepage_panels")
def orders_needing_attention(request, panels):
    from .dashboard import home_panels

    panels[:0] = home_panels(request)


class OfficerMenuItem(MenuItem):
    def is_shown(self, request):
        from .permissions import is_officer

        return is_officer(request.user)


@hooks.register("register_admin_menu_item")
def bank_transactions_menu_item():
    return OfficerMenuItem(
        _("Giao dịch ngân hàng"),
        reverse("shop_admin_bank_transactions"),
        name="shop-bank-transactions",
        icon_name="doc-full",
        order=175,
    )


@hooks.register("register_admin_menu_item")
def returns_menu_item():
    return OfficerMenuItem(
        _("Đổi trả và khiếu nại"),
        reverse("shop_admin_returns"),
        name="shop-returns",
        icon_name="warning",
        order=174,
    )


@hooks.register("register_admin_menu_item")
def reviews_menu_item():
    return OrdersMenuItem(
        _("Đánh giá sản phẩm"),
        reverse("shop_admin_reviews"),
        name="shop-reviews",
        icon_name="pick",
        order=173,
    )


@hooks.register("register_admin_menu_item")
def payouts_menu_item():
    return OfficerMenuItem(
        _("Chi trả cho chủ thể"),
        reverse("shop_admin_payouts"),
        name="shop-payouts",
        icon_name="doc-full",
        order=176,
    )


class ProducerMenuItem(MenuItem):
    def is_shown(self, request):
        from .permissions import producer_ids_for

        return bool(producer_ids_for(request.user))


@hooks.register("register_admin_menu_item")
def delivery_menu_item():
    return ProducerMenuItem(
        _("Cài đặt giao hàng"),
        reverse("shop_admin_delivery"),
        name="shop-delivery",
        icon_name="site",
        order=172,
    )


@hooks.register("register_admin_menu_item")
def balance_menu_item():
    return ProducerMenuItem(
        _("Số dư và sao kê"),
        reverse("shop_admin_balance"),
        name="shop-balance",
        icon_name="doc-full",
        order=171,
    )
