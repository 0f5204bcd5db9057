"""Site-wide Wagtail hooks: served pages are tagged for the anonymous page cache."""

from wagtail import hooks

from . import cache


@hooks.register("before_serve_page")
def tag_served_page(page, request, serve_args, serve_kwargs):
    """A live page served to a visitor may be shared: its own tag, "site" (header, footer),
    and what the page class says it shows (`page_cache_tags()`, e.g. "products")."""
    if page.get_view_restrictions():
        return  # a password- or login-protected page is never shared
    extra = getattr(page, "page_cache_tags", None)
    cache.tag(request, f"page:{page.pk}", "site", *(extra() if extra else ()))
