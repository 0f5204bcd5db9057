"""Embeds for other sites (issue 17 part 5): /embed/map/ and /embed/tour/<id>/ may be framed
only by EMBED_ALLOWED_ORIGINS (CSP frame-ancestors, through django-csp), also when served from
the page cache; every other page still refuses framing; site and tour pages offer the snippet."""

import re

import pytest
from django.test import Client, override_settings

from cms import opendata
from tours.models import TourSitePage, VirtualTourPage

pytestmark = pytest.mark.django_db

PORTAL = "https://nongthonmoihanoi.gov.vn"


def _directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        part.split()[0]: part.split()[1:] for part in (p.strip() for p in policy.split(";")) if part
    }


def _tour():
    return VirtualTourPage.objects.live().filter(title__icontains="Bát Tràng").first()


def _embed_urls():
    return ["/embed/map/", "/embed/map/?layer=ntm", f"/embed/tour/{_tour().pk}/", "/en/embed/map/"]


def test_embeds_may_be_framed_only_by_the_configured_origins():
    client = Client()
    for url in _embed_urls():
        for attempt in ("miss", "hit"):  # the page cache answers the second time
            response = client.get(url)
            assert response.status_code == 200, url
            assert response["X-Page-Cache"] == attempt, url
            directives = _directives(response)
            assert directives["frame-ancestors"] == [PORTAL], (url, attempt)
            assert "X-Frame-Options" not in response, (url, attempt)
            # The rest of the strict policy is unchanged.
            assert directives["script-src"] == ["'self'"] and directives["default-src"] == [
                "'self'"
            ]


@override_settings(
    EMBED_ALLOWED_ORIGINS=[
        "https://nongthonmoihanoi.gov.vn",
        "https://*.hanoi.gov.vn/",
        "http://localhost:8000",
        "https://evil.example/path",
        "https://x.vn; script-src *",
        "'self'",
        "*",
    ]
)
def test_only_well_formed_origins_are_listed():
    assert opendata.embed_origins() == [
        "https://nongthonmoihanoi.gov.vn",
        "https://*.hanoi.gov.vn",
        "http://localhost:8000",
    ]
    response = Client().get("/embed/map/")
    assert _directives(response)["frame-ancestors"] == opendata.embed_origins()
    assert "script-src *" not in response["Content-Security-Policy"]


@override_settings(EMBED_ALLOWED_ORIGINS=[])
def test_with_no_origin_configured_nothing_may_frame_the_embeds():
    response = Client().get("/embed/map/")
    assert _directives(response)["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    site = TourSitePage.objects.live().first()
    assert "Nhúng vào trang khác" not in Client().get(site.url).content.decode()


def test_other_pages_still_refuse_framing_also_from_the_cache():
    client = Client()
    site = TourSitePage.objects.live().first()
    for url in ["/ban-do/", "/ban-do/?view=table", "/", site.url, _tour().url, "/open-data/"]:
        for attempt in ("miss", "hit"):
            response = client.get(url)
            assert response.status_code == 200, url
            assert response["X-Page-Cache"] == attempt, url
            assert _directives(response)["frame-ancestors"] == ["'none'"], (url, attempt)
            assert response["X-Frame-Options"] == "DENY", (url, attempt)


def test_embed_pages_have_no_site_chrome():
    for url in _embed_urls():
        html = Client().get(url).content.decode()
        assert 'class="site-header"' not in html and "site-footer" not in html, url
        assert 'class="main-nav"' not in html and 'role="search"' not in html, url
        assert '<meta name="robots" content="noindex">' in html
        assert 'target="_blank" rel="noopener"' in html  # the way back opens a new tab
    map_html = Client().get("/embed/map/").content.decode()
    assert 'id="tour-map"' in map_html and "data-embed" in map_html and "map-legend" in map_html
    tour_html = Client().get(f"/embed/tour/{_tour().pk}/").content.decode()
    assert "data-tour" in tour_html and 'id="tour-config"' in tour_html


def test_a_tour_that_is_not_public_has_no_embed():
    tour = _tour()
    assert Client().get("/embed/tour/999999/").status_code == 404
    tour.unpublish()
    assert Client().get(f"/embed/tour/{tour.pk}/").status_code == 404
    site = TourSitePage.objects.live().first()
    assert Client().get(f"/embed/tour/{site.pk}/").status_code == 404  # not a tour


def _snippet(html: str) -> str:
    import html as html_lib

    match = re.search(
        r'<textarea id="embed-code-[^"]+" class="embed-code"[^>]*>(.*?)</textarea>', html, re.S
    )
    assert match, "no embed snippet"
    return html_lib.unescape(match.group(1))


def test_site_and_tour_pages_show_a_copy_paste_iframe_snippet():
    tour = _tour()
    tour_html = Client().get(tour.url).content.decode()
    snippet = _snippet(tour_html)
    assert snippet.startswith(f'<iframe src="http://testserver/embed/tour/{tour.pk}/"')
    assert f'title="{tour.title}"' in snippet and "allowfullscreen" in snippet
    assert "<summary>Nhúng vào trang khác</summary>" in tour_html
    assert "nongthonmoihanoi.gov.vn" in tour_html
    # Works without JavaScript: a read-only textarea; the copy button is shown by copy.js.
    assert re.search(r"<textarea[^>]*readonly", tour_html)
    assert re.search(r'<button type="button" class="embed-copy"[^>]*hidden>', tour_html)

    site = tour.get_parent().specific
    site_snippet = _snippet(Client().get(site.url).content.decode())
    assert f'src="http://testserver/embed/map/?focus=site-{site.pk}"' in site_snippet
    # The embed centres on that site.
    data_html = Client().get(f"/embed/map/?focus=site-{site.pk}").content.decode()
    assert f'"focus": "site-{site.pk}"' in data_html

    # In English the snippet embeds the English page.
    english = Client().get("/en" + tour.url).content.decode()
    assert f'src="http://testserver/en/embed/tour/{tour.pk}/"' in _snippet(english)


def test_open_data_page_lists_the_map_embed():
    html = Client().get("/open-data/").content.decode()
    assert 'id="embed-map"' in html
    assert 'src="http://testserver/embed/map/"' in _snippet(html)


def test_every_public_site_and_tour_page_offers_its_snippet():
    client = Client()
    sites = list(TourSitePage.objects.live().public())
    tours = list(VirtualTourPage.objects.live().public())
    assert len(sites) > 20 and tours
    for site in sites:
        snippet = _snippet(client.get(site.url).content.decode())
        assert f'src="http://testserver/embed/map/?focus=site-{site.pk}"' in snippet, site.url
    for tour in tours:
        snippet = _snippet(client.get(tour.url).content.decode())
        assert snippet.startswith(f'<iframe src="http://testserver/embed/tour/{tour.pk}/"'), tour
