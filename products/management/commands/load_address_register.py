from django.core.management.base import BaseCommand

from products.register import load_register


class Command(BaseCommand):
    help = "Nạp danh mục đơn vị hành chính cả nước (34 tỉnh/thành, xã/phường sau 1/7/2025, tên cũ)."

    def handle(self, *args, **options):
        result = load_register()
        self.stdout.write(
            f"{result.provinces} tỉnh/thành; xã/phường: {result.communes_created} mới, "
            f"{result.communes_updated} cập nhật; tên cũ: {result.old_names_created} mới."
        )
