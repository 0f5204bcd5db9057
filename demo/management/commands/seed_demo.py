"""python manage.py seed_demo [--password P] [--extra-products N] [--allow-production]

Loads the curated Hà Nội data (communes, OCOP categories, producers, products, tourism sites)
with generated pictures. Idempotent: running it twice changes nothing.

Under production settings (or DEMO_ALLOWED = False) it refuses to run: its logins would open the
admin with a password printed in the README. `--allow-production` (a trial or training site)
lets it run, but only with a `--password` of the operator's own, and every login it creates
must change that password at its first login (products.passwords).
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from wagtail.models import Site

from cms import demo as site_demo
from cms.demo_data import load
from cms.search import service as search_service
from experiences import demo as experience_demo
from products import demo as product_demo
from products import roles as product_roles
from tours import demo as tour_demo

DEFAULT_PASSWORD = "ocop-demo-2025"  # the README's; never good enough for a reachable site


def demo_refused() -> bool:
    module = getattr(settings, "SETTINGS_MODULE", "") or ""
    return module.endswith("production") or not getattr(settings, "DEMO_ALLOWED", True)


def force_password_change(usernames) -> int:
    """Each of these logins must change its password first (the onboarding flag)."""
    from django.contrib.auth import get_user_model

    from products.models import FirstLoginPassword

    count = 0
    for user in get_user_model().objects.filter(username__in=list(usernames)):
        _flag, made = FirstLoginPassword.objects.get_or_create(
            user=user, defaults={"initial_password": user.password}
        )
        count += made
    return count


class Command(BaseCommand):
    help = "Tải dữ liệu trình diễn (Hà Nội) — chạy lại nhiều lần không tạo trùng."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="Mật khẩu demo.")
        parser.add_argument(
            "--extra-products", type=int, default=0, help="Thêm N sản phẩm giả lập để thử tải."
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Cho phép chạy với cấu hình production (trang thử nghiệm): cần --password "
            "riêng, mọi tài khoản tạo ra phải đổi mật khẩu khi đăng nhập lần đầu.",
        )

    def handle(self, *args, password, extra_products, allow_production=False, **options):
        if extra_products < 0:
            self.stderr.write("--extra-products phải là số không âm.")
            raise SystemExit(2)
        production = demo_refused()
        if production and not allow_production:
            raise CommandError(
                "Không chạy seed_demo với cấu hình production: dữ liệu và tài khoản trình diễn "
                "(mật khẩu ghi trong README) sẽ mở trang quản trị cho bất kỳ ai. Nếu đây là "
                "trang thử nghiệm, chạy lại với --allow-production và --password riêng."
            )
        if production and password == DEFAULT_PASSWORD:
            raise CommandError(
                "Với --allow-production, hãy đặt --password riêng (không dùng mật khẩu mẫu "
                "trong README)."
            )
        data = load()
        with transaction.atomic():
            product_demo.load_reference_data(data)
            home = site_demo.ensure_home()
            site_demo.ensure_legal_pages(home)
            site_demo.ensure_operator(Site.objects.get(is_default_site=True))
            producer_index, _catalogue = product_demo.ensure_index_pages(home)
            tours_index = tour_demo.ensure_tour_index(home)
            collection = product_demo.demo_collection()
            producers = product_demo.load_producers(data, producer_index, collection)
            created = product_demo.load_products(data, producers, collection)
            product_demo.load_batches(created)
            product_demo.load_ntm_results()
            sites = tour_demo.load_tour_sites(data, tours_index)
            tour_demo.enrich_tour_sites(tours_index)
            tour_demo.load_demo_tours(collection)
        extra = 0
        if extra_products:
            with transaction.atomic():
                extra = product_demo.load_extra_products(extra_products, producers, collection)
        username, made = site_demo.ensure_admin(password)
        logins = product_roles.ensure_roles_and_logins(password)  # issue 3: groups + logins
        with transaction.atomic():
            experience_demo.load_experiences()  # issue 18: sessions on the coming weekends
        search_service.rebuild()  # issue 5: leave the search index built
        if production:
            created_logins = [name for name, _who, created in logins if created]
            force_password_change(created_logins + ([username] if made else []))

        self.stdout.write(
            self.style.SUCCESS(
                f"Đã tải: {len(producers)} chủ thể, {len(created)} sản phẩm mới, "
                f"{sites} điểm du lịch mới, {extra} sản phẩm thử nghiệm mới."
            )
        )
        if made:
            self.stdout.write(f"Tài khoản quản trị: {username} / {password}")
        else:
            self.stdout.write(f"Tài khoản quản trị: {username} (đã có, mật khẩu giữ nguyên)")
        for name, who, created in logins:  # issue 3: officer + one farmer per producer
            note = password if created else "đã có, mật khẩu giữ nguyên"
            self.stdout.write(f"Đăng nhập: {name} / {note} — {who}")
        if production:
            self.stdout.write("Mọi tài khoản vừa tạo phải đổi mật khẩu ở lần đăng nhập đầu tiên.")
