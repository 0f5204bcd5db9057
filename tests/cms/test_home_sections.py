"""The home page knows no domain app: products and tours register its sections (cms/home.py),
which give its context and its page-cache tags."""

import ast
from pathlib import Path

import pytest
from django.test import Client

from cms import home
from products.models import ProductPage

DOMAIN_APPS = {"products", "shop", "tours", "experiences"}


def test_cms_models_imports_no_domain_app():
    for name in ("models.py", "home.py"):
        tree = ast.parse((Path(home.__file__).parent / name).read_text())
        imported = {
            (node.module or "").split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
        } | {
            alias.name.split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        }
        assert not imported & DOMAIN_APPS, (name, imported & DOMAIN_APPS)


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
