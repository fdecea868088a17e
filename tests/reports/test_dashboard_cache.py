"""The dashboard's figures are kept for at most DASHBOARD_CACHE_SECONDS, shared by the officers
whose access is the same, refreshed by the beat task, and an access change starts from fresh
figures."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agencies.access import access_changed
from agencies.models import Officer
from agencies.services.shares import share_grant
from reports.dashboard_cache import WARM_KEY, dashboards_refresh
from tests.factories import ForeignerFactory, OfficerFactory

DASHBOARD = reverse("dashboard")

# Committed transactions, as in production: inside a transaction the cache is bypassed.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def no_views_recorded():
    """The record of views asked for lately is shared by the tests of this worker."""
    cache.delete(WARM_KEY)


def total(client) -> int:
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    return response.context["f"]["total_foreigners"]


def queries_of(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(DASHBOARD).status_code == 200
    return len(ctx.captured_queries)


def test_second_request_reuses_the_figures(client, kanim_supervisor, regions):
    ForeignerFactory(residence_region_id="73.72.03.1001")
    client.force_login(kanim_supervisor)
    first = queries_of(client)
    second = queries_of(client)
    assert second < first - 5  # the aggregates are not run again


def test_figures_stay_until_an_access_change(client, kanim_supervisor, regions):
    ForeignerFactory(residence_region_id="73.72.03.1001")
    client.force_login(kanim_supervisor)
    assert total(client) == 1
    ForeignerFactory(residence_region_id="73.72.02.1001")
    assert total(client) == 1  # kept (at most five minutes)
    access_changed()
    assert total(client) == 2


def test_each_user_gets_their_own_figures(client, kanim_supervisor, camat_ujung, regions):
    ForeignerFactory(residence_region_id="73.72.03.1001")
    ForeignerFactory(residence_region_id="73.72.02.1001")
    client.force_login(kanim_supervisor)
    assert total(client) == 2
    client.force_login(camat_ujung)
    assert total(client) == 1


def test_no_cache_when_switched_off(client, kanim_supervisor, regions, settings):
    settings.DASHBOARD_CACHE_SECONDS = 0
    client.force_login(kanim_supervisor)
    assert total(client) == 0
    ForeignerFactory(residence_region_id="73.72.03.1001")
    assert total(client) == 1


def test_figures_are_kept_per_period_and_area(client, kanim_supervisor, regions):
    ForeignerFactory(residence_region_id="73.72.03.1001")
    ForeignerFactory(residence_region_id="73.72.02.1001")
    client.force_login(kanim_supervisor)
    assert total(client) == 2
    soreang = client.get(DASHBOARD, {"kecamatan": "73.72.03"}).context["f"]
    assert soreang["total_foreigners"] == 1  # not the cached figures of the whole area
    assert total(client) == 2
    earlier = client.get(DASHBOARD, {"date_to": "2026-01-31"}).context["f"]
    assert earlier["date_to"].isoformat() == "2026-01-31"


def colleague(user, role=Officer.Role.OFFICER):
    return OfficerFactory(agency=user.officer.agency, role=role).user


def test_colleagues_with_the_same_access_share_one_computation(client, kanim_supervisor, regions):
    ForeignerFactory(residence_region_id="73.72.03.1001")
    other = colleague(kanim_supervisor)  # (a new officer is an access change: made first)
    client.force_login(kanim_supervisor)
    first = queries_of(client)
    client.force_login(other)
    assert queries_of(client) < first - 5  # the supervisor's figures, not computed again


def test_a_personal_share_gives_its_holder_own_figures(client, kanim_supervisor, regions):
    ForeignerFactory(residence_region_id="73.72.03.1001")
    away = ForeignerFactory(residence_region_id="73.72.02.1001")  # Ujung: not the camat's
    camat = OfficerFactory(
        agency__kind="kecamatan", agency__region_id="73.72.03", kecamatan_id="73.72.03"
    ).user
    holder, other = colleague(camat), colleague(camat)
    client.force_login(camat)
    assert total(client) == 1
    share_grant(
        granted_by=kanim_supervisor,
        subject_type="foreigner",
        subject_id=away.pk,
        reason="Koordinasi",
        expires_at=timezone.now() + dt.timedelta(days=3),
        user=holder,
    )
    client.force_login(holder)
    assert total(client) == 2  # not the colleague's cached figures
    client.force_login(other)
    assert total(client) == 1  # the share is the holder's alone


def test_the_refresh_task_recomputes_the_views_asked_for(client, kanim_supervisor, regions):
    ForeignerFactory(residence_region_id="73.72.03.1001")
    other = colleague(kanim_supervisor)
    client.force_login(kanim_supervisor)
    assert total(client) == 1
    client.get(DASHBOARD, {"kecamatan": "73.72.03"})  # not the default view: not kept warm
    assert len(cache_warm()) == 1
    ForeignerFactory(residence_region_id="73.72.02.1001")
    assert total(client) == 1  # cached
    assert dashboards_refresh() == 1
    assert total(client) == 2  # computed again by the task, without an access change
    client.force_login(other)
    assert total(client) == 2


def test_the_refresh_task_skips_views_not_asked_for_lately(
    client, kanim_supervisor, regions, settings
):
    client.force_login(kanim_supervisor)
    total(client)
    assert dashboards_refresh() == 1
    settings.DASHBOARD_WARM_SECONDS = -1  # every record is older than the horizon
    assert dashboards_refresh() == 0


def cache_warm() -> dict:
    return cache.get(WARM_KEY) or {}


def test_the_refresh_task_stops_starting_new_ones_at_its_time_budget(
    client, kanim_supervisor, camat_ujung, regions, settings
):
    for user in (kanim_supervisor, camat_ujung):
        client.force_login(user)
        total(client)
    assert len(cache_warm()) == 2
    assert dashboards_refresh() == 2
    settings.DASHBOARD_REFRESH_SECONDS = 0  # the budget is spent before the first one
    assert dashboards_refresh() == 0
