"""The home page knows no domain app: products and tours register its sections (cms/home.py),
which give its context and its page-cache tags."""

import ast
from pathlib import Path

import pytest
from django.test import Client

from cms import home
from products.models import ProductPage

DOMAIN_APPS = {"products", "shop", "tours", "experiences"}


# The project's wiring (the URL root and the API router) mounts every app; nothing else in cms
# may know one. Cross-app seeding lives in the `demo` app.
WIRING = {"urls.py", "api.py"}


def _imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {
        (node.module or "").split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.level == 0
    } | {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }


def test_cms_imports_no_domain_app():
    root = Path(home.__file__).parent
    checked = 0
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if relative.parts[0] in {"settings", "migrations"} or str(relative) in WIRING:
            continue
        checked += 1
        assert not _imported_apps(path) & DOMAIN_APPS, (str(relative), _imported_apps(path))
    assert checked > 40  # the whole app was walked, home.py and models.py included


def test_sections_registered_by_the_apps_with_their_tags():
    keys = [s.key for s in home.sections()]
    assert keys == ["featured-products", "producers", "tour-sites"]
    assert home.cache_tags() == ["producers", "products", "tours"]


@pytest.mark.django_db
def test_home_shows_what_the_sections_give():
    page = Client().get("/").content.decode()
    featured = ProductPage.objects.live().filter(featured=True).order_by("-ocop_stars", "title")
    assert featured.exists()
    for product in featured[:8]:
        assert product.url in page
