from django.apps import AppConfig


class ShopConfig(AppConfig):
    name = "shop"
    verbose_name = "Cửa hàng"

    def ready(self):
        from . import (
            indicators,
            signals,  # noqa: F401
        )

        indicators.register_indicators()
