"""The home page's product sections (registered with cms.home from ProductsConfig.ready)."""

from cms import cache, home
from cms.visibility import public


def featured_products(request, site) -> dict:
    from .cards import CardRows, card_rows
    from .catalogue import product_cards
    from .models import ProductPage

    live = public(ProductPage, site)
    # Which products are shown is kept under the "products" tag (what a publish, unpublish or
    # move purges; "site" for restrictions): then they are found by id, not by walking the
    # catalogue (no index serves "featured, by stars and title"). The cards' own data (stock,
    # rating) is read every time, as card rows (products/cards.py).
    key = cache.kept_key(f"home:featured:{getattr(site, 'pk', None)}", ["products"])
    ids = cache.kept_get(key)
    if ids is not None:
        rows = card_rows(product_cards(live.filter(pk__in=ids)))
        featured = CardRows(sorted(rows, key=lambda r: ids.index(r["pk"])), rows.model)
    else:
        featured = card_rows(
            product_cards(live.filter(featured=True).order_by("-ocop_stars", "title"))[:8]
        )
        if not featured:
            featured = card_rows(
                product_cards(live.order_by("-ocop_stars", "-first_published_at"))[:8]
            )
        cache.kept_set(key, [r["pk"] for r in featured])
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
