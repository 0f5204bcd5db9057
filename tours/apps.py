from django.apps import AppConfig


class ToursConfig(AppConfig):
    name = "tours"
    verbose_name = "Du lịch nông thôn"

    def ready(self):
        from . import opendata

        opendata.register_datasets()
        opendata.register_embeds()
