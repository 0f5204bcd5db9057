"""The header on every page: the buyer's orders in one link (account list or tracking form),
the language switch as one-tap links naming each language in itself, and the site's icons."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from PIL import Image

pytestmark = pytest.mark.django_db


def _header(client, path="/", **headers):
    html = client.get(path, **headers).content.decode()
    return html[html.index("<header") : html.index("</header>")]


def test_my_orders_link_is_the_same_for_everyone_and_leads_where_each_needs(client):
    header = _header(client)
    assert '<a href="/shop/don-hang-cua-toi/">Đơn hàng của tôi</a>' in header
    guest = client.get("/shop/don-hang-cua-toi/")
    assert (guest.status_code, guest["Location"]) == (302, "/shop/track/")
    assert "no-store" in guest["Cache-Control"] or "no-cache" in guest["Cache-Control"]
    user = get_user_model().objects.create_user("buyer-h", password="x-Strong-pass-91")
    client.force_login(user)
    member = client.get("/shop/don-hang-cua-toi/")
    assert (member.status_code, member["Location"]) == (302, "/shop/orders/")
    assert client.post("/shop/don-hang-cua-toi/").status_code == 405


def test_language_switch_is_one_link_per_language_named_in_itself(client):
    header = _header(client, "/san-pham/?stars=4")
    links = re.findall(
        r'<a href="(/i18n/chon/\?language=(\w+)&amp;next=[^"]+)" lang="\2" hreflang="\2"'
        r'( aria-current="true")?>([^<]+)</a>',
        header,
    )
    assert [(code, name) for _href, code, _current, name in links] == [
        ("vi", "Tiếng Việt"),
        ("en", "English"),
    ]
    assert [bool(current) for _h, _c, current, _n in links] == [True, False]
    # One tap: the link switches and comes back to the same page, query kept.
    english = links[1][0].replace("&amp;", "&")
    response = client.get(english)
    # … the same page in English, under /en/ (the cookie remembers English too).
    assert (response.status_code, response["Location"]) == (302, "/en/san-pham/?stars=4")
    header = _header(client, "/en/san-pham/?stars=4")
    assert re.search(r'lang="en" hreflang="en" aria-current="true">English</a>', header)
    assert '<a href="/en/shop/don-hang-cua-toi/">My orders</a>' in header
    assert '<a href="/shop/don-hang-cua-toi/">My orders</a>' in _header(client, "/san-pham/")
    # No form, so no CSRF token and nothing per visitor in the cacheable header.
    assert "<select" not in header and "csrfmiddlewaretoken" not in header


def test_favicon_and_touch_icons_exist_and_are_linked(client):
    html = client.get("/").content.decode()
    for name in ("img/favicon.ico", "img/icon.svg", "img/apple-touch-icon.png"):
        assert f"/static/{name}" in html
        assert finders.find(name), name
    with Image.open(finders.find("img/apple-touch-icon.png")) as touch:
        assert touch.size == (180, 180)
    with Image.open(finders.find("img/favicon.ico")) as ico:
        assert (32, 32) in ico.info["sizes"]
    response = client.get("/favicon.ico")
    assert (response.status_code, response["Location"]) == (302, "/static/img/favicon.ico")
    assert "max-age=86400" in response["Cache-Control"]


def test_robots_txt_keeps_crawlers_to_the_public_pages(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "public" in response["Cache-Control"]
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert client.get("/sitemap.xml").status_code == 200
    disallowed = [line.split(": ", 1)[1] for line in lines if line.startswith("Disallow: ")]
    for private in ("/admin/", "/tai-khoan/", "/en/tai-khoan/", "/ban-do/o/", "/embed/"):
        assert private in disallowed
    public = ["/", "/san-pham/", "/ban-do/", "/du-lich/", "/en/san-pham/", "/open-data/"]
    # The shop's pages stay crawlable (Lighthouse's SEO audit of cart, checkout and tracking).
    for path in [*public, "/shop/cart/", "/shop/track/", "/en/shop/cart/"]:
        assert not any(path.startswith(prefix) for prefix in disallowed), path
    assert client.get("/tai-khoan/dia-chi/").status_code == 302  # what it names exists
