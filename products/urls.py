from django.urls import path, re_path

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

# GS1 Digital Link URIs (no trailing slash in the standard; one is tolerated). Mounted at the
# site root, outside the language prefix: a QR code printed on a pack never changes.
digital_link_patterns = [
    re_path(
        r"^01/(?P<gtin>[0-9]{8,14})/10/(?P<lot>[A-Za-z0-9_-]{1,40})/?$",
        views.digital_link,
        name="digital_link_lot",
    ),
    re_path(r"^01/(?P<gtin>[0-9]{8,14})/?$", views.digital_link, name="digital_link"),
]
