"""Enqueue panorama tiling whenever an editor saves a virtual tour (draft or published), and
offer the printable QR plaques of a live tour in its action menus."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import ListingButton

from .models import VirtualTourPage


def _request_scene_tiles(request, page):
    page = page.specific
    if not isinstance(page, VirtualTourPage):
        return
    from .tasks import request_tiles

    seen = set()
    for scene in page.scenes.all():  # in-memory cluster: includes unpublished draft scenes
        if scene.panorama_id and scene.panorama_id not in seen:
            seen.add(scene.panorama_id)
            request_tiles(scene.panorama)


hooks.register("after_create_page", _request_scene_tiles)
hooks.register("after_edit_page", _request_scene_tiles)


class _PlaquesButton(ListingButton):
    allow_in_dropdown = True


def _plaque_buttons(page, user, *args, **kwargs):
    """ "QR plaques" in a live tour's action menus (listing and page header)."""
    kind = getattr(page, "specific_class", None) or type(page)
    if issubclass(kind, VirtualTourPage) and page.live:
        yield _PlaquesButton(
            _("In biển QR các cảnh"),
            reverse("tours:plaques", args=[page.pk]),
            icon_name="doc-full",
            attrs={"target": "_blank", "rel": "noopener"},
            priority=70,
        )


hooks.register("register_page_listing_more_buttons", _plaque_buttons)
hooks.register("register_page_header_buttons", _plaque_buttons)
