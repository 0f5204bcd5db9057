from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from shop.permissions import can_manage_orders

from . import admin_views
from .models import Experience, ExperienceSession


@hooks.register("register_admin_urls")
def register_experience_admin_urls():
    return [
        path(
            "trai-nghiem/buoi/",
            admin_views.SessionListView.as_view(),
            name="experiences_admin_sessions",
        ),
        path(
            "trai-nghiem/buoi/<int:pk>/",
            admin_views.ParticipantsView.as_view(),
            name="experiences_admin_participants",
        ),
        path(
            "trai-nghiem/buoi/<int:pk>/khach.csv",
            admin_views.ParticipantsCsvView.as_view(),
            name="experiences_admin_participants_csv",
        ),
        path(
            "trai-nghiem/tra-ve/",
            admin_views.TicketLookupView.as_view(),
            name="experiences_admin_lookup",
        ),
    ]


class ProducerMenuItem(MenuItem):
    def is_shown(self, request):
        return can_manage_orders(request.user)


@hooks.register("register_admin_menu_item")
def participants_menu_item():
    return ProducerMenuItem(
        _("Khách trải nghiệm"),
        reverse("experiences_admin_sessions"),
        name="experience-participants",
        icon_name="group",
        order=172,
    )


class ExperienceViewSet(SnippetViewSet):
    """Officers edit the rules and sessions (permissions given in experiences/demo.py)."""

    model = Experience
    icon = "date"
    menu_label = _("Trải nghiệm")
    list_display = ["product", "free_cancel_hours", "payment"]


class SessionViewSet(SnippetViewSet):
    model = ExperienceSession
    icon = "time"
    menu_label = _("Buổi trải nghiệm")
    list_display = ["experience", "date", "start_time", "capacity", "held", "booked", "status"]
    list_filter = ["status", "language"]


class ExperienceGroup(SnippetViewSetGroup):
    items = (ExperienceViewSet, SessionViewSet)
    menu_icon = "date"
    menu_label = _("Lịch trải nghiệm")
    menu_order = 173


register_snippet(ExperienceGroup)
