"""Tours' indicator on the Plan 236 dashboard (cms/dashboard.py), registered from
ToursConfig.ready: public 360° virtual tours and the scenes each shows (the scenes a visitor
can open: `tours.viewer.shown_scenes`, the count the tours.csv open-data file gives).
"""

from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from cms import dashboard as dash
from cms.datacache import pages_version
from cms.visibility import public

from .models import TourSitePage, VirtualTourPage
from .opendata import live_tours
from .viewer import shown_scenes


def tours_and_scenes(filters: dash.Filters) -> list[dict]:
    tours = list(live_tours())
    parents = {t.path[: -VirtualTourPage.steplen] for t in tours}
    sites = {
        s.path: s for s in public(TourSitePage).filter(path__in=parents).select_related("commune")
    }
    rows = []
    for tour in tours:
        site = sites.get(tour.path[: -VirtualTourPage.steplen])
        if filters.commune and not (site and site.commune and site.commune.code == filters.commune):
            continue
        rows.append(
            {
                "tour": tour.title,
                "site": site.title if site else "",
                "scenes": len(shown_scenes(tour.scenes.all())),
            }
        )
    return sorted(rows, key=lambda r: (-r["scenes"], r["tour"]))


def register_indicators() -> None:
    dash.register(
        dash.Indicator(
            key="tours-scenes",
            title=_("Tham quan ảo 360° và số cảnh"),
            definition=_(
                "Các tour tham quan ảo đang công khai và số cảnh toàn cảnh mỗi tour cho xem "
                "(cảnh đã có ảnh 360°)."
            ),
            columns=(
                dash.Column("tour", _("Tour tham quan ảo"), dash.TEXT),
                dash.Column("scenes", _("Số cảnh")),
                dash.Column("site", _("Điểm du lịch"), dash.TEXT, chart=False),
            ),
            compute=tours_and_scenes,
            chart=dash.BAR,
            order=70,
            uses_commune=True,
            summary=lambda rows: [
                (_("Tour tham quan ảo"), len(rows), dash.COUNT),
                (_("Cảnh 360°"), sum(r["scenes"] for r in rows), dash.COUNT),
            ],
            version=pages_version,
            cache_tags=("tours",),
            modified=lambda: public(VirtualTourPage).aggregate(m=Max("last_published_at"))["m"],
        )
    )
