"""python manage.py seed_demo [--password P] [--extra-products N]

Loads the curated Hà Nội data (communes, OCOP categories, producers, products, tourism sites)
with generated pictures. Idempotent: running it twice changes nothing.
"""

from django.core.management.base import BaseCommand
from django.db import transaction
from wagtail.models import Site

from cms import demo as site_demo
from cms.demo_data import load
from cms.search import service as search_service
from products import demo as product_demo
from products import roles as product_roles
from tours import demo as tour_demo


class Command(BaseCommand):
    help = "Tải dữ liệu trình diễn (Hà Nội) — chạy lại nhiều lần không tạo trùng."

    def add_arguments(self, parser):
        parser.add_argument("--password", default="ocop-demo-2025", help="Mật khẩu demo.")
        parser.add_argument(
            "--extra-products", type=int, default=0, help="Thêm N sản phẩm giả lập để thử tải."
        )

    def handle(self, *args, password, extra_products, **options):
        if extra_products < 0:
            self.stderr.write("--extra-products phải là số không âm.")
            raise SystemExit(2)
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
            sites = tour_demo.load_tour_sites(data, tours_index)
            tour_demo.enrich_tour_sites(tours_index)
            tour_demo.load_demo_tours(collection)
        extra = 0
        if extra_products:
            with transaction.atomic():
                extra = product_demo.load_extra_products(extra_products, producers, collection)
        username, made = site_demo.ensure_admin(password)
        logins = product_roles.ensure_roles_and_logins(password)  # issue 3: groups + logins
        search_service.rebuild()  # issue 5: leave the search index built

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
