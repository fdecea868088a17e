"""Session limits (30 minutes idle, 12 hours absolute), a new session id at sign-in, the end of
a deactivated account's sessions, and the lockout still in front of the second factor."""

import datetime as dt

import pytest
import time_machine
from django.contrib.sessions.backends.cached_db import KEY_PREFIX as CACHE_PREFIX
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client

from accounts.services import user_deactivate
from tests.factories import UserFactory

from .conftest import sign_in

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def officer(db):
    return UserFactory(username="petugas.polres")


def _signed_in(client) -> bool:
    return client.get("/").status_code == 200


def test_sign_in_gives_a_new_session_id(client, officer):
    client.get("/masuk/")
    client.session["probe"] = 1
    before = client.cookies.get("sessionid")
    sign_in(client, officer.username)
    after = client.cookies["sessionid"].value
    assert after and (before is None or before.value != after)


def test_session_ends_after_30_minutes_idle(client, officer):
    with time_machine.travel(START, tick=False) as traveller:
        sign_in(client, officer.username)
        traveller.shift(dt.timedelta(minutes=29))
        assert _signed_in(client)
        traveller.shift(dt.timedelta(minutes=29))  # active: 29 min after the last request
        assert _signed_in(client)
        traveller.shift(dt.timedelta(minutes=31))
        assert not _signed_in(client)


def test_session_ends_12_hours_after_sign_in_even_when_active(client, officer):
    with time_machine.travel(START, tick=False) as traveller:
        sign_in(client, officer.username)
        for _ in range(11 * 4):
            traveller.shift(dt.timedelta(minutes=15))
            assert _signed_in(client)
        traveller.shift(dt.timedelta(minutes=61))
        response = client.get("/")
        assert response.status_code == 302 and response["Location"].startswith("/masuk/")


def test_deactivating_an_account_ends_all_its_sessions(officer, django_capture_on_commit_callbacks):
    phone, desk = Client(), Client()
    sign_in(phone, officer.username)
    sign_in(desk, officer.username, address="198.51.100.4")
    other = UserFactory(username="other")
    bystander = Client()
    sign_in(bystander, other.username)
    assert Session.objects.count() == 3
    with django_capture_on_commit_callbacks(execute=True):
        user_deactivate(user=officer)
    assert Session.objects.count() == 1
    # Sessions are read from the cache in front of the database: their copies went too.
    for client in (phone, desk):
        assert cache.get(CACHE_PREFIX + client.cookies["sessionid"].value) is None
    assert not _signed_in(phone) and not _signed_in(desk)
    assert _signed_in(bystander)


def test_unticking_active_in_the_admin_ends_the_sessions_too(
    officer, django_capture_on_commit_callbacks
):
    desk = Client()
    sign_in(desk, officer.username)
    officer.is_active = False
    with django_capture_on_commit_callbacks(execute=True):
        officer.save()
    assert not Session.objects.exists()
    assert not _signed_in(desk)


def test_lockout_still_applies_before_the_second_factor(client, regions):
    from agencies.models import Agency, Officer
    from tests.conftest import _officer

    supervisor = _officer(Agency.Kind.IMIGRASI, Officer.Role.SUPERVISOR)
    for _ in range(5):
        sign_in(client, supervisor.username, password="wrong-password")
    assert sign_in(client, supervisor.username).status_code == 429
    assert "_auth_user_id" not in client.session
