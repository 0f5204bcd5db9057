from django.core.management.base import BaseCommand

from shop.returns import escalate_overdue


class Command(BaseCommand):
    help = "Chuyển cho cán bộ sàn các yêu cầu đổi trả người bán chưa trả lời đúng hạn (cron)."

    def handle(self, *args, **options):
        self.stdout.write(f"Đã chuyển {escalate_overdue()} yêu cầu quá hạn.")
