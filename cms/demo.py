"""Site scaffolding for the demo: home page, site record, legal pages and logins."""

from django.contrib.auth import get_user_model
from wagtail.models import Page, Site

from .demo_data import publish
from .models import HomePage, StandardPage

LEGAL_PAGES = [
    (
        "thong-tin-nguoi-ban",
        "Thông tin người bán",
        "<p>Mỗi sản phẩm trên trang do chính chủ thể OCOP (doanh nghiệp, hợp tác xã, "
        "hộ kinh doanh) đăng bán và chịu trách nhiệm về chất lượng. "
        "Tên, địa chỉ, số điện thoại của người bán "
        "được ghi trên trang của từng chủ thể.</p><p>Đơn vị vận hành: Văn phòng Điều phối Chương "
        "trình xây dựng nông thôn mới thành phố Hà Nội (bản trình diễn).</p>",
    ),
    (
        "chinh-sach-doi-tra",
        "Chính sách đổi trả",
        "<p>Người mua được đổi hoặc trả hàng trong 7 ngày kể từ khi nhận nếu sản phẩm lỗi, hỏng, "
        "sai quy cách hoặc hết hạn sử dụng. Thực phẩm tươi sống chỉ đổi trả khi có lỗi từ người "
        "bán, báo trong 24 giờ kèm ảnh chụp.</p><p>Tiền hoàn lại theo đúng phương thức đã thanh "
        "toán trong vòng 7 ngày làm việc.</p>",
    ),
    (
        "lien-he",
        "Liên hệ",
        "<p>Văn phòng Điều phối nông thôn mới Hà Nội — Hà Nội.</p>"
        "<p>Cổng thông tin: nongthonmoihanoi.gov.vn</p>",
    ),
]


def ensure_home() -> HomePage:
    home = HomePage.objects.first()
    root = Page.get_first_root_node()
    if home is None:
        # Replace Wagtail's placeholder "Welcome" page (created by its initial migration).
        for placeholder in root.get_children().filter(slug="home"):
            if placeholder.specific_class is Page:
                placeholder.delete()
        home = HomePage(
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
    existing = set(StandardPage.objects.child_of(home).values_list("slug", flat=True))
    for slug, title, body in LEGAL_PAGES:
        if slug in existing:
            continue
        page = StandardPage(title=title, slug=slug, body=body, show_in_menus=True)
        home.add_child(instance=page)
        publish(page)


def ensure_admin(password: str) -> tuple[str, bool]:
    """The site administrator login `admin`. Returns (username, created)."""
    User = get_user_model()
    user = User.objects.filter(username="admin").first()
    if user is None:
        User.objects.create_superuser("admin", "admin@example.com", password)
        return "admin", True
    return "admin", False
