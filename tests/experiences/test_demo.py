"""Demo experiences: real producers of the seed data, sessions on the coming weekends,
idempotent seeding."""

import datetime

import pytest

from experiences import demo
from experiences.models import Experience, ExperienceSession

pytestmark = pytest.mark.django_db


def test_seeded_experiences_and_sessions():
    titles = set(Experience.objects.values_list("product__title", flat=True))
    assert {
        "Lớp học làm gốm Bát Tràng",
        "Trải nghiệm du lịch nông thôn làng Hồng Vân",
        "Buổi sáng nuôi tằm, ươm tơ ở Phùng Xá",
    } <= titles
    pottery = Experience.objects.get(product__title="Lớp học làm gốm Bát Tràng")
    assert pottery.product.producer.slug == "gom-su-quang-vinh"
    assert pottery.product.category.code == "VI.1"
    sessions = list(pottery.sessions.all())
    assert len(sessions) == 3 * demo.WEEKS
    assert all(s.date.weekday() in (5, 6) for s in sessions)
    assert {s.language for s in sessions} == {"vi", "en"}
    hong_van = Experience.objects.get(product__title__contains="Hồng Vân")
    assert hong_van.payment == "deposit" and hong_van.deposit_percent == 30
    assert hong_van.sessions.first().unit_price == hong_van.product.min_price == 350000
    assert hong_van.deposit_of(350000) == 105000


def test_weekend_days_are_after_today():
    wednesday = datetime.date(2026, 12, 2)
    assert demo.upcoming_weekend_days(5, wednesday, 2) == [
        datetime.date(2026, 12, 5),
        datetime.date(2026, 12, 12),
    ]
    saturday = datetime.date(2026, 12, 5)
    assert demo.upcoming_weekend_days(5, saturday, 1) == [datetime.date(2026, 12, 12)]


def test_second_run_changes_nothing():
    before = ExperienceSession.objects.count()
    assert demo.load_experiences() == 0
    assert ExperienceSession.objects.count() == before
    assert Experience.objects.count() == 3
