"""A flag routed to one agency (``"agency:<id>"``: the agency that registered the sponsor)
reaches that agency's people — in their lists and alerts — and no other agency of its kind."""

import datetime as dt

import pytest

from agencies.models import Agency, Notification, Officer
from reports.models import Flag
from reports.rules import rules_run
from reports.rules.base import routes_split
from reports.selectors import actionable_flags, visible_flags
from reports.services.alerts import flags_alert
from tests.factories import (
    AgencyFactory,
    ForeignerFactory,
    OfficerFactory,
    SponsorFactory,
    StayPermitFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("regions")]

TODAY = dt.date(2026, 3, 2)


def supervisor(agency):
    return OfficerFactory(agency=agency, role=Officer.Role.SUPERVISOR).user


def test_overstay_reaches_the_agency_that_registered_the_sponsor_only():
    registrar = AgencyFactory(kind=Agency.Kind.DPMPTSP, region_id="73.72")
    other = AgencyFactory(kind=Agency.Kind.DPMPTSP, region_id="73.72")
    mine, theirs = supervisor(registrar), supervisor(other)
    sponsor = SponsorFactory(registered_by=registrar)
    StayPermitFactory(
        foreigner=ForeignerFactory(),
        sponsor=sponsor,
        issued_on=TODAY - dt.timedelta(days=200),
        valid_from=TODAY - dt.timedelta(days=200),
        valid_until=TODAY - dt.timedelta(days=3),
    )
    rules_run(codes=["permit.overstay"], today=TODAY)
    flag = Flag.objects.get(rule="permit.overstay")
    assert list(visible_flags(mine)) == [flag]
    assert list(actionable_flags(mine)) == [flag]
    assert not visible_flags(theirs).exists()
    flags_alert()
    assert Notification.objects.filter(recipient=mine).count() == 1
    assert not Notification.objects.filter(recipient=theirs).exists()


def test_routes_split_separates_kinds_from_agencies():
    # A malformed agency route is neither a kind nor an agency.
    assert routes_split(["imigrasi", "agency:7", "agency:x", "polres"]) == (
        ["imigrasi", "polres"],
        [7],
    )
