from django.urls import path

from . import views

app_name = "experiences"

urlpatterns = [
    path("ve/<str:token>/", views.ticket, name="ticket"),
    path("ve/<str:token>/qr.svg", views.ticket_qr, name="ticket_qr"),
    path("ve/<str:token>/den/", views.check_in, name="check_in"),
    path("huy/<str:reference>/", views.cancel, name="cancel"),
]
