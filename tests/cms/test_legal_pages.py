"""The published rules (issue 15): the legal pages the demo seeds, how a re-seed treats them, and
the operator's identity in the footer (a Wagtail site setting)."""

import re
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from cms import demo
from cms.models import HomePage, OperatorSettings, StandardPage

pytestmark = pytest.mark.django_db

LEGAL = ["quy-che-hoat-dong", "dieu-khoan-mua-hang", "chinh-sach-doi-tra", "chinh-sach-bao-mat"]
FOOTER_ORDER = [
    "Quy chế hoạt động",
    "Điều khoản mua hàng",
    "Chính sách đổi trả",
    "Chính sách bảo mật",
    "Thông tin người bán",
    "Liên hệ",
]
# What each page must say (the sections the brief asks for), lower-cased.
MUST_SAY = {
    "quy-che-hoat-dong": [
        "điều 1.",
        "nghị định số 52/2013/nđ-cp",
        "85/2021/nđ-cp",
        "quyền của đơn vị vận hành",
        "nghĩa vụ của người bán",
        "quyền của người mua",
        "quyết định công nhận sản phẩm ocop",
        "5,5 độ",
        "18 tuổi",
        "khiếu nại",
        "48 giờ",
        "19/2023/qh15",
        "tạm ngừng bán hàng",
        "chấm dứt tư cách người bán",
        "sửa đổi, bổ sung quy chế",
        "hiệu lực",
    ],
    "chinh-sach-bao-mat": [
        "91/2025/qh15",
        "356/2025/nđ-cp",
        "mã số thuế",
        "đơn vị vận chuyển",
        "giao hàng nhanh",
        "giao hàng tiết kiệm",
        "stripe",
        "vietqr",
        "xuyên biên giới",
        "10 năm",
        "luật kế toán",
        "ẩn danh",
        "quyền được biết",
        "rút lại sự đồng ý",
        "quyền xóa",
        "hạn chế xử lý",
        "phản đối",
        "json",
        "bồi thường",
        "tài khoản → dữ liệu cá nhân của tôi",
        "/tai-khoan/du-lieu/",
        "cookie",
        "không bán",
        "18 tuổi",
    ],
    "dieu-khoan-mua-hang": [
        "điều 1.",
        "xem lại đơn hàng",
        "hợp đồng mua bán riêng",
        "trung gian",
        "đồng việt nam",
        "thuế giá trị gia tăng",
        "500.000 đồng",
        "stripe",
        "48 giờ",
        "không áp dụng cho đơn có đồ uống có cồn",
        "hóa đơn điện tử",
        "18 tuổi",
        "đánh giá",
        "kiểm duyệt",
        "khiếu nại",
        "pháp luật việt nam",
    ],
    "chinh-sach-doi-tra": [
        "07 ngày",
        "thực phẩm tươi",
        "giao sai",
        "không đúng mô tả",
        "thiếu hàng",
        "hết hạn",
        "tra cứu đơn hàng",
        "tối đa 03 ảnh",
        "48 giờ",
        "cán bộ sàn",
        "07 ngày làm việc",
        "stripe",
        "chuyển khoản",
        "đổi hàng",
        "phí gửi trả",
        "không được đổi trả",
    ],
}


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _home() -> HomePage:
    return HomePage.objects.get()


def _page(slug) -> StandardPage:
    return StandardPage.objects.get(slug=slug)


def _footer(html: str) -> str:
    return html[html.index('<footer class="site-footer">') :]


def _editor():
    User = get_user_model()
    return User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        "editor", "editor@example.vn", "x"
    )


# --- The seeded pages --------------------------------------------------------------------


@pytest.mark.parametrize("slug", LEGAL)
def test_seed_publishes_each_legal_page_with_its_full_text(client, slug):
    page = _page(slug)
    assert page.live and page.show_in_menus and page.url == f"/{slug}/"
    assert page.body == demo.legal_body(slug)
    text = _text(page.body)
    assert len(text) > 8000, f"{slug}: {len(text)} characters"
    assert "lorem" not in text.lower() and "[...]" not in text and "…]" not in text
    html = client.get(f"/{slug}/").content.decode()
    assert f"<h1>{page.title}</h1>" in html
    said = _text(html).lower()
    missing = [phrase for phrase in MUST_SAY[slug] if phrase not in said]
    assert not missing, f"{slug} does not say {missing}"
    assert "<h2>" in page.body
    if slug in ("quy-che-hoat-dong", "chinh-sach-bao-mat"):  # chapters/sections → articles
        assert "<h3>" in page.body


ENGLISH_MUST_SAY = {
    "quy-che-hoat-dong": [
        "article 1.",
        "decree no. 52/2013/nd-cp",
        "85/2021/nd-cp",
        "5.5% alcohol by volume",
    ],
    "dieu-khoan-mua-hang": ["19/2023/qh15", "cash on delivery"],
    "chinh-sach-doi-tra": ["refund", "damaged or broken in transit"],
    "chinh-sach-bao-mat": ["91/2025/qh15", "356/2025/nd-cp", "delete account"],
}
VIETNAMESE_LETTERS = re.compile(
    "[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.I
)


@pytest.mark.parametrize("slug", LEGAL)
def test_each_legal_page_reads_in_english(client, slug):
    """The whole text in English (issue 18), the same structure as the binding Vietnamese,
    links kept in English, no "not translated yet" notice."""
    page = _page(slug)
    english = page.body_en
    assert english == demo.legal_body_en(slug) and english
    for tag in ("h2", "h3", "p", "li", "ol", "ul", "a"):
        assert english.count(f"<{tag}>") + english.count(f"<{tag} ") == page.body.count(
            f"<{tag}>"
        ) + page.body.count(f"<{tag} "), (slug, tag)
    words = _text(english).split()
    vietnamese = [w for w in words if VIETNAMESE_LETTERS.search(w)]
    assert len(words) > 1200 and len(vietnamese) / len(words) < 0.01, (slug, vietnamese[:20])
    html = client.get(f"/en/{slug}/").content.decode()
    assert "has not been translated yet" not in html
    said = _text(html).lower()
    missing = [phrase for phrase in ENGLISH_MUST_SAY[slug] if phrase not in said]
    assert not missing, f"{slug} does not say {missing}"
    for link in re.findall(r'href="(/[^"#]*)', english):
        assert link.startswith("/en/"), (slug, link)
        assert client.get(link).status_code == 200, (slug, link)


def test_every_demo_body_is_html_the_rich_text_field_keeps():
    allowed = {"h2", "h3", "p", "ul", "ol", "li", "strong", "a"}
    for slug, _title, _menu in demo.LEGAL_PAGES:
        body = demo.legal_body(slug)
        tags = set(re.findall(r"</?([a-z0-9]+)", body))
        assert tags <= allowed, f"{slug}: {tags - allowed}"
        for href in re.findall(r'href="([^"]+)"', body):
            assert href.startswith("/") and href.endswith("/"), href


def test_links_between_the_legal_pages_resolve(client):
    for slug, _title, _menu in demo.LEGAL_PAGES:
        for href in set(re.findall(r'href="(/[^"]*)"', demo.legal_body(slug))):
            assert client.get(href).status_code == 200, f"{slug} links to {href}"


def test_footer_lists_the_legal_pages_in_order(client):
    footer = _footer(client.get("/").content.decode())
    names = re.findall(r'<li><a href="/[a-z-]+/">([^<]+)</a></li>', footer)
    assert names[: len(FOOTER_ORDER)] == FOOTER_ORDER
    assert 'href="/quy-che-hoat-dong/"' in footer and 'href="/chinh-sach-bao-mat/"' in footer


def test_each_page_shows_when_it_was_last_published(client):
    from django.utils import timezone

    page = _page("chinh-sach-bao-mat")
    html = client.get(page.url).content.decode()
    day = timezone.localtime(page.last_published_at).strftime("%d/%m/%Y")
    assert "Cập nhật lần cuối" in html and day in html
    assert f'datetime="{timezone.localtime(page.last_published_at).isoformat()}"' in html
    client.cookies["django_language"] = "en"
    assert "Last updated" in client.get(page.url).content.decode()


# --- Re-seeding ------------------------------------------------------------------------------


def test_reseeding_does_not_overwrite_an_editors_change():
    page = _page("dieu-khoan-mua-hang")
    page.body = "<p>Điều khoản do cán bộ pháp chế soạn lại.</p>"
    page.save_revision(user=_editor()).publish()
    draft = _page("chinh-sach-bao-mat")
    draft.body = "<p>Bản nháp đang sửa.</p>"
    draft.save_revision(user=_editor())  # a draft, not published

    demo.ensure_legal_pages(_home())

    assert _page("dieu-khoan-mua-hang").body == "<p>Điều khoản do cán bộ pháp chế soạn lại.</p>"
    kept = _page("chinh-sach-bao-mat")
    assert kept.body == demo.legal_body("chinh-sach-bao-mat")  # the live text, untouched
    assert kept.has_unpublished_changes
    assert kept.get_latest_revision().content["body"] == "<p>Bản nháp đang sửa.</p>"


def test_the_whole_seed_command_runs_twice_without_touching_edited_pages(demo_password):
    from django.core.management import call_command

    page = _page("quy-che-hoat-dong")
    page.title = "Quy chế (bản của Sở Công Thương)"
    page.save_revision(user=_editor()).publish()
    call_command("seed_demo", "--password", demo_password, verbosity=0)
    page = _page("quy-che-hoat-dong")
    assert page.title == "Quy chế (bản của Sở Công Thương)"
    assert StandardPage.objects.filter(slug="quy-che-hoat-dong").count() == 1
    assert StandardPage.objects.filter(slug__in=LEGAL).count() == 4


def test_the_old_short_return_page_gets_the_new_policy():
    old_title, old_body = demo.PREVIOUS_DEMO_PAGES["chinh-sach-doi-tra"]
    page = _page("chinh-sach-doi-tra")
    page.title, page.menu_title, page.body = old_title, "", old_body
    page.save_revision().publish()  # as the earlier demo left it
    before = page.last_published_at

    demo.ensure_legal_pages(_home())

    page = _page("chinh-sach-doi-tra")
    assert page.body == demo.legal_body("chinh-sach-doi-tra")
    assert page.title == "Chính sách đổi trả và hoàn tiền"
    assert page.menu_title == "Chính sách đổi trả" and page.slug == "chinh-sach-doi-tra"
    assert page.last_published_at > before


def test_an_old_demo_page_an_editor_retitled_keeps_its_title():
    _title, old_body = demo.PREVIOUS_DEMO_PAGES["lien-he"]
    page = _page("lien-he")
    page.title, page.body = "Liên hệ với chúng tôi", old_body
    page.save_revision().publish()
    demo.ensure_legal_pages(_home())
    page = _page("lien-he")
    assert page.title == "Liên hệ với chúng tôi" and page.body == demo.legal_body("lien-he")


def test_missing_pages_are_created_in_footer_order(client):
    """An existing database from before issue 15: only the three old pages, old texts."""
    home = _home()
    for slug in LEGAL:
        if slug != "chinh-sach-doi-tra":
            _page(slug).delete()
    for slug, (title, body) in demo.PREVIOUS_DEMO_PAGES.items():
        page = _page(slug)
        page.title, page.menu_title, page.body = title, "", body
        page.save_revision().publish()

    demo.ensure_legal_pages(home)

    children = StandardPage.objects.child_of(home).order_by("path")
    slugs = list(children.values_list("slug", flat=True))
    assert slugs[:6] == [slug for slug, _t, _m in demo.LEGAL_PAGES]
    footer = _footer(client.get("/").content.decode())
    names = re.findall(r'<li><a href="/[a-z-]+/">([^<]+)</a></li>', footer)
    assert names[:6] == FOOTER_ORDER
    assert client.get("/quy-che-hoat-dong/").status_code == 200
    for slug in demo.PREVIOUS_DEMO_PAGES:
        assert _page(slug).body == demo.legal_body(slug)


# --- The operator in the footer ------------------------------------------------------------


def _site() -> Site:
    return Site.objects.get(is_default_site=True)


def _operator(**values) -> OperatorSettings:
    operator = OperatorSettings.for_site(_site())
    for name in ("name", "address", "phone", "email", "registration_number", "badge_url"):
        setattr(operator, name, values.get(name, ""))
        if name != "badge_url":  # the demo's English went with the demo's Vietnamese
            setattr(operator, f"{name}_en", values.get(f"{name}_en", ""))
    operator.badge_image = values.get("badge_image")
    operator.save()
    return operator


def test_the_demo_operator_is_named_and_its_placeholders_say_they_are_a_demo(client):
    operator = OperatorSettings.for_site(_site())
    assert operator.name == demo.OPERATOR_NAME
    for name in ("address", "phone", "email", "registration_number"):
        value = getattr(operator, name)
        assert "bản trình diễn" in value and "Đơn vị vận hành" in value, name
    footer = _footer(client.get("/").content.decode())
    assert demo.OPERATOR_NAME in footer
    assert "tel:" not in footer and "mailto:" not in footer  # no fake number made clickable
    assert footer.count("bản trình diễn") == 4


def test_reseeding_keeps_the_operator_an_officer_entered():
    _operator(name="Sở Công Thương Hà Nội", phone="024 3825 1234")
    demo.ensure_operator(_site())
    operator = OperatorSettings.for_site(_site())
    assert operator.name == "Sở Công Thương Hà Nội" and operator.phone == "024 3825 1234"
    assert operator.address == "" and operator.email == ""


def test_footer_shows_the_operator_from_the_setting(client):
    _operator(
        name="Văn phòng Điều phối nông thôn mới Hà Nội",
        address="Số 38 Tô Hiến Thành, Hà Nội",
        phone="024 3825 1234",
        email="hotro@example.vn",
        registration_number="Quyết định số 123/QĐ-UBND",
        badge_url="https://online.gov.vn/Home/WebDetails/12345",
    )
    footer = _footer(client.get("/chinh-sach-bao-mat/").content.decode())
    assert "Đơn vị vận hành" in footer and "Văn phòng Điều phối nông thôn mới Hà Nội" in footer
    assert "Số 38 Tô Hiến Thành, Hà Nội" in footer
    assert '<a href="tel:02438251234">024 3825 1234</a>' in footer
    assert '<a href="mailto:hotro@example.vn">hotro@example.vn</a>' in footer
    assert "Quyết định số 123/QĐ-UBND" in footer
    assert 'href="https://online.gov.vn/Home/WebDetails/12345"' in footer
    assert "Đã đăng ký Bộ Công Thương" in footer


def test_footer_hides_empty_fields(client, django_capture_on_commit_callbacks):
    _operator(name="Văn phòng Điều phối nông thôn mới Hà Nội", phone="+84 24 3825 1234")
    footer = _footer(client.get("/").content.decode())
    assert "Văn phòng Điều phối nông thôn mới Hà Nội" in footer
    assert 'href="tel:+842438251234"' in footer
    for label in ("Địa chỉ:", "Thư điện tử:", "Giấy phép / đăng ký:", "Bộ Công Thương", "mailto:"):
        assert label not in footer, label
    with django_capture_on_commit_callbacks(execute=True):  # as a real save commits
        _operator()
    footer = _footer(client.get("/").content.decode())
    assert 'class="operator"' not in footer and "Đơn vị vận hành" not in footer


def test_footer_shows_the_badge_image_when_set(client):
    from wagtail.images import get_image_model

    image = get_image_model().objects.order_by("pk").first()
    assert image is not None, "the demo has pictures"
    _operator(badge_image=image)
    footer = _footer(client.get("/").content.decode())
    assert 'class="operator-badge"' in footer and "<img" in footer
    assert 'alt="Đã đăng ký Bộ Công Thương"' in footer


def test_the_footer_in_english(client):
    _operator(name="Văn phòng Điều phối", email="hotro@example.vn")
    client.cookies["django_language"] = "en"
    footer = _footer(client.get("/").content.decode())
    assert "Operator" in footer and "Văn phòng Điều phối" in footer


def test_the_setting_is_read_once_per_page(client):
    from django.core.cache import cache

    def reads():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/chinh-sach-doi-tra/").status_code == 200
        return [q["sql"] for q in queries if "cms_operatorsettings" in q["sql"]]

    client.get("/")  # warm whatever else caches
    cache.clear()  # the footer is kept per site (cms/chrome.py): render it afresh
    assert len(reads()) == 1
    assert reads() == []  # then from the cache until a "site" purge


def test_the_footer_follows_a_settings_change(client, django_capture_on_commit_callbacks):
    """The cached footer is purged with the "site" tag when the operator settings change."""
    _operator(name="Văn phòng Điều phối")
    assert "Văn phòng Điều phối" in _footer(client.get("/").content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        _operator(name="Sở Công Thương Hà Nội")
    footer = _footer(client.get("/lien-he/").content.decode())
    assert "Sở Công Thương Hà Nội" in footer and "Văn phòng Điều phối" not in footer


def test_the_footer_has_nothing_per_visitor(client):
    """The operator block is the same for everyone (public pages stay cacheable)."""
    from products.models import ProductVariant

    first = _footer(Client().get("/lien-he/").content.decode())
    other = Client()
    variant = ProductVariant.objects.filter(page__live=True).first()
    other.post("/shop/cart/add/", {"sku": variant.sku, "quantity": "1"})
    second = _footer(other.get("/lien-he/").content.decode())
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", first) == strip.sub("", second)


def test_the_badge_link_must_point_to_online_gov_vn():
    operator = _operator(badge_url="https://example.com/fake-badge")
    with pytest.raises(ValidationError):
        operator.full_clean()
    operator.badge_url = "https://online.gov.vn/Home/WebDetails/1"
    operator.full_clean()


def test_the_operator_setting_is_in_the_admin(client):
    client.force_login(_editor())
    response = client.get(f"/admin/settings/cms/operatorsettings/{_site().pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Đơn vị vận hành" in html and "giấy phép / số đăng ký" in html.lower()
