"""Site scaffolding for the demo: home page, site record, legal pages and logins."""

from pathlib import Path

from django.contrib.auth import get_user_model
from wagtail.models import Page, Site

from .demo_data import fill_blank, fill_english, publish
from .models import HomePage, OperatorSettings, StandardPage

LEGAL_DIR = Path(__file__).resolve().parent / "data" / "legal"

# (slug, title, footer name), in footer order; the body is cms/data/legal/<slug>.html — plain
# HTML the rich-text field accepts. The texts name "Đơn vị vận hành" and point to the footer
# (the OperatorSettings below), so they stay true when the operator's details change.
LEGAL_PAGES = [
    (
        "quy-che-hoat-dong",
        "Quy chế hoạt động sàn giao dịch thương mại điện tử",
        "Quy chế hoạt động",
    ),
    ("dieu-khoan-mua-hang", "Điều khoản mua hàng", "Điều khoản mua hàng"),
    ("chinh-sach-doi-tra", "Chính sách đổi trả và hoàn tiền", "Chính sách đổi trả"),
    ("chinh-sach-bao-mat", "Chính sách bảo vệ dữ liệu cá nhân", "Chính sách bảo mật"),
    ("thong-tin-nguoi-ban", "Thông tin người bán", "Thông tin người bán"),
    ("lien-he", "Liên hệ", "Liên hệ"),
]

# English titles and footer names of the legal pages (issue 18). Every page has an English body
# (cms/data/legal/en/<slug>.html), a complete translation; the Vietnamese text is what binds.
LEGAL_PAGES_EN = {
    "quy-che-hoat-dong": ("Operating rules of the e-commerce platform", "Operating rules"),
    "dieu-khoan-mua-hang": ("Terms of purchase", "Terms of purchase"),
    "chinh-sach-doi-tra": ("Returns and refunds policy", "Returns policy"),
    "chinh-sach-bao-mat": ("Personal data protection policy", "Privacy policy"),
    "thong-tin-nguoi-ban": ("Seller information", "Seller information"),
    "lien-he": ("Contact", "Contact"),
}

HOME_EN = {
    "title_en": "Hanoi OCOP products and rural tourism",
    "hero_title_en": "Hanoi New Rural Development: OCOP products and rural tourism",
    "hero_text_en": (
        "Buy OCOP products straight from farmers, cooperatives and craft villages; trace where "
        "they come from with a QR code; visit craft villages in 360°."
    ),
}

# What earlier versions of the demo wrote, as (title, body): a page still exactly like this was
# never edited, so the seed gives it the current text. Any other page is an editor's: left alone.
PREVIOUS_DEMO_PAGES = {
    "thong-tin-nguoi-ban": (
        "Thông tin người bán",
        "<p>Mỗi sản phẩm trên trang do chính chủ thể OCOP (doanh nghiệp, hợp tác xã, "
        "hộ kinh doanh) đăng bán và chịu trách nhiệm về chất lượng. "
        "Tên, địa chỉ, số điện thoại của người bán "
        "được ghi trên trang của từng chủ thể.</p><p>Đơn vị vận hành: Văn phòng Điều phối Chương "
        "trình xây dựng nông thôn mới thành phố Hà Nội (bản trình diễn).</p>",
    ),
    "chinh-sach-doi-tra": (
        "Chính sách đổi trả",
        "<p>Người mua được đổi hoặc trả hàng trong 7 ngày kể từ khi nhận nếu sản phẩm lỗi, hỏng, "
        "sai quy cách hoặc hết hạn sử dụng. Thực phẩm tươi sống chỉ đổi trả khi có lỗi từ người "
        "bán, báo trong 24 giờ kèm ảnh chụp.</p><p>Tiền hoàn lại theo đúng phương thức đã thanh "
        "toán trong vòng 7 ngày làm việc.</p>",
    ),
    "lien-he": (
        "Liên hệ",
        "<p>Văn phòng Điều phối nông thôn mới Hà Nội — Hà Nội.</p>"
        "<p>Cổng thông tin: nongthonmoihanoi.gov.vn</p>",
    ),
}

OPERATOR_NAME = "Văn phòng Điều phối Chương trình xây dựng nông thôn mới thành phố Hà Nội"
OPERATOR_NAME_EN = "Coordination Office of the Hanoi New Rural Development Programme"
_DEMO_EN = "(demo — officers enter the real {} in the admin, under the operator settings)"
DEMO_OPERATOR_EN = {
    "name_en": OPERATOR_NAME_EN,
    "address_en": "Hanoi " + _DEMO_EN.format("address"),
    "phone_en": _DEMO_EN.format("phone number"),
    "email_en": _DEMO_EN.format("email address"),
    "registration_number_en": (
        "(demo — not yet registered with the Ministry of Industry and Trade; officers enter the "
        "founding decision and the platform's registration number in the admin, under the "
        "operator settings)"
    ),
}
_DEMO = "(bản trình diễn — cán bộ nhập {} thật trong Cài đặt → Đơn vị vận hành)"
DEMO_OPERATOR = {
    "name": OPERATOR_NAME,
    "address": "Hà Nội " + _DEMO.format("địa chỉ"),
    "phone": _DEMO.format("số điện thoại"),
    "email": _DEMO.format("email"),
    "registration_number": (
        "(bản trình diễn — chưa đăng ký với Bộ Công Thương; cán bộ nhập quyết định thành lập "
        "và số đăng ký sàn thật trong Cài đặt → Đơn vị vận hành)"
    ),
}


def legal_body(slug: str) -> str:
    return (LEGAL_DIR / f"{slug}.html").read_text(encoding="utf-8").strip()


def legal_body_en(slug: str) -> str:
    path = LEGAL_DIR / "en" / f"{slug}.html"
    return path.read_text(encoding="utf-8").strip() if path.exists() else ""


def ensure_home() -> HomePage:
    home = HomePage.objects.first()
    root = Page.get_first_root_node()
    if home is None:
        # Replace Wagtail's placeholder "Welcome" page (created by its initial migration).
        for placeholder in root.get_children().filter(slug="home"):
            if placeholder.specific_class is Page:
                placeholder.delete()
        home = HomePage(
            **HOME_EN,
            title="Sản phẩm OCOP và du lịch nông thôn Hà Nội",
            slug="home",
            hero_title="Nông thôn mới Hà Nội: sản phẩm OCOP và du lịch nông thôn",
            hero_text=(
                "Mua trực tiếp sản phẩm OCOP từ nông dân, hợp tác xã và làng nghề; "
                "truy xuất nguồn gốc bằng mã QR; tham quan làng nghề qua ảnh 360°."
            ),
        )
        root.add_child(instance=home)
        publish(home)
    else:
        fill_english(home, HOME_EN)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name="OCOP Hà Nội",
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.site_name = "OCOP Hà Nội"
        site.save()
    return home


def ensure_legal_pages(home: HomePage) -> None:
    """The legal pages under the home page, published: created when missing; a page still
    exactly as an earlier demo left it gets the current text; a page an editor changed (or is
    changing: an unpublished draft) is never touched. New pages are put in footer order."""
    pages = {p.slug: p for p in StandardPage.objects.child_of(home)}
    created = False
    for slug, title, menu_title in LEGAL_PAGES:
        page = pages.get(slug)
        if page is None:
            title_en, menu_title_en = LEGAL_PAGES_EN[slug]
            page = StandardPage(
                title_en=title_en,
                menu_title_en=menu_title_en,
                body_en=legal_body_en(slug),
                title=title,
                menu_title=menu_title,
                slug=slug,
                body=legal_body(slug),
                show_in_menus=True,
            )
            home.add_child(instance=page)
            publish(page)
            created = True
            continue
        title_en, menu_title_en = LEGAL_PAGES_EN[slug]
        fill_english(
            page,
            {"title_en": title_en, "menu_title_en": menu_title_en, "body_en": legal_body_en(slug)},
        )
        old_title, old_body = PREVIOUS_DEMO_PAGES.get(slug, (None, None))
        if page.body == old_body and not page.has_unpublished_changes:
            page.body = legal_body(slug)
            if page.title == old_title:
                page.title = title
            page.menu_title = page.menu_title or menu_title
            publish(page)
    if created:
        _footer_order(home)


def _footer_order(home: HomePage) -> None:
    """Move the legal pages after their siblings in LEGAL_PAGES order (the footer lists
    StandardPages in tree order) — treebeard's own move: same parent, so no URL changes."""
    from treebeard.mp_tree import MP_Node

    slugs = [slug for slug, _title, _menu in LEGAL_PAGES]
    current = list(
        StandardPage.objects.child_of(home).filter(slug__in=slugs).values_list("slug", flat=True)
    )
    if current == [s for s in slugs if s in current]:
        return
    for slug in slugs:
        page = StandardPage.objects.child_of(home).filter(slug=slug).first()
        if page is not None:
            MP_Node.move(page, Page.objects.get(pk=home.pk), pos="last-child")


def ensure_operator(site: Site) -> OperatorSettings:
    """The operator shown in the footer. A new (empty) record gets the demo's values: the real
    name of the coordinating office, and for the rest notes plainly saying they are a demo and
    where an officer enters the real ones. Anything an officer entered is left as it is."""
    operator = OperatorSettings.for_site(site)
    fields = [*DEMO_OPERATOR, "badge_url"]
    if not any(getattr(operator, name) for name in fields) and operator.badge_image_id is None:
        for name, value in DEMO_OPERATOR.items():
            setattr(operator, name, value)
        operator.save()
    # The demo's English beside the demo's own Vietnamese (never beside an officer's).
    demo_values = all(getattr(operator, k) in ("", v) for k, v in DEMO_OPERATOR.items())
    if demo_values and fill_blank(operator, DEMO_OPERATOR_EN):
        operator.save()
    return operator


def ensure_admin(password: str) -> tuple[str, bool]:
    """The site administrator login `admin`. Returns (username, created)."""
    User = get_user_model()
    user = User.objects.filter(username="admin").first()
    if user is None:
        User.objects.create_superuser("admin", "admin@example.com", password)
        return "admin", True
    return "admin", False
