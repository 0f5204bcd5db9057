"""Cron (hourly): settle the no-shows of experience sessions that ended a day ago."""

from django.core.management.base import BaseCommand

from experiences.bookings import settle_no_shows


class Command(BaseCommand):
    help = "Quyết toán khách không đến của các buổi trải nghiệm đã kết thúc (chủ thể giữ tiền cọc)."

    def handle(self, *args, **options):
        n = settle_no_shows()
        self.stdout.write(f"Đã quyết toán {n} vé khách không đến.")
