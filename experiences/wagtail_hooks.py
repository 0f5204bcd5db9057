from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from shop.permissions import can_manage_orders

from . import admin_views, bookings
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


class _OwnSessionMixin:
    """Views that load one session refuse a session of another producer's experience (Wagtail's
    snippet permissions are per model; bookings.may_manage is the rule)."""

    def get_object(self, *args, **kwargs):
        session = super().get_object(*args, **kwargs)
        if isinstance(session, ExperienceSession) and not bookings.may_manage(
            self.request.user, session
        ):
            raise PermissionDenied
        return session


def _own(view_class):
    return type(view_class.__name__, (_OwnSessionMixin, view_class), {})


class SessionDeleteView(_OwnSessionMixin, snippet_views.DeleteView):
    """A session somebody booked is cancelled (its status), never deleted: its tickets and the
    orders keep pointing at it."""

    def form_valid(self, form):
        session = self.object
        if session.held or session.booked or session.tickets.exists():
            messages.error(
                self.request,
                _("Buổi đã có khách đặt: hãy chuyển trạng thái sang “Đã hủy” thay vì xóa."),
            )
            return redirect(reverse(self.index_url_name))
        return super().form_valid(form)


class SessionViewSet(SnippetViewSet):
    """Producers schedule the sessions of their own experiences; officers all of them."""

    model = ExperienceSession
    icon = "time"
    menu_label = _("Buổi trải nghiệm")
    list_display = ["experience", "date", "start_time", "capacity", "held", "booked", "status"]
    list_filter = ["status", "language"]
    copy_view_enabled = False
    inspect_view_enabled = False
    edit_view_class = _own(snippet_views.EditView)
    delete_view_class = SessionDeleteView
    usage_view_class = _own(snippet_views.UsageView)
    history_view_class = _own(snippet_views.HistoryView)

    def get_queryset(self, request):
        return bookings.sessions_for(request.user)


class ExperienceGroup(SnippetViewSetGroup):
    items = (ExperienceViewSet, SessionViewSet)
    menu_icon = "date"
    menu_label = _("Lịch trải nghiệm")
    menu_order = 173


register_snippet(ExperienceGroup)
