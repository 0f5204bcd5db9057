from django.urls import path

from . import plaques, views

app_name = "tours"

urlpatterns = [
    path("ban-do/", views.map_page, name="map"),
    # Map tiles through the site (tours/tilerelay.py, MAP_TILE_RELAY).
    path("ban-do/o/<int:z>/<int:x>/<int:y>.png", views.map_tile, name="map_tile"),
    # Embeds for other sites' iframes (framing allowed only from EMBED_ALLOWED_ORIGINS).
    path("embed/map/", views.embed_map, name="embed_map"),
    path("embed/tour/<int:page_id>/", views.embed_tour, name="embed_tour"),
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
    # OGC API – Features (tours/ogc.py)
    path("open-data/ogc/", views.ogc_landing, name="ogc_landing"),
    path("open-data/ogc/conformance", views.ogc_conformance, name="ogc_conformance"),
    path("open-data/ogc/api", views.ogc_api, name="ogc_api"),
    path("open-data/ogc/collections", views.ogc_collections, name="ogc_collections"),
    path(
        "open-data/ogc/collections/<str:collection_id>",
        views.ogc_collection,
        name="ogc_collection",
    ),
    path(
        "open-data/ogc/collections/<str:collection_id>/items",
        views.ogc_items,
        name="ogc_items",
    ),
    path(
        "open-data/ogc/collections/<str:collection_id>/items/<str:feature_id>",
        views.ogc_item,
        name="ogc_item",
    ),
    path("du-lich/bien-qr/<int:page_id>/", plaques.plaque_sheet, name="plaques"),
]
