"""What search engines and link previews read (issue 14, part 6; the rules in cms/seo.py): a
meta description on every public page type, the canonical URL and language alternates, Open
Graph and Twitter card tags with the page's own picture."""

import html
import re

import pytest
from django.contrib.staticfiles import finders
from PIL import Image

from cms import seo
from cms.models import HomePage, StandardPage
from products.models import ProducerIndexPage, ProducerPage, ProductIndexPage, ProductPage
from tours.models import TourIndexPage, TourSiteImage, TourSitePage, VirtualTourPage

pytestmark = pytest.mark.django_db

HOST = "http://testserver"


def _meta(page_html: str) -> dict[str, list[str]]:
    """{name or property: [content, …]} and {"canonical": [href]}, {"alternate:<lang>": [href]}."""
    head = page_html[: page_html.index("</head>")]
    found: dict[str, list[str]] = {}
    for key, value in re.findall(r'<meta (?:name|property)="([^"]+)" content="([^"]*)"', head):
        found.setdefault(key, []).append(html.unescape(value))
    for href in re.findall(r'<link rel="canonical" href="([^"]+)"', head):
        found.setdefault("canonical", []).append(html.unescape(href))
    for lang, href in re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)"', head):
        found.setdefault(f"alternate:{lang}", []).append(html.unescape(href))
    return found


def _get(client, url, status=200, **extra):
    response = client.get(url, **extra)
    assert response.status_code == status, url
    return _meta(response.content.decode())


def test_plain_text_strips_html_and_cuts_at_a_word_boundary():
    assert seo.plain_text("<p>Gốm <b>men lam</b>&nbsp;Bát&nbsp;Tràng</p>\n\n<p>cổ</p>") == (
        "Gốm men lam Bát Tràng cổ"
    )
    words = "Nước mắm truyền thống làm từ cá cơm " * 10
    cut = seo.plain_text(words)
    assert len(cut) <= 160 and cut.endswith("…")
    body = cut[:-1]
    assert words.startswith(body) and words[len(body)] == " "  # a whole word was kept
    assert seo.plain_text("x" * 300) == "x" * 159 + "…"
    assert seo.plain_text("") == ""


def _page_urls():
    product = ProductPage.objects.live().get(slug="hanh-phi")
    site = TourSitePage.objects.live().first()
    return {
        "home": HomePage.objects.live().first().url,
        "standard": StandardPage.objects.live().first().url,
        "listing": ProductIndexPage.objects.live().first().url,
        "product": product.url,
        "producer": product.producer.url,
        "producers": ProducerIndexPage.objects.live().first().url,
        "tours": TourIndexPage.objects.live().first().url,
        "site": site.url,
        "tour": VirtualTourPage.objects.live().first().url,
        "map": "/ban-do/",
        "search": "/tim-kiem/?q=tr%C3%A0",
        "cart": "/shop/cart/",
        "tracking": "/shop/track/",
        "open data": "/open-data/",
    }


def test_every_public_page_type_has_its_description_canonical_alternates_and_open_graph(client):
    descriptions = {}
    for kind, url in _page_urls().items():
        meta = _get(client, url)
        (description,) = meta["description"]
        assert 0 < len(description) <= 160 and "<" not in description, (kind, description)
        descriptions[kind] = description
        path = url.split("?")[0]
        assert meta["canonical"][0].startswith(HOST + path), kind
        query = url[len(path) :]
        assert meta["alternate:vi"] == [HOST + path + query] == meta["alternate:x-default"]
        assert meta["alternate:en"] == [HOST + "/en" + path + query], kind
        assert meta["og:url"] == meta["canonical"]
        assert meta["og:description"] == [description]
        assert meta["og:title"][0] and meta["twitter:title"] == meta["og:title"], kind
        assert meta["og:site_name"] == ["OCOP & Du lịch nông thôn Hà Nội"]
        assert meta["og:locale"] == ["vi_VN"] and meta["og:locale:alternate"] == ["en_US"]
        assert meta["og:type"] == ["product" if kind == "product" else "website"], kind
        assert meta["og:image"][0].startswith(HOST + "/"), kind
        assert meta["twitter:card"] == ["summary_large_image"]
    # Each page type says what it is, not the same sentence everywhere.
    assert len(set(descriptions.values())) >= len(descriptions) - 2, descriptions
    product = ProductPage.objects.live().get(slug="hanh-phi")
    assert descriptions["product"] == seo.plain_text(product.summary or product.body)


def test_search_description_wins_then_the_summary_then_the_site_default(client, settings):
    settings.PAGE_CACHE_SECONDS = 0  # purges run on commit, which a rolled-back test never sees
    product = ProductPage.objects.live().get(slug="hanh-phi")
    product.search_description = "Hành phi thơm giòn của Hà Nội, đóng hũ 200 g."
    product.save_revision().publish()
    assert _get(client, product.url)["description"] == [product.search_description]
    listing = ProductIndexPage.objects.live().first()
    listing.intro = ""
    listing.search_description = ""
    listing.save_revision().publish()
    assert _get(client, listing.url)["description"] == [seo.site_description()]
    listing.intro = "<p>Tất cả <b>sản phẩm OCOP</b> của Hà Nội.</p>"
    listing.save_revision().publish()
    assert _get(client, listing.url)["description"] == ["Tất cả sản phẩm OCOP của Hà Nội."]


def test_canonical_drops_filters_and_tracking_but_keeps_what_defines_the_page(client):
    listing = ProductIndexPage.objects.live().first().url
    meta = _get(client, listing + "?stars=4&utm_source=zalo&fbclid=abc&page=2")
    assert meta["canonical"] == [f"{HOST}{listing}?page=2"]
    assert meta["alternate:en"] == [f"{HOST}/en{listing}?page=2"]
    assert _get(client, listing + "?page=1&sort=price")["canonical"] == [HOST + listing]
    search = _get(client, "/tim-kiem/?q=g%E1%BB%91m&stars=5&utm_medium=x")
    assert search["canonical"] == [f"{HOST}/tim-kiem/?q=g%E1%BB%91m"]


def test_english_lives_under_en_whatever_the_cookie_says(client):
    product = ProductPage.objects.live().get(slug="hanh-phi")
    client.cookies["django_language"] = "vi"
    response = client.get("/en" + product.url)
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="en">' in page and "My orders" in page
    meta = _meta(page)
    assert meta["canonical"] == [f"{HOST}/en{product.url}"]
    assert meta["alternate:vi"] == [HOST + product.url]
    assert meta["og:locale"] == ["en_US"] and meta["og:locale:alternate"] == ["vi_VN"]
    assert meta["og:site_name"] == ["Hanoi OCOP & Rural Tourism"]  # Hanoi in English (docs/i18n.md)
    # Without the prefix the same page is Vietnamese (default), and the switch leaves /en/.
    assert '<html lang="vi">' in client.get(product.url).content.decode()
    switch = client.get("/i18n/chon/", {"language": "vi", "next": "/en" + product.url})
    assert switch["Location"] == product.url
    # The admin is not under the prefix.
    assert client.get("/en/admin/").status_code == 404


def test_open_graph_picture_is_the_page_picture_at_1200_by_630(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    product = ProductPage.objects.live().get(slug="hanh-phi")
    meta = _get(client, product.url)
    (image,) = meta["og:image"]
    rendition = product.images.first().image.get_rendition(seo.OG_SPEC)
    assert image == HOST + rendition.url
    # 1200×630, or that shape when the photo is smaller (Wagtail never enlarges).
    assert rendition.width <= 1200 and abs(rendition.width / rendition.height - 1200 / 630) < 0.01
    assert meta["og:image:width"] == [str(rendition.width)]
    assert meta["og:image:height"] == [str(rendition.height)]
    site = TourSitePage.objects.live().first()
    site.gallery = [TourSiteImage(image=product.images.first().image)]
    site.save_revision().publish()
    assert _get(client, site.url)["og:image"] == [
        HOST + site.gallery.first().image.get_rendition(seo.OG_SPEC).url
    ]
    producer = ProducerPage.objects.live().filter(logo__isnull=False).first()
    assert _get(client, producer.url)["og:image"] == [
        HOST + producer.logo.get_rendition(seo.OG_SPEC).url
    ]
    # Pages without a picture of their own: the site's default, a real 1200×630 file.
    default = _get(client, "/ban-do/")["og:image"]
    assert default == [HOST + "/static/" + seo.DEFAULT_IMAGE]
    with Image.open(finders.find(seo.DEFAULT_IMAGE)) as picture:
        assert picture.size == seo.DEFAULT_IMAGE_SIZE


def test_product_page_keeps_its_schema_org_json_ld(client):
    product = ProductPage.objects.live().get(slug="hanh-phi")
    page = client.get(product.url).content.decode()
    assert '<script type="application/ld+json">' in page and '"@type": "Product"' in page
