from django.urls import path

from . import views

app_name = "search"

urlpatterns = [
    path("api/search/", views.api_search, name="api"),
    path("api/search/suggest/", views.api_suggest, name="suggest"),
    path("tim-kiem/", views.search_page, name="page"),
]
