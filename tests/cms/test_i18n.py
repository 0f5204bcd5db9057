"""English translation of the site UI (locale/en) and the Vietnamese default.

Pages are rendered through the real middleware (LocaleMiddleware picks the language from the
django_language cookie or Accept-Language); the catalogue file itself is checked so that a new
string nobody translated, a fuzzy guess, a lost placeholder or a stale .mo fails CI.
"""

import gettext
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import translation

from products.models import ProductIndexPage, ProductPage

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PO_PATH = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")

# Same exclusions as the brief's/Makefile's makemessages run.
NOT_SOURCE = {".venv", ".git", "media", "staticfiles", "bench", "tests", "node_modules"}

PERCENT = re.compile(r"%(?:\([^)]*\))?[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")
BRACE = re.compile(r"(?<!\{)\{[A-Za-z_][A-Za-z0-9_.]*\}(?!\})")
HTML_TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)")


@pytest.fixture(autouse=True)
def _restore_language():
    """Requests activate a language in this thread; do not leak English into later tests."""
    yield
    translation.deactivate()


def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def _catalogue_url() -> str:
    return ProductIndexPage.objects.live().get().url


def _product_in_stock() -> ProductPage:
    for page in ProductPage.objects.live().order_by("pk"):
        if page.variants.exists():
            return page
    raise AssertionError("the demo data has no product with variants")


def _catalog():
    with PO_PATH.open("rb") as f:
        return read_po(f)


def _messages():
    return [m for m in _catalog() if m.id]


# --- Rendered pages -----------------------------------------------------------------------


def test_home_page_in_english(client):
    html = _html(_english(client).get("/"))
    assert '<html lang="en">' in html
    for text in ("Products", "OCOP producers", "Rural tourism", "Cart", "Skip to main content"):
        assert text in html
    assert "Featured products" in html
    assert "Sản phẩm nổi bật" not in html
    assert "Bỏ qua, đến nội dung chính" not in html


def test_home_page_defaults_to_vietnamese(client):
    response = client.get("/")
    html = _html(response)
    assert '<html lang="vi">' in html
    assert "Sản phẩm nổi bật" in html
    assert "Bỏ qua, đến nội dung chính" in html
    assert "Featured products" not in html
    assert "Skip to main content" not in html


def test_accept_language_header_selects_english(client):
    response = client.get("/", headers={"accept-language": "en-GB,en;q=0.9"})
    html = _html(response)
    assert '<html lang="en">' in html
    assert "Featured products" in html
    assert "Accept-Language" in response.get("Vary", "")


def test_cookie_beats_accept_language(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    html = _html(client.get("/", headers={"accept-language": "en"}))
    assert '<html lang="vi">' in html
    assert "Sản phẩm nổi bật" in html


def test_catalogue_in_english(client):
    html = _html(_english(client).get(_catalogue_url()))
    assert '<html lang="en">' in html
    for text in ("Filter products", "Star rating", "Sort by", "Price: low to high", "In stock"):
        assert text in html
    # blocktranslate count: the plural form is used for the seeded catalogue (49 products).
    assert re.search(r"\b\d+ products\b", html)
    assert "Lọc sản phẩm" not in html
    assert "Sắp xếp" not in html
    assert '<option value="I">I. Food</option>' in html  # OCOP groups use their English names
    assert '<option value="I.5">I.5 Tea</option>' in html


def test_catalogue_in_vietnamese(client):
    html = _html(client.get(_catalogue_url()))
    assert '<html lang="vi">' in html
    assert "Lọc sản phẩm" in html
    assert "Sắp xếp" in html
    assert re.search(r"\b\d+ sản phẩm\b", html)
    assert "Filter products" not in html


def test_catalogue_filter_errors_in_english(client):
    """Form validation messages come through gettext too."""
    html = _html(_english(client).get(_catalogue_url(), {"price_min": "500", "price_max": "10"}))
    assert "Maximum price must be greater than or equal to the minimum price." in html
    assert "Giá đến phải lớn hơn hoặc bằng giá từ." not in html


def test_search_facet_titles_in_english(client):
    _english(client)
    html = _html(client.get("/tim-kiem/", {"q": "gốm"}))
    assert "Price range" in html and "Star rating" in html
    assert "Khoảng giá" not in html


def test_product_page_in_english(client):
    page = _product_in_stock()
    html = _html(_english(client).get(page.url))
    assert '<html lang="en">' in html
    for text in ("<legend>Pack size</legend>", "Price", "Category", "Origin"):
        assert text in html
    assert "Add to cart" in html or "Out of stock" in html
    assert "<legend>Quy cách</legend>" not in html
    assert "Thêm vào giỏ" not in html and "Mua ngay" not in html
    if page.name_en:
        assert page.name_en in html


def test_product_page_in_vietnamese(client):
    page = _product_in_stock()
    html = _html(client.get(page.url))
    assert '<html lang="vi">' in html
    assert "<legend>Quy cách</legend>" in html and "Mua ngay" in html
    assert "Ngành hàng" in html
    assert "Pack size" not in html


def test_language_switch_form_sets_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "Featured products" in _html(client.get("/"))


# --- The translation catalogue ---------------------------------------------------------------


def test_po_header_is_english_utf8_with_two_plural_forms():
    catalog = _catalog()
    headers = dict(catalog.mime_headers)
    assert headers["Language"] == "en"
    assert "charset=utf-8" in headers["Content-Type"].lower()
    assert headers["Plural-Forms"].replace(" ", "") == "nplurals=2;plural=(n!=1);"
    assert not catalog.fuzzy


def test_every_entry_is_translated_and_not_fuzzy():
    messages = _messages()
    assert len(messages) > 400
    untranslated = [
        m.id for m in messages if (not all(m.string) if m.pluralizable else not m.string.strip())
    ]
    fuzzy = [m.id for m in messages if "fuzzy" in m.flags]
    assert not untranslated, f"untranslated entries in {PO_PATH}: {untranslated}"
    assert not fuzzy, f"fuzzy entries in {PO_PATH}: {fuzzy}"


def _pairs(message):
    """(source, translation) pairs: singular with msgstr[0], plural with msgstr[1]."""
    if message.pluralizable:
        return [(message.id[0], message.string[0]), (message.id[1], message.string[1])]
    return [(message.id, message.string)]


def test_translations_keep_placeholders_and_markup():
    problems = []
    for message in _messages():
        for source, target in _pairs(message):
            for pattern in (PERCENT, BRACE, HTML_TAG):
                if Counter(pattern.findall(source)) != Counter(pattern.findall(target)):
                    problems.append((source, target, pattern.pattern))
    assert not problems, problems


def test_python_format_flags_match_usage():
    """Entries gettext marked python-format really carry a % placeholder in both strings."""
    for message in _messages():
        if "python-format" in message.flags:
            for source, target in _pairs(message):
                assert PERCENT.search(source), source
                assert PERCENT.search(target), (source, target)


def test_translations_look_english():
    """A copy-pasted Vietnamese msgstr would pass the emptiness check; catch it.

    Vietnamese names are allowed (Hà Nội, Bát Tràng, product names), so only strings whose
    diacritic-bearing words dominate count as untranslated.
    """
    vietnamese_letters = re.compile(
        "[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]"
    )
    proper_names = {"Hà Nội"}
    suspicious = []
    for message in _messages():
        for source, target in _pairs(message):
            if target in proper_names:
                continue
            words = target.lower().split()
            marked = [w for w in words if vietnamese_letters.search(w)]
            if (target == source and marked) or len(marked) * 2 > len(words):
                suspicious.append((source, target))
    assert not suspicious, suspicious


def test_compiled_mo_matches_po():
    """The committed .mo (used where gettext is not installed) is not stale."""
    assert MO_PATH.exists(), "run: manage.py compilemessages -l en --ignore=.venv"
    with MO_PATH.open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    for message in _messages():
        if message.context:
            continue
        if message.pluralizable:
            singular, plural = message.id
            assert compiled.ngettext(singular, plural, 1) == message.string[0]
            assert compiled.ngettext(singular, plural, 5) == message.string[1]
        else:
            assert compiled.gettext(message.id) == message.string, message.id


def test_django_serves_english_from_locale_dir():
    with translation.override("en"):
        assert translation.gettext("Giỏ hàng") == "Cart"
        assert translation.ngettext("%(n)s sản phẩm", "%(n)s sản phẩm", 1) % {"n": 1} == (
            "1 product"
        )
        assert translation.ngettext("%(n)s sản phẩm", "%(n)s sản phẩm", 3) % {"n": 3} == (
            "3 products"
        )
    with translation.override("vi"):
        assert translation.gettext("Giỏ hàng") == "Giỏ hàng"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_po_is_up_to_date_with_the_source(tmp_path):
    """Every string marked for translation in the code is in locale/en (run `make messages`).

    makemessages runs on a copy of the source tree so the checkout is never touched.
    """
    copy = tmp_path / "src"
    shutil.copytree(
        ROOT,
        copy,
        ignore=lambda folder, names: [
            n
            for n in names
            if (Path(folder) == ROOT and n in NOT_SOURCE)
            or n == "__pycache__"
            or n.endswith((".sqlite3", ".mo"))
        ],
    )
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "en",
            "--no-obsolete",
            *(f"--ignore={n}" for n in sorted(NOT_SOURCE)),
        ],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    with (copy / "locale" / "en" / "LC_MESSAGES" / "django.po").open("rb") as f:
        extracted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    committed = {m.id if isinstance(m.id, str) else m.id[0] for m in _messages()}
    missing = sorted(extracted - committed)
    assert not missing, f"strings not yet in {PO_PATH.relative_to(ROOT)}: {missing}"


@pytest.mark.django_db
def test_script_messages_come_translated_from_the_page(client):
    """The map and tour scripts take their screen-reader labels from data attributes that the
    templates translate; no Vietnamese is hard-coded in the scripts."""
    from tours.models import VirtualTourPage

    tour_html = _html(_english(client).get(VirtualTourPage.objects.live().first().url))
    assert 'data-goto-label="Go to scene: {title}"' in tour_html
    assert 'data-copied-label="Copied"' in tour_html
    assert 'data-viewing-label="Now viewing: {title}"' in tour_html
    map_html = _html(client.get("/ban-do/"))
    assert 'data-cluster-label="Group of {n} places, press to zoom in"' in map_html
    for script in ("map.js", "tour.js"):
        text = (settings.BASE_DIR / "cms" / "static" / "js" / script).read_text()
        assert not [c for c in text if not c.isascii() and c.isalpha()], script
