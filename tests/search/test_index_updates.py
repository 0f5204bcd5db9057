"""The index follows the site: publish, unpublish, delete, move, stock changes; the command."""

import pytest
from django.core.management import call_command
from django.http import QueryDict

from cms.search import service
from cms.search.models import IndexedDocument
from products.models import ProducerPage, ProductPage
from products.stock import set_on_hand

pytestmark = pytest.mark.django_db


def titles(q: str, **params) -> list[str]:
    query = QueryDict(mutable=True)
    query["q"] = q
    for key, value in params.items():
        query[key] = value
    return [hit.title for hit in service.search(query).hits]


def test_seed_demo_left_the_index_built():
    info = service.status()
    assert info["database"]["documents"] == info["registered"]
    assert info["registered"]["product"] > 0 and info["registered"]["site"] > 0


def test_publish_a_new_product_indexes_it(django_capture_on_commit_callbacks):
    producer = ProducerPage.objects.live().get(slug="tra-sen-hien-xiem")
    template = ProductPage.objects.live().child_of(producer).first()
    page = ProductPage(
        title="Mứt gừng Quảng An",
        slug="mut-gung-quang-an",
        name_en="Candied ginger",
        summary="Mứt gừng dẻo",
        category=template.category,
        origin_commune=template.origin_commune,
        ocop_stars=3,
    )
    from products.models import ProductVariant

    page.variants = [ProductVariant(sku="mut-gung-qa-1", label="Hộp 200 g", price=65000)]
    with django_capture_on_commit_callbacks(execute=True):
        producer.add_child(instance=page)
        assert "Mứt gừng Quảng An" not in titles("mut gung")  # a draft is not searchable
        page.save_revision().publish()
    assert titles("mut gung")[0] == "Mứt gừng Quảng An"
    assert titles("candied ginger")[0] == "Mứt gừng Quảng An"


def test_unpublish_and_republish(django_capture_on_commit_callbacks):
    page = ProductPage.objects.live().get(title="Khay sơn mài")
    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    assert "Khay sơn mài" not in titles("khay son mai")
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert titles("khay son mai")[0] == "Khay sơn mài"


def test_edit_and_publish_updates_title(django_capture_on_commit_callbacks):
    page = ProductPage.objects.live().get(title="Hành phi")
    page.title = "Hành phi thơm giòn"
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert titles("hanh phi gion")[0] == "Hành phi thơm giòn"


def test_delete_removes_from_index(django_capture_on_commit_callbacks):
    page = ProductPage.objects.live().get(title="Tỏi chiên")
    pk = page.pk
    with django_capture_on_commit_callbacks(execute=True):
        page.delete()
    assert not IndexedDocument.objects.filter(doc_type="product", object_id=pk).exists()
    assert "Tỏi chiên" not in titles("toi chien")


def test_move_updates_url(django_capture_on_commit_callbacks):
    page = ProductPage.objects.live().get(title="Bánh pía")
    target = ProducerPage.objects.live().get(slug="com-phuc-duc")
    with django_capture_on_commit_callbacks(execute=True):
        page.move(target, pos="last-child")
    page.refresh_from_db()
    doc = IndexedDocument.objects.get(doc_type="product", object_id=page.pk)
    assert doc.url == page.url and "com-phuc-duc" in doc.url


def test_stock_change_updates_in_stock_facet(django_capture_on_commit_callbacks):
    page = ProductPage.objects.live().get(title="Hương trầm")
    sku = page.variants.first().sku
    with django_capture_on_commit_callbacks(execute=True):
        set_on_hand(sku, 0)
    assert "Hương trầm" not in titles("huong tram", in_stock="1")
    with django_capture_on_commit_callbacks(execute=True):
        set_on_hand(sku, 12)
    assert titles("huong tram", in_stock="1")[0] == "Hương trầm"
    with django_capture_on_commit_callbacks(execute=True):
        set_on_hand(sku, 0)
    assert "Hương trầm" not in titles("huong tram", in_stock="1")


def test_update_task_drops_objects_no_longer_indexable():
    page = ProductPage.objects.live().get(title="Hương quế")
    ProductPage.objects.filter(pk=page.pk).update(live=False)  # behind the signals' back
    assert "Hương quế" in titles("huong que")
    from cms.search.tasks import update_index_task

    result = update_index_task.enqueue("product", [page.pk])
    assert result.status == "SUCCESSFUL"
    assert "Hương quế" not in titles("huong que")


def test_command_update_and_status(capsys):
    IndexedDocument.objects.filter(doc_type="site").delete()  # stale FTS rows are harmless
    call_command("search_index", "status")
    out = capsys.readouterr().out
    assert "site: 0/" in out and "cần cập nhật" in out
    call_command("search_index", "update", "--no-progress")
    call_command("search_index", "status")
    out = capsys.readouterr().out
    assert "cần cập nhật" not in out
    assert titles("chua huong")[0] == "Chùa Hương"


def test_command_rebuild():
    call_command("search_index", "rebuild", "--no-progress", verbosity=0)
    info = service.status()
    assert info["database"]["documents"] == info["registered"]
    assert info["database"]["rebuilt_at"] is not None
    assert titles("gom bat trang")


class FlakyElasticsearch:
    """Stands in for the Elasticsearch engine (cms/search/backends/elastic.py) at the service's
    boundary: unreachable while `down`, then it records what it is sent."""

    unavailable = ConnectionError

    def __init__(self):
        self.down, self.indexed = True, []

    def index(self, prepared):
        if self.down:
            raise ConnectionError("Connection refused: 127.0.0.1:9200")
        self.indexed.extend(prepared)

    def remove(self, doc_type, ids):
        if self.down:
            raise ConnectionError("Connection refused: 127.0.0.1:9200")


def test_index_updates_are_retried_with_backoff_while_elasticsearch_is_down(
    monkeypatch, settings, django_capture_on_commit_callbacks
):
    """The database index follows at once (search falls back to it); the "index" job keeps
    trying Elasticsearch with backoff on the database queue until it answers."""
    import django_tasks_db.management.commands.db_worker as db_worker
    from django.test import override_settings
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from cms.models import Job
    from tests.cms.test_jobs import DB_TASKS, _run_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    engine = FlakyElasticsearch()
    monkeypatch.setattr(service, "elastic_engine", lambda: engine)
    page = ProductPage.objects.live().get(title="Hành phi")
    page.title = "Hành phi Phương Quân"
    with override_settings(TASKS=DB_TASKS):
        with django_capture_on_commit_callbacks(execute=True):
            page.save_revision().publish()
        job = Job.objects.filter(kind="index", args=["product", [page.pk]]).latest("pk")
        before = timezone.now()
        _run_worker()
        job.refresh_from_db()
        assert job.status == Job.Status.RETRYING and job.attempts == 1
        assert job.last_error.startswith("ConnectionError")
        assert 9 <= (job.next_attempt_at - before).total_seconds() <= 11  # "index": from 10 s
        doc = IndexedDocument.objects.get(doc_type="product", object_id=page.pk)
        assert doc.title == "Hành phi Phương Quân"  # the database index did not wait

        engine.down = False
        DBTaskResult.objects.filter(pk=job.task_result_id).update(run_after=timezone.now())
        _run_worker()
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.attempts == 2
    assert [d.object_id for d in engine.indexed] == [page.pk]
