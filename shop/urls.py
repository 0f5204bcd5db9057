from django.urls import path

from . import restock_views, return_views, review_views, views
from .delivery import views as delivery

app_name = "shop"

urlpatterns = [
    path("cart/", views.cart_view, name="cart"),
    path("cart/add/", views.cart_add, name="cart_add"),
    path("csrf/", views.csrf_token, name="csrf"),
    path("cart/update/", views.cart_update, name="cart_update"),
    path("cart/remove/", views.cart_remove, name="cart_remove"),
    path("checkout/", views.checkout, name="checkout"),
    path("checkout/review/", views.review, name="review"),
    path("don-hang-cua-toi/", views.my_orders, name="my_orders"),
    path("orders/", views.order_list, name="orders"),
    path("orders/<str:reference>/", views.order_detail, name="order"),
    path("orders/<str:reference>/pay/", views.order_pay, name="order_pay"),
    path(
        "orders/<str:reference>/doi-tra/<int:part>/",
        return_views.request_return,
        name="request_return",
    ),
    path(
        "orders/<str:reference>/doi-tra/anh/<int:photo>/",
        return_views.return_photo,
        name="return_photo",
    ),
    path(
        "orders/<str:reference>/danh-gia/<int:line>/",
        review_views.write_review,
        name="write_review",
    ),
    path("danh-gia/<int:product>/", review_views.product_reviews, name="product_reviews"),
    path("danh-gia/anh/<int:photo>/", review_views.review_photo, name="review_photo"),
    path("track/", views.track, name="track"),
    path("bao-khi-co-hang/", restock_views.subscribe, name="restock"),
    path(
        "bao-khi-co-hang/xac-nhan/<str:token>/",
        restock_views.confirm,
        name="restock_confirm",
    ),
    path(
        "bao-khi-co-hang/huy/<str:token>/",
        restock_views.unsubscribe,
        name="restock_unsubscribe",
    ),
    path("stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
    path(
        "payments/bank-transfer/webhook/",
        views.bank_transfer_webhook,
        name="bank_transfer_webhook",
    ),
    path("api/communes/", delivery.communes, name="communes"),
    path("api/delivery-estimate/", delivery.estimate, name="delivery_estimate"),
    path("delivery/webhook/<slug:carrier>/", delivery.webhook, name="carrier_webhook"),
    path("orders/<str:reference>/status.json", views.order_status, name="order_status"),
    path("orders/<str:reference>/vietqr.svg", views.order_qr, name="order_qr"),
]
