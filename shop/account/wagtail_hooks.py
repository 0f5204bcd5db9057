"""Officers see buyers' data requests (exports and erasures, done or refused) in the admin,
read-only: the controller's record of what was asked and what was done. Nobody adds, edits or
deletes them there; shop/privacy.py writes them.

Wagtail loads only app-level wagtail_hooks modules: shop/wagtail_hooks.py imports this one.
Access follows the other officer screens (shop.permissions.is_officer), through a permission
policy that grants "view" to officers and nothing to anyone else.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from products.roles import OFFICER_GROUP

from ..models import DataRequest
from ..permissions import is_officer


class OfficersMayViewPolicy(BasePermissionPolicy):
    """Officers may view; no one may add, change or delete (not even superusers)."""

    def user_has_permission(self, user, action):
        return action == "view" and is_officer(user)

    def user_has_any_permission(self, user, actions):
        return "view" in actions and is_officer(user)

    def users_with_any_permission(self, actions):
        users = get_user_model().objects.filter(is_active=True)
        if "view" not in actions:
            return users.none()
        return users.filter(Q(is_superuser=True) | Q(groups__name=OFFICER_GROUP)).distinct()


register_permission_policy(DataRequest, OfficersMayViewPolicy(DataRequest), exact_class=True)


class DataRequestViewSet(ModelViewSet):
    model = DataRequest
    name = "yeu-cau-du-lieu"
    icon = "lock"
    menu_label = _("Yêu cầu về dữ liệu cá nhân")
    menu_order = 178
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = ["kind", "status", "reference", "note", "created_at", "completed_at"]
    list_filter = ["kind", "status"]
    inspect_view_fields = ["kind", "status", "reference", "note", "created_at", "completed_at"]
    search_fields = ["reference", "note"]
    search_backend_name = None  # the ORM: these rows are not in the search index
    ordering = "-created_at"

    def get_permissions_to_register(self):
        return []  # nothing to grant in the group editor: the policy decides

    def get_urlpatterns(self):
        """Only the list and each request's details: no add, edit, copy or delete views."""
        conv = self.pk_path_converter
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path(f"inspect/<{conv}:pk>/", self.inspect_view, name="inspect"),
        ]


@hooks.register("register_admin_viewset")
def register_data_requests():
    return DataRequestViewSet()
