from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Trang web"

    def ready(self):
        from . import signals  # noqa: F401  (page cache purges)
        from .dashboard import register_dataset

        register_dataset()
