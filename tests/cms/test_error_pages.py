"""Branded 404 and 500 pages (issue 14, part 6): the site header with its search box, a search
form, links home and to the catalogue, in Vietnamese and under /en/ in English; the 500 page
renders with an empty context and no database query."""

import pytest
from django.test import RequestFactory
from django.utils import translation
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db


def _html(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize(
    ("prefix", "lang", "heading", "home", "catalogue"),
    [
        ("", "vi", "Không tìm thấy trang", "Về trang chủ", "Xem danh mục sản phẩm"),
        ("/en", "en", "Page not found", "Back to the home page", "Browse the product catalogue"),
    ],
)
def test_missing_page_is_a_branded_404_in_each_language(
    client, settings, prefix, lang, heading, home, catalogue
):
    settings.DEBUG = False
    response = client.get(prefix + "/khong-co-trang-nay/")
    assert response.status_code == 404
    page = _html(response)
    assert f'<html lang="{lang}">' in page
    assert '<header class="site-header">' in page and 'id="site-search-q"' in page
    assert f"<h1>{heading}</h1>" in page
    # Links keep the language: under /en/ on the English page (cms.language).
    assert f'class="error-search" role="search" action="{prefix}/tim-kiem/"' in page
    assert f'<a href="{prefix}/">{home}</a>' in page
    assert f'<a href="{prefix}/danh-muc/">{catalogue}</a>' in page
    assert '<meta name="robots" content="noindex">' in page
    assert "Dữ liệu mở" in page or "Open data" in page  # the full footer, read from the site
    # The catalogue link leads to the catalogue page.
    assert client.get("/danh-muc/")["Location"] == "/san-pham/"


@pytest.mark.parametrize(
    ("lang", "heading", "catalogue"),
    [("vi", "Có lỗi xảy ra", "Sản phẩm"), ("en", "Something went wrong", "Products")],
)
def test_server_error_page_renders_without_request_context_or_database(
    settings, django_assert_num_queries, lang, heading, catalogue
):
    settings.DEBUG = False
    request = RequestFactory().get("/hong/")
    with translation.override(lang), django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    page = _html(response)
    assert f'<html lang="{lang}">' in page
    assert '<header class="site-header">' in page and 'id="site-search-q"' in page
    assert f"<h1>{heading}</h1>" in page
    assert '<form class="error-search" role="search" action="/tim-kiem/"' in page
    assert f'<a href="/danh-muc/">{catalogue}</a>' in page
    assert "/static/css/site.css" in page
