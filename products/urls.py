from django.urls import path

from . import views

app_name = "products"

urlpatterns = [
    path("truy-xuat/<slug:code>/", views.batch_detail, name="batch"),
    path("truy-xuat/<slug:code>/qr.svg", views.batch_qr, name="batch_qr"),
]
