from django.apps import AppConfig


class ProductsConfig(AppConfig):
    name = "products"
    verbose_name = "Sản phẩm OCOP"

    def ready(self):
        from . import home, indicators, opendata, page_cache, renditions, signals  # noqa: F401

        opendata.register_datasets()
        home.register_home_sections()
        indicators.register_indicators()
