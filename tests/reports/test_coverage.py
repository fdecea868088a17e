"""The overstay rule's shortcut (reports.rules.coverage.latest_coverage_ends) against the
coverage islands it replaced: on random permit histories — overlapping, successive, with gaps,
future-dated, cancelled, diplomatic — both must say who is uncovered on a day, since when and by
which permit's end."""

import datetime as dt
import random

import pytest
from django.db import connection

from foreigners.models import StayPermit
from reports.rules.coverage import coverage_islands, latest_coverage_ends
from tests.factories import ForeignerFactory, StayPermitFactory

pytestmark = pytest.mark.usefixtures("regions")

START = dt.date(2026, 1, 1)
KINDS = ["ITK", "ITAS", "ITAP", "DIPLOMATIC", "SERVICE"]
STATUSES = ["active", "active", "extended", "cancelled"]


def _history(rng: random.Random) -> None:
    for _person in range(40):
        person = ForeignerFactory()
        for _permit in range(rng.randint(0, 4)):
            begins = START + dt.timedelta(days=rng.randint(0, 150))
            ends = begins + dt.timedelta(days=rng.choice([0, 1, 9, 30, 60]))
            StayPermitFactory(
                foreigner=person,
                kind=rng.choice(KINDS),
                status=rng.choice(STATUSES),
                issued_on=begins,
                valid_from=begins,
                valid_until=ends,
            )


def _by_islands(day: dt.date) -> dict[int, tuple[int, dt.date]]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT DISTINCT ON (i.foreigner_id) i.foreigner_id, i.permit_id, i.covered_until
                FROM {coverage_islands()} i WHERE i.covered_from <= %(day)s
                ORDER BY i.foreigner_id, i.covered_until DESC""",
            {"day": day},
        )
        return {fid: (pid, until) for fid, pid, until in cursor.fetchall()}


def _by_latest_end(day: dt.date) -> dict[int, tuple[int, dt.date]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {latest_coverage_ends('%(day)s::date')} c", {"day": day})
        return {fid: (pid, until) for fid, pid, until in cursor.fetchall()}


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_latest_coverage_end_judges_every_day_as_the_islands_do(seed):
    _history(random.Random(seed))
    assert StayPermit.objects.count() > 50
    for offset in range(0, 220, 3):
        day = START + dt.timedelta(days=offset)
        islands, latest = _by_islands(day), _by_latest_end(day)
        # The same people have coverage begun by the day…
        assert latest.keys() == islands.keys(), day
        # …the same are uncovered on it, since the same end of the same permit…
        uncovered = {fid: v for fid, v in islands.items() if v[1] < day}
        assert {fid: v for fid, v in latest.items() if v[1] < day} == uncovered, day
        # …and the others are covered on it by both.
        assert all(until >= day for fid, (_p, until) in latest.items() if fid not in uncovered)
