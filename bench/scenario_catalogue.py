"""Core pages: home, catalogue (page 1 and a filtered page), product pages."""

EXTRA_PRODUCTS = 2000


def run(bench) -> None:
    import random

    bench.setup_django()
    from products.models import ProductIndexPage, ProductPage

    listing = ProductIndexPage.objects.live().get().url
    products = list(ProductPage.objects.live().values_list("url_path", flat=True))
    random.Random(7).shuffle(products)
    product_paths = ["/" + p.split("/", 2)[2] for p in products[:200]]

    bench.http_load("home", ["/"])
    bench.http_load("listing page 1", [listing])
    bench.http_load(
        "listing filtered", [f"{listing}?group=I&stars=4&stars=5&in_stock=on&sort=price"]
    )
    bench.http_load("product pages", product_paths)
