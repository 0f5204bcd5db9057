"""Enqueue panorama tiling whenever an editor saves a virtual tour (draft or published)."""

from wagtail import hooks

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
