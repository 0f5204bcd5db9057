"""Every public page in English (issue 18 part 1): with the demo data seeded, an English visitor
reads English — the share of visible words carrying Vietnamese letters stays within budget on
every main page type (names keep their diacritics) — and the Vietnamese pages show no English
UI left untranslated."""

import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import translation
from wagtail.documents.models import Document

from cms import translation as bilingual
from cms.models import HomePage
from products.models import (
    Commune,
    LegacyCommuneName,
    OcopCategory,
    ProducerPage,
    ProductIndexPage,
    ProductPage,
    Province,
    TraceabilityBatch,
)
from tours.models import Hotspot, Scene, TourSitePage, VirtualTourPage

pytestmark = pytest.mark.django_db

BUDGET = 0.15  # every page, the lists of names (listing, map) too
PO_PATH = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES" / "django.po"
# Letters outside ASCII that Vietnamese uses (đ and every vowel with a mark or tone).
VIETNAMESE = re.compile(
    "[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.IGNORECASE
)
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
HIDDEN = {"script", "style", "template", "noscript"}


class _Text(HTMLParser):
    """The text nodes of <body> outside script/style (what a visitor reads)."""

    VOID = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.in_body = False
        self.stack: list[tuple[str, bool]] = []
        self.chunks: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self.in_body = True
        if tag in self.VOID:
            return
        # A closed drop-down shows only its chosen option, a closed <details> only its
        # <summary>: the rest is not read until opened.
        attrs = dict(attrs)
        hides = (
            tag in HIDDEN
            or (tag == "option" and "selected" not in attrs)
            or (tag == "details" and "open" not in attrs)
        )
        self.stack.append((tag, hides))

    def handle_endtag(self, tag):
        if tag not in (t for t, _h in self.stack):
            return
        while self.stack:
            top, _hides = self.stack.pop()
            if top == tag:
                break

    def _visible(self) -> bool:
        for i, (tag, hides) in enumerate(self.stack):
            if not hides:
                continue
            opened = (
                tag == "details" and i + 1 < len(self.stack) and self.stack[i + 1][0] == "summary"
            )
            if not opened:
                return False
        return True

    def handle_data(self, data):
        if self.in_body and self._visible():
            self.chunks.append(data)


def visible_words(page_html: str) -> list[str]:
    parser = _Text()
    parser.feed(page_html)
    return WORD.findall(" ".join(parser.chunks))


def vietnamese_share(page_html: str) -> tuple[float, list[str]]:
    words = visible_words(page_html)
    vietnamese = [w for w in words if VIETNAMESE.search(w)]
    return (len(vietnamese) / len(words) if words else 0.0), vietnamese


def main_pages(language="vi") -> dict[str, tuple[str, int]]:
    """{kind: (URL without the language prefix, expected status)}; the search page is asked
    what a visitor of that language would type."""
    product = ProductPage.objects.live().get(slug="hanh-phi")
    return {
        "home": (HomePage.objects.live().first().url, 200),
        "listing": (ProductIndexPage.objects.live().get().url, 200),
        "product": (product.url, 200),
        "producer": (product.producer.url, 200),
        "site": (TourSitePage.objects.live().order_by("pk").first().url, 200),
        "tour": (VirtualTourPage.objects.live().order_by("pk").first().url, 200),
        "map": ("/ban-do/", 200),
        "search": ("/tim-kiem/?q=pottery" if language == "en" else "/tim-kiem/?q=g%E1%BB%91m", 200),
        "batch": (
            TraceabilityBatch.objects.filter(live=True, product=product).get().get_absolute_url(),
            200,
        ),
        "cart": ("/shop/cart/", 200),
        "404": ("/khong-co-trang-nay/", 404),
    }


@pytest.fixture(autouse=True)
def _restore_language():
    yield
    translation.deactivate()


def _fetch(client, url, status=200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def _english_pages(client) -> dict[str, str]:
    return {
        kind: _fetch(client, "/en" + url, status)
        for kind, (url, status) in main_pages("en").items()
    }


def _name_words() -> set[str]:
    """Every word of the proper names the site shows: places (provinces, communes, their
    pre-reform names), producers, products, sites, tour scenes — as their English names write
    them (with diacritics) — and the name of Vietnamese in itself (the language switch)."""
    texts = ["Tiếng Việt", "phở"]  # the switch; a dish English writes with its tone mark
    texts += Province.objects.values_list("short_name", flat=True)
    texts += Commune.objects.values_list("name", flat=True)
    for pair in LegacyCommuneName.objects.values_list("legacy_commune", "legacy_district"):
        texts += pair
    texts += ProducerPage.objects.values_list("name_en", "address").iterator()
    texts += ProductPage.objects.values_list("name_en", flat=True)
    texts += TourSitePage.objects.values_list("name_en", flat=True)
    texts += VirtualTourPage.objects.values_list("title_en", flat=True)
    texts += Scene.objects.values_list("title_en", flat=True)
    words = set()
    for text in texts:
        if isinstance(text, tuple):
            text = " ".join(t or "" for t in text)
        words.update(WORD.findall(text or ""))
    return words


# --- English pages -------------------------------------------------------------------------


def test_english_pages_are_mostly_english(client):
    shares = {}
    for kind, page_html in _english_pages(client).items():
        share, words = vietnamese_share(page_html)
        shares[kind] = (round(share * 100, 1), sorted(set(words))[:40])
    print("\nVietnamese share on English pages:", {k: v[0] for k, v in shares.items()})
    over = {kind: value for kind, value in shares.items() if value[0] > BUDGET * 100}
    assert not over, over


def test_what_stays_vietnamese_on_english_pages_is_only_names(client):
    """Stronger than the share: a Vietnamese word on an English page is part of a name the
    site knows (a place, a producer, a product, a site), never untranslated text."""
    names = _name_words()
    for kind, page_html in _english_pages(client).items():
        _share, words = vietnamese_share(page_html)
        stray = sorted(set(words) - names)
        assert not stray, (kind, stray)


def _english_ui_phrases() -> list[str]:
    """English msgstrs that differ from their Vietnamese msgids: phrases of two words or more
    without placeholders or markup (what a Vietnamese page must never show)."""
    with PO_PATH.open("rb") as f:
        catalog = read_po(f)
    phrases = set()
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        for text in strings:
            if not text or text in ids or re.search(r"[%{<&]", text) or VIETNAMESE.search(text):
                continue
            if len(text.split()) >= 2:
                phrases.add(text.strip())
    return sorted(phrases)


def _words(text: str) -> str:
    return " ".join(WORD.findall(text))


def test_vietnamese_pages_show_no_untranslated_english_ui(client):
    phrases = _english_ui_phrases()
    assert len(phrases) > 300  # the catalogue was read
    for kind, (url, status) in main_pages().items():
        page_html = _fetch(client, url, status)
        assert '<html lang="vi">' in page_html, kind
        text = " ".join(visible_words(page_html))
        found = [
            p for p in phrases if re.search(rf"\b{re.escape(' '.join(WORD.findall(p)))}\b", text)
        ]
        assert not found, (kind, found)
        assert "translation-notice" not in page_html and ' lang="vi"' not in page_html.split(
            "<body", 1
        )[1].replace('lang="vi" hreflang="vi"', ""), kind


# --- Links keep the language ----------------------------------------------------------------

HREF = re.compile(r'(?:href|action)="(/[^"]*)"')
NOT_PREFIXED = ("/static/", "/media/", "/api/v2/", "/documents/")


def test_every_internal_link_on_an_english_page_stays_under_en(client):
    seen = set()
    for kind, page_html in _english_pages(client).items():
        body = page_html.split("<body", 1)[1]
        links = [h.replace("&amp;", "&") for h in HREF.findall(body)]
        assert links, kind
        stray = [h for h in links if not h.startswith("/en/") and not h.startswith(NOT_PREFIXED)]
        assert not stray, (kind, stray)
        seen.update(h for h in links if h.startswith("/en/") and "/i18n/" not in h)
    # The links work, in English.
    for url in sorted(seen)[:40]:
        response = client.get(url)
        assert response.status_code in (200, 302), url
        if response.status_code == 200 and "text/html" in response["Content-Type"]:
            assert '<html lang="en">' in response.content.decode(), url


def test_vietnamese_pages_link_without_the_prefix(client):
    page_html = _fetch(client, main_pages()["listing"][0])
    links = HREF.findall(page_html.split("<body", 1)[1])
    assert links and not [h for h in links if h.startswith("/en/")]


def test_language_switch_leads_to_the_same_page_in_the_other_language(client):
    url = main_pages()["product"][0]
    english = client.get("/i18n/chon/", {"language": "en", "next": url})
    assert english.status_code == 302 and english["Location"] == "/en" + url
    back = client.get("/en/i18n/chon/", {"language": "vi", "next": "/en" + url})
    assert back.status_code == 302 and back["Location"] == url
    page_html = _fetch(client, "/en" + url)
    assert f'hreflang="vi" href="http://testserver{url}"' in page_html
    assert f'hreflang="en" href="http://testserver/en{url}"' in page_html


# --- Fallback to Vietnamese -----------------------------------------------------------------

NOTICE = "This page has not been translated yet; showing the Vietnamese original."


def test_an_untranslated_page_falls_back_to_vietnamese_and_says_so(
    client, django_capture_on_commit_callbacks
):
    product = ProductPage.objects.live().get(slug="hanh-phi")
    translated = _fetch(client, "/en" + product.url)
    assert NOTICE not in translated and "Fried shallots" in translated
    product.summary = "Hành phi giòn thơm, đóng hũ."
    product.summary_en = ""
    with django_capture_on_commit_callbacks(execute=True):  # the page cache is purged
        product.save_revision().publish()
    page_html = _fetch(client, "/en" + product.url)
    assert NOTICE in page_html
    assert '<p class="lead" lang="vi">Hành phi giòn thơm, đóng hũ.</p>' in page_html
    assert "<h1>Fried shallots</h1>" in page_html  # what is translated stays English
    assert NOTICE not in _fetch(client, product.url) and 'lang="vi">Hành phi' not in _fetch(
        client, product.url
    )


# --- Translation states ---------------------------------------------------------------------


def test_english_goes_outdated_when_the_vietnamese_changes_and_the_report_lists_it(client):
    product = ProductPage.objects.live().get(slug="hanh-phi")
    assert product.translation_state == bilingual.CURRENT
    product.summary = "Hành phi Gia Lâm chiên giòn — Hũ 500 g"
    product.save_revision().publish()
    product = ProductPage.objects.get(pk=product.pk)
    assert product.translation_state == bilingual.OUTDATED
    assert product.field_states()["summary"] == bilingual.OUTDATED
    assert product.field_states()["title"] == bilingual.CURRENT
    # The translator rewrites the English: up to date again.
    product.summary_en = "Crisp-fried Gia Lâm shallots — 500 g jar"
    product.save_revision().publish()
    assert ProductPage.objects.get(pk=product.pk).translation_state == bilingual.CURRENT
    # A child row counts: a pack size relabelled in Vietnamese.
    variant = product.variants.first()
    variant.label = "Hũ thủy tinh 500 g"
    product.variants = [variant]
    product.save_revision().publish()
    product = ProductPage.objects.get(pk=product.pk)
    assert product.translation_state == bilingual.OUTDATED
    assert any(
        "Hũ" in label or "quy cách" in label for label in product.translation_report()["outdated"]
    )

    officer = Client()
    officer.force_login(_user("officer"))
    report = officer.get("/admin/ocop/ban-dich/?state=outdated")
    assert report.status_code == 200
    assert f">{product.title}</a>" in report.content.decode()
    # "Still correct": the English is stamped against the current Vietnamese, no revision.
    revisions = product.revisions.count()
    token = f"products.productpage:{product.pk}"
    assert officer.post("/admin/ocop/ban-dich/", {"object": token}).status_code == 302
    product = ProductPage.objects.get(pk=product.pk)
    assert product.translation_state == bilingual.CURRENT
    assert product.revisions.count() == revisions
    listing = officer.get("/admin/ocop/ban-dich/?state=outdated").content.decode()
    assert f">{product.title}</a>" not in listing


def test_a_page_without_english_is_missing_and_publishing_an_old_revision_keeps_the_sources():
    site = TourSitePage.objects.live().order_by("pk").first()
    assert site.translation_state == bilingual.CURRENT
    old = site.latest_revision
    site.opening_hours_en = ""
    site.save_revision().publish()
    site = TourSitePage.objects.get(pk=site.pk)
    assert site.translation_state == bilingual.MISSING
    assert site.field_states()["opening_hours"] == bilingual.MISSING
    old.publish()  # the English comes back with the old revision, stamped again
    assert TourSitePage.objects.get(pk=site.pk).translation_state == bilingual.CURRENT


def _user(username):
    return get_user_model().objects.get(username=username)


def test_translators_see_the_english_tab_farmers_do_not(client):
    product = ProductPage.objects.live().get(slug="hanh-phi")
    url = f"/admin/pages/{product.pk}/edit/"
    officer = Client()
    officer.force_login(_user("officer"))
    officer_html = officer.get(url).content.decode()
    assert bilingual.ENGLISH_TAB in officer_html and 'name="summary_en"' in officer_html
    farmer = Client()
    farmer.force_login(_user(product.producer.slug))
    farmer_html = farmer.get(url).content.decode()
    assert farmer.get(url).status_code == 200
    assert 'name="summary"' in farmer_html and 'name="summary_en"' not in farmer_html
    assert 'name="name_en"' not in farmer_html
    # Nor may a farmer open the report.
    assert farmer.get("/admin/ocop/ban-dich/").status_code == 302


# --- Search, API, open data, tours ----------------------------------------------------------


def test_english_search_finds_a_product_by_its_english_summary(client):
    page_html = _fetch(client, "/en/tim-kiem/?q=wheel+glaze")
    assert "Bát Tràng pottery class" in page_html
    # the hit is the catalogue's product card (its link wraps the picture and the title)
    hit = re.search(
        r'<a href="([^"]+)">(?:(?!</a>).)*<span class="card-title">Bát Tràng pottery class</span>',
        page_html,
        re.S,
    )
    assert hit and hit.group(1).startswith("/en/")
    assert "Throw your own pot on the wheel" in page_html
    vietnamese = _fetch(client, "/tim-kiem/?q=wheel+glaze")
    assert "Lớp học làm gốm Bát Tràng" in vietnamese  # the same document, shown in Vietnamese
    api = client.get("/en/api/search/", {"q": "tea bags"}).json()
    titles = [h["title"] for h in api["results"]]
    assert "Lộc herbal tea" in titles and all(h["url"].startswith("/en/") for h in api["results"])


def test_the_api_exposes_the_english_fields(client):
    data = client.get(
        "/api/v2/pages/",
        {
            "type": "products.ProductPage",
            "slug": "hanh-phi",
            "fields": "name_en,summary_en,body_en",
        },
    ).json()
    (item,) = data["items"]
    assert item["name_en"] == "Fried shallots"
    assert item["summary_en"] == "Fried shallots — 500 g jar"
    assert "Gia Lâm purple shallots" in item["body_en"]
    sites = client.get(
        "/api/v2/pages/",
        {"type": "tours.TourSitePage", "fields": "name_en,summary_en,opening_hours_en"},
    ).json()["items"]
    assert sites and all(s["opening_hours_en"] == "Monday – Sunday: 8:00 – 17:00" for s in sites)


def test_open_data_keeps_both_languages_whoever_builds_it(client):
    # Built first by an English request: still one file for everybody, URLs unprefixed.
    english = _fetch(client, "/en/open-data/tourism-sites.csv")
    vietnamese = _fetch(client, "/open-data/tourism-sites.csv")
    assert english == vietnamese
    header = vietnamese.splitlines()[0].split(",")
    assert {"name", "name_en", "opening_hours", "opening_hours_en", "ticket_prices_en"} <= set(
        header
    )
    assert "Monday – Sunday: 8:00 – 17:00" in vietnamese and "/en/" not in vietnamese


def test_the_tour_speaks_the_visitors_language(client, django_capture_on_commit_callbacks):
    tour = VirtualTourPage.objects.live().get(title="Tham quan ảo làng gốm Bát Tràng")
    scene = tour.scenes.first()
    audio_vi = Document.objects.create(title="Thuyết minh", file=ContentFile(b"ID3vi", "vi.mp3"))
    audio_en = Document.objects.create(title="Narration", file=ContentFile(b"ID3en", "en.mp3"))
    scene.narration = audio_vi
    tour.scenes = [scene, *tour.scenes.all()[1:]]
    with django_capture_on_commit_callbacks(execute=True):
        tour.save_revision().publish()
    english = _fetch(client, "/en" + tour.url)
    assert "Bát Tràng village gate" in english and "Next: Pottery kiln" in english
    # No English audio yet: the Vietnamese one, said to be Vietnamese.
    assert f'{audio_vi.url}" lang="vi"' in english, re.findall(r"<audio[^>]*>", english)
    scene = Scene.objects.get(pk=scene.pk)
    scene.narration_en = audio_en
    tour = VirtualTourPage.objects.get(pk=tour.pk)
    tour.scenes = [scene, *tour.scenes.exclude(pk=scene.pk)]
    with django_capture_on_commit_callbacks(execute=True):
        tour.save_revision().publish()
    english = _fetch(client, "/en" + tour.url)
    assert f'{audio_en.url}"' in english and audio_vi.url not in english
    vietnamese = _fetch(client, tour.url)
    assert f'src="{audio_vi.url}"' in vietnamese and "Cổng làng Bát Tràng" in vietnamese
    assert Hotspot.objects.filter(scene__page=tour, title_en="").count() == 0


def test_categories_and_snippets_report_their_state():
    category = OcopCategory.objects.get(code="I.4")
    assert category.translation_state == bilingual.CURRENT
    category.name = "Gia vị, nước chấm"
    category.save()
    assert OcopCategory.objects.get(pk=category.pk).translation_state == bilingual.OUTDATED


# --- Traceability batch pages ---------------------------------------------------------------


def test_a_batch_page_speaks_english_and_falls_back_to_the_farmers_vietnamese(
    client, django_capture_on_commit_callbacks
):
    batch = TraceabilityBatch.objects.filter(live=True, product__slug="hanh-phi").get()
    url = batch.get_absolute_url()
    english = _fetch(client, "/en" + url)
    assert "<h1>Traceability: batch " in english and "Production stages" in english
    assert "Raw materials picked in the producer&#x27;s own growing area" in english
    assert "Food-grade bags and boxes" in english and "500 units" in english
    assert "Certification body (illustrative data)" in english
    assert ">Fried shallots</a>" in english and "Phương Quân Fried Shallot Workshop" in english
    assert NOTICE not in english and "Thu hái nguyên liệu" not in english
    assert bilingual.MISSING not in batch.field_states().values()
    # A farmer adds a stage in Vietnamese only: shown as written, marked, and the page says so.
    raw = [dict(block) for block in batch.stages.raw_data]
    stage = dict(raw[0]["value"], description="Phơi khô trong bóng râm ba ngày.")
    stage.pop("description_en", None)
    batch.stages = [{"type": "stage", "value": stage}, *raw[1:]]
    batch.notes_en = ""
    with django_capture_on_commit_callbacks(execute=True):
        batch.save()
    batch = TraceabilityBatch.objects.get(pk=batch.pk)
    assert batch.field_states()["stages"] == bilingual.MISSING
    assert batch.field_states()["notes"] == bilingual.MISSING
    english = _fetch(client, "/en" + url)
    assert NOTICE in english
    assert '<p lang="vi">Phơi khô trong bóng râm ba ngày.</p>' in english
    assert re.search(r'<p lang="vi">Lô mẫu cho bản trình diễn', english)
    vietnamese = _fetch(client, url)
    assert "Phơi khô trong bóng râm ba ngày." in vietnamese and NOTICE not in vietnamese
    assert "Raw materials picked" not in vietnamese and "Các công đoạn sản xuất" in vietnamese
    # The translators' report lists the batch.
    officer = Client()
    officer.force_login(_user("officer"))
    report = officer.get("/admin/ocop/ban-dich/?state=missing").content.decode()
    assert str(batch) in unescape(report)
