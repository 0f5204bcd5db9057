"""Demo experiences (run by seed_demo): a pottery class at Bát Tràng, the Hồng Vân village
tour and a silk-farm morning at Phùng Xá (products of cms/data/hanoi.json, category VI.1), with
sessions on the coming weekends relative to the day of seeding. Idempotent: products by slug,
rules by product, sessions by (experience, date, start time)."""

import datetime
from decimal import Decimal

from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from cms.demo_data import vi_slug
from products.models import ProductPage
from products.roles import OFFICER_GROUP

from .models import Experience, ExperienceSession

WEEKS = 4

EXPERIENCES = [
    {
        "producer": "gom-su-quang-vinh",
        "name": "Lớp học làm gốm Bát Tràng",
        "price": 250000,
        "free_cancel_hours": 24,
        "payment": Experience.Payment.FULL,
        "deposit_percent": 100,
        "meeting_point": "Xưởng gốm Quang Vinh, xóm 3, làng gốm Bát Tràng",
        "meeting_point_en": "Quang Vinh pottery workshop, hamlet 3, Bát Tràng pottery village",
        "lat": Decimal("20.977400"),
        "lon": Decimal("105.913600"),
        "duration": 150,
        "capacity": 12,
        # (weekday: 5 = Saturday, 6 = Sunday, start time, guide language)
        "slots": [
            (5, datetime.time(9, 0), "vi"),
            (5, datetime.time(14, 0), "en"),
            (6, datetime.time(9, 0), "vi"),
        ],
    },
    {
        "producer": "htx-hong-van",
        "name": "Trải nghiệm du lịch nông thôn làng Hồng Vân",  # already in hanoi.json
        "price": None,  # the product's own price (350.000 ₫)
        "free_cancel_hours": 48,
        "payment": Experience.Payment.DEPOSIT,
        "deposit_percent": 30,
        "meeting_point": "Nhà văn hóa thôn Hồng Vân, xã Hồng Vân",
        "meeting_point_en": "Hồng Vân village cultural house, Hồng Vân commune",
        "lat": Decimal("20.877400"),
        "lon": Decimal("105.908300"),
        "duration": 360,
        "capacity": 20,
        "slots": [(6, datetime.time(8, 0), "vi"), (6, datetime.time(8, 30), "en")],
    },
    {
        "producer": "dau-tam-to-my-duc",
        "name": "Buổi sáng nuôi tằm, ươm tơ ở Phùng Xá",
        "price": 180000,
        "free_cancel_hours": 12,
        "payment": Experience.Payment.FULL,
        "deposit_percent": 100,
        "meeting_point": "Cơ sở Dâu tằm tơ Mỹ Đức, thôn Phùng Xá",
        "meeting_point_en": "Mỹ Đức Mulberry and Silk workshop, Phùng Xá village",
        "lat": None,
        "lon": None,
        "duration": 180,
        "capacity": 8,
        "slots": [(5, datetime.time(7, 30), "vi")],
    },
]


def _product(item) -> ProductPage | None:
    """The experience's product page, loaded from cms/data/hanoi.json by products/demo.py."""
    return ProductPage.objects.filter(
        producer__slug=item["producer"], slug=vi_slug(item["name"])
    ).first()


def upcoming_weekend_days(weekday: int, today: datetime.date, weeks: int = WEEKS):
    first = today + datetime.timedelta(days=(weekday - today.weekday()) % 7 or 7)
    return [first + datetime.timedelta(weeks=n) for n in range(weeks)]


def load_experiences(today: datetime.date | None = None) -> int:
    """Create what is missing; returns how many sessions were created."""
    today = today or timezone.localdate()
    created = 0
    for item in EXPERIENCES:
        product = _product(item)
        if product is None:
            continue
        experience, _new = Experience.objects.get_or_create(
            product=product,
            defaults={
                "free_cancel_hours": item["free_cancel_hours"],
                "payment": item["payment"],
                "deposit_percent": item["deposit_percent"],
            },
        )
        for weekday, start, language in item["slots"]:
            for day in upcoming_weekend_days(weekday, today):
                _session, made = ExperienceSession.objects.get_or_create(
                    experience=experience,
                    date=day,
                    start_time=start,
                    defaults={
                        "duration_minutes": item["duration"],
                        "capacity": item["capacity"],
                        "language": language,
                        "meeting_point": item["meeting_point"],
                        "meeting_point_en": item["meeting_point_en"],
                        "latitude": item["lat"],
                        "longitude": item["lon"],
                        "price": item["price"],
                    },
                )
                created += made
    grant_officer_permissions()
    return created


def grant_officer_permissions() -> None:
    """Officers edit experiences and sessions (snippets); producers see their participants."""
    group = Group.objects.filter(name=OFFICER_GROUP).first()
    if group is None:
        return
    codenames = [
        f"{action}_{model}"
        for model in ("experience", "experiencesession")
        for action in ("add", "change", "delete", "view")
    ]
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="experiences", codename__in=codenames)
    )
