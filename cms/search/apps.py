from django.apps import AppConfig


class SearchIndexConfig(AppConfig):
    """The site-wide search over products and tourism sites (see cms/search/service.py)."""

    name = "cms.search"
    label = "search_index"
    verbose_name = "Tìm kiếm"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        from . import signals  # noqa: F401

        # Each domain app registers its documents in its own `search.py`.
        autodiscover_modules("search")
