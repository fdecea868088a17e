"""The dashboard's figures are kept per user for at most DASHBOARD_CACHE_SECONDS, and an access
change starts from fresh figures."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.access import access_changed
from tests.factories import ForeignerFactory

DASHBOARD = reverse("dashboard")

# Committed transactions, as in production: inside a transaction the cache is bypassed.
pytestmark = pytest.mark.django_db(transaction=True)


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
