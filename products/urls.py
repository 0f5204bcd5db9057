from django.urls import path

from . import views

app_name = "products"

urlpatterns = [
    path("truy-xuat/<slug:code>/", views.batch_detail, name="batch"),
    path("truy-xuat/<slug:code>/qr.svg", views.batch_qr, name="batch_qr"),
    path(
        "open-data/ntm-communes.csv",
        views.ntm_dataset,
        {"name": "ntm-communes.csv"},
        name="ntm_csv",
    ),
    path(
        "open-data/ntm-communes.geojson",
        views.ntm_dataset,
        {"name": "ntm-communes.geojson"},
        name="ntm_geojson",
    ),
]
