from django.apps import AppConfig


class ProductsConfig(AppConfig):
    name = "products"
    verbose_name = "Sản phẩm OCOP"

    def ready(self):
        from . import opendata, page_cache, signals  # noqa: F401

        opendata.register_datasets()
        from . import indicators

        indicators.register_indicators()
