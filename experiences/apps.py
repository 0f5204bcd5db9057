from django.apps import AppConfig


class ExperiencesConfig(AppConfig):
    name = "experiences"
    verbose_name = "Trải nghiệm"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from products import sources

        from . import places, signals  # noqa: F401

        sources.register(places.SKU_PREFIX, places.SessionPlaces())
