from django.apps import AppConfig


class ToursConfig(AppConfig):
    name = "tours"
    verbose_name = "Du lịch nông thôn"

    def ready(self):
        from . import home, indicators, opendata

        opendata.register_datasets()
        home.register_home_sections()
        indicators.register_indicators()
        opendata.register_embeds()
