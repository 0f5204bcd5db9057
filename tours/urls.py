from django.urls import path

from . import plaques, views

app_name = "tours"

urlpatterns = [
    path("ban-do/", views.map_page, name="map"),
    path("open-data/", views.open_data_index, name="open_data"),
    path(
        "open-data/tourism-sites.geojson",
        views.dataset,
        {"name": "tourism-sites.geojson"},
        name="sites_geojson",
    ),
    path(
        "open-data/producers.geojson",
        views.dataset,
        {"name": "producers.geojson"},
        name="producers_geojson",
    ),
    path("open-data/products.csv", views.dataset, {"name": "products.csv"}, name="products_csv"),
    path(
        "open-data/tourism-sites.csv",
        views.dataset,
        {"name": "tourism-sites.csv"},
        name="sites_csv",
    ),
    path("open-data/tours.csv", views.dataset, {"name": "tours.csv"}, name="tours_csv"),
    path("du-lich/bien-qr/<int:page_id>/", plaques.plaque_sheet, name="plaques"),
]
