"""The home page's tourism section (registered with cms.home from ToursConfig.ready)."""

from cms import cache, home
from cms.visibility import public


def tour_sites(request, site) -> dict:
    """The first six tourism sites by title. Which ones is kept under the "tours" tag (what
    their publish, unpublish, move or delete purges): then they are fetched by id instead of
    sorting every public page by title."""
    from .models import TourSitePage

    live = public(TourSitePage, site).select_related("commune")
    key = cache.kept_key(f"home:tour-sites:{getattr(site, 'pk', None)}", ["tours"])
    ids = cache.kept_get(key)
    if ids is not None:
        sites = sorted(live.filter(pk__in=ids), key=lambda s: ids.index(s.pk))
    else:
        sites = list(live.order_by("title")[:6])
        cache.kept_set(key, [s.pk for s in sites])
    return {"tour_sites": sites}


def register_home_sections() -> None:
    home.register(home.Section("tour-sites", tour_sites, ("tours",), order=30))
