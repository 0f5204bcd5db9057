"""Experience test helpers: sessions on the seeded pottery class, buyers' addresses."""

import datetime

import pytest
from django.utils import timezone

from experiences.models import Experience, ExperienceSession
from products.reference import Commune
from shop.checkout import Address, place_order
from tests.shop.fake_stripe import FakeStripe

POTTERY = "Lớp học làm gốm Bát Tràng"


def pottery() -> Experience:
    return Experience.objects.select_related("product").get(product__title=POTTERY)


def new_session(*, capacity=10, hours_ahead=72, experience=None, **fields) -> ExperienceSession:
    """A fresh session `hours_ahead` hours from now (a whole hour, local time)."""
    experience = experience or pottery()
    start = timezone.localtime() + datetime.timedelta(hours=hours_ahead)
    start = start.replace(minute=0, second=0, microsecond=0)
    values = dict(
        experience=experience,
        date=start.date(),
        start_time=start.time(),
        duration_minutes=120,
        capacity=capacity,
        language="vi",
        meeting_point="Xưởng gốm Quang Vinh, Bát Tràng",
        price=200000,
    )
    values.update(fields)
    return ExperienceSession.objects.create(**values)


def address(**overrides) -> Address:
    values = dict(
        recipient="Nguyễn Thị Hoa",
        phone="0912345678",
        commune_id=Commune.objects.get(code="00577").pk,
        street="Số 3, xóm 2",
        email="hoa@example.vn",
    )
    values.update(overrides)
    return Address(**values)


def book(session, n, *, method="cod", **kwargs):
    return place_order(
        items={session.sku: n},
        address=address(),
        shipping={session.experience.product.producer_id: "pickup"},
        payment_method=method,
        **kwargs,
    )


@pytest.fixture
def fake_stripe(settings):
    """The real Stripe SDK against the local fake Stripe API (tests/shop/fake_stripe.py)."""
    fake = FakeStripe().start()
    settings.STRIPE_SECRET_KEY = "sk_test_fake"
    settings.STRIPE_API_BASE = fake.url
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test_secret"
    yield fake
    fake.stop()
