"""Bring groups and permissions up to date (officers, the review workflow, one group per
producer): run after each deployment; idempotent, creates no login."""

from django.core.management.base import BaseCommand

from products.roles import ensure_roles


class Command(BaseCommand):
    help = "Cập nhật nhóm và quyền (cán bộ, quy trình duyệt, mỗi chủ thể một nhóm)."

    def handle(self, *args, **options):
        officers = ensure_roles()
        producers = officers.__class__.objects.filter(name__startswith="Producer: ").count()
        self.stdout.write(f"Đã cập nhật quyền: nhóm {officers.name} và {producers} nhóm chủ thể.")
