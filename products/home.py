"""The home page's product sections (registered with cms.home from ProductsConfig.ready)."""

from cms import home
from cms.visibility import public


def featured_products(request, site) -> dict:
    from .cards import card_rows
    from .catalogue import product_cards
    from .models import ProductPage

    live = public(ProductPage, site)
    # Evaluated once, as card rows (products/cards.py: no model instance unless a card is
    # not cached yet).
    featured = card_rows(
        product_cards(live.filter(featured=True).order_by("-ocop_stars", "title"))[:8]
    )
    if not featured:
        featured = card_rows(product_cards(live.order_by("-ocop_stars", "-first_published_at"))[:8])
    return {"featured_products": featured}


def newest_producers(request, site) -> dict:
    from .models import ProducerPage

    return {
        "producers": public(ProducerPage, site)
        .select_related("commune", "logo")
        .order_by("-first_published_at")[:6]
    }


def register_home_sections() -> None:
    home.register(home.Section("featured-products", featured_products, ("products",), order=10))
    home.register(home.Section("producers", newest_producers, ("producers",), order=20))
