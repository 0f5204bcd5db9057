"""python manage.py search_index rebuild|update|status"""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from cms.search import service


class Command(BaseCommand):
    help = "Quản lý chỉ mục tìm kiếm: rebuild (tạo lại), update (cập nhật), status (trạng thái)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "update", "status"])
        parser.add_argument("--no-progress", action="store_true", help="Không hiện thanh tiến độ.")

    def handle(self, *args, action, no_progress, **options):
        if action == "status":
            self._status(service.status())
            return
        total = service.total_objects()
        disable = no_progress or options.get("verbosity", 1) == 0 or None
        with tqdm(total=total, desc="Chỉ mục tìm kiếm", unit="tài liệu", disable=disable) as bar:
            run = service.rebuild if action == "rebuild" else service.update
            outcome = run(progress=bar.update)
        if options.get("verbosity", 1):
            figures = ", ".join(f"{k}: {v}" for k, v in outcome.items())
            self.stdout.write(self.style.SUCCESS(f"Xong ({action}) — {figures}"))

    def _status(self, info: dict) -> None:
        db = info["database"]
        self.stdout.write(f"Công cụ: {'elasticsearch' if 'elasticsearch' in info else 'database'}")
        self.stdout.write(f"Phiên bản chỉ mục: {db['version']}, tạo lại lúc: {db['rebuilt_at']}")
        self.stdout.write(f"Số từ vựng: {db['terms']}")
        for doc_type, registered in info["registered"].items():
            indexed = db["documents"].get(doc_type, 0)
            mark = "" if indexed == registered else "  ← cần cập nhật"
            self.stdout.write(f"  {doc_type}: {indexed}/{registered} đã lập chỉ mục{mark}")
        if "elasticsearch" in info:
            self.stdout.write(f"Elasticsearch: {info['elasticsearch']}")
