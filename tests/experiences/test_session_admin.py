"""Producers schedule the sessions of their own experiences in the Wagtail admin: they list and
edit only theirs, may choose only their own experiences, cannot open another producer's
session, and cannot delete a session somebody booked (they cancel it instead)."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from experiences.models import Experience, ExperienceSession

from .conftest import book, new_session, pottery
from .test_tickets import OFFICER, OTHER, OWNER, login

pytestmark = pytest.mark.django_db

BASE = "/admin/snippets/experiences/experiencesession/"


def form_data(experience, **overrides):
    day = timezone.localdate() + datetime.timedelta(days=20)
    data = {
        "experience": str(experience.pk),
        "date": day.isoformat(),
        "start_time": "08:30",
        "duration_minutes": "150",
        "capacity": "12",
        "language": "en",
        "price": "",
        "meeting_point": "Cổng làng gốm Bát Tràng",
        "latitude": "21.0297",
        "longitude": "105.9128",
        "status": "open",
    }
    data.update(overrides)
    return data


def other_experience():
    return Experience.objects.exclude(product__producer_id=pottery().product.producer_id).first()


def test_producer_lists_only_its_own_sessions():
    mine = new_session(capacity=5)
    theirs = new_session(capacity=5, experience=other_experience())
    page = login(OWNER).get(BASE).content.decode()
    assert f"{BASE}edit/{mine.pk}/" in page
    assert f"{BASE}edit/{theirs.pk}/" not in page
    officer_page = login(OFFICER).get(BASE).content.decode()
    assert f"{BASE}edit/{theirs.pk}/" in officer_page


def test_producer_adds_a_session_of_its_own_experience_only():
    client = login(OWNER)
    form = client.get(f"{BASE}add/").content.decode()
    assert pottery().product.title in form
    assert other_experience().product.title not in form
    response = client.post(f"{BASE}add/", form_data(pottery()))
    assert response.status_code == 302, response.content.decode()[:3000]
    made = ExperienceSession.objects.get(meeting_point="Cổng làng gốm Bát Tràng")
    assert made.experience == pottery() and made.capacity == 12 and made.language == "en"
    # a forged POST naming another producer's experience is a form error, nothing is saved
    before = ExperienceSession.objects.count()
    forged = client.post(
        f"{BASE}add/", form_data(other_experience(), meeting_point="Đình làng Đường Lâm")
    )
    assert forged.status_code == 200
    assert "Select a valid choice" in forged.content.decode() or "Hãy chọn" in (
        forged.content.decode()
    )
    assert ExperienceSession.objects.count() == before


def test_producer_cannot_open_another_producers_session():
    theirs = new_session(capacity=5, experience=other_experience())
    client = login(OWNER)
    for url in (f"{BASE}edit/{theirs.pk}/", f"{BASE}delete/{theirs.pk}/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/")
    response = client.post(f"{BASE}edit/{theirs.pk}/", form_data(other_experience(), capacity="1"))
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.capacity == 5
    # the owner of that experience may
    assert login(OTHER).get(f"{BASE}edit/{theirs.pk}/").status_code == 200


def test_capacity_below_booked_places_is_refused_and_booking_kept():
    session = new_session(capacity=6)
    book(session, 4)
    client = login(OWNER)
    response = client.post(
        f"{BASE}edit/{session.pk}/",
        form_data(
            pottery(),
            date=session.date.isoformat(),
            start_time=session.start_time.strftime("%H:%M"),
            capacity="3",
        ),
    )
    assert response.status_code == 200  # the form again, with the error
    session.refresh_from_db()
    assert session.capacity == 6 and session.held == 4


def test_a_booked_session_is_not_deleted_an_empty_one_is():
    booked = new_session(capacity=6)
    book(booked, 1)
    empty = new_session(capacity=6, hours_ahead=120)
    client = login(OWNER)
    response = client.post(f"{BASE}delete/{booked.pk}/", follow=True)
    assert "Đã hủy" in response.content.decode()
    assert ExperienceSession.objects.filter(pk=booked.pk).exists()
    assert client.post(f"{BASE}delete/{empty.pk}/").status_code == 302
    assert not ExperienceSession.objects.filter(pk=empty.pk).exists()


def test_ensure_roles_grants_producers_the_session_permissions():
    from django.contrib.auth.models import Group

    group = Group.objects.get(name=f"Producer: {OWNER}")
    group.permissions.remove(*group.permissions.filter(codename__endswith="experiencesession"))
    assert not group.permissions.filter(codename="add_experiencesession").exists()
    call_command("ensure_roles", verbosity=0)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"add_experiencesession", "change_experiencesession"} <= codenames
