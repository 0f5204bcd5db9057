"""The server-rendered search page (works without JavaScript) and the header search box."""

import pytest

pytestmark = pytest.mark.django_db


def test_page_lists_results_and_facets(client):
    response = client.get("/tim-kiem/", {"q": "gom bat trang"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Làng <mark>gốm</mark> <mark>Bát</mark> <mark>Tràng</mark>" in html
    assert "Nhóm OCOP" in html and "Hạng sao" in html and "Xã/phường" in html
    assert 'href="?q=gom+bat+trang&amp;type=site"' in html  # a facet is a plain link


def test_facet_link_filters_and_shows_selected(client):
    response = client.get("/tim-kiem/", {"q": "lang", "type": "site"})
    html = response.content.decode()
    assert 'aria-current="true"' in html
    result = response.context["result"]
    assert result.hits and all(h.type == "site" for h in result.hits)
    site_entry = next(e for e in result.facets["type"] if e["value"] == "site")
    assert site_entry["selected"] and site_entry["count"] == result.count


def test_empty_query_browses_with_pagination(client):
    response = client.get("/tim-kiem/")
    assert response.status_code == 200
    assert response.context["result"].count > 20
    assert 'rel="next"' in response.content.decode()


def test_bad_parameter_shows_message_with_400(client):
    response = client.get("/tim-kiem/", {"stars": "9"})
    assert response.status_code == 400
    assert "Hạng sao phải từ 1 đến 5." in response.content.decode()


def test_header_has_accessible_search_box(client):
    html = client.get("/").content.decode()
    assert 'role="search"' in html and 'action="/tim-kiem/"' in html
    assert 'role="combobox"' in html and 'aria-controls="site-search-list"' in html
    assert 'data-suggest-url="/api/search/suggest/"' in html
    assert "js/search.js" in html
