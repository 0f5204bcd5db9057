"""The home page's tourism section (registered with cms.home from ToursConfig.ready)."""

from cms import home
from cms.visibility import public


def tour_sites(request, site) -> dict:
    from .models import TourSitePage

    return {
        "tour_sites": public(TourSitePage, site).select_related("commune").order_by("title")[:6]
    }


def register_home_sections() -> None:
    home.register(home.Section("tour-sites", tour_sites, ("tours",), order=30))
