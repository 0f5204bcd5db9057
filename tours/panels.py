"""Admin panel: the tile status of each scene's panorama, so editors see failures and progress."""

from wagtail.admin.panels import Panel


def tile_status_rows(page) -> list[dict]:
    from .models import PanoramaTiles
    from .tasks import image_hash

    rows = []
    if page is None or not page.pk:
        return rows
    for scene in page.scenes.all():
        image = scene.panorama if scene.panorama_id else None
        record = None
        if image is not None:
            record = PanoramaTiles.objects.filter(image=image, file_hash=image_hash(image)).first()
        rows.append(
            {
                "scene": scene.title,
                "image": image.title if image else "",
                "status": record.get_status_display() if record else "—",
                "state": record.status if record else "none",
                "error": record.error if record else "",
                "levels": record.config.get("maxLevel") if record and record.config else None,
            }
        )
    return rows


class TileStatusPanel(Panel):
    class BoundPanel(Panel.BoundPanel):
        template_name = "tours/admin/tile_status_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["rows"] = tile_status_rows(self.instance)
            return context
