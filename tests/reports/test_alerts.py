"""Alerts about flags reach the supervisors of routed agencies who may see the subject, once per
severity, in the portal and by email; and a daily digest per agency."""

import datetime as dt

import pytest
from django.core import mail

from agencies.models import Agency, Notification, Officer
from reports.models import Flag, RuleSettings
from reports.rules import rules_run
from reports.services.alerts import flags_alert, flags_digest_send
from tests.factories import (
    AgencyFactory,
    FlagFactory,
    ForeignerFactory,
    OfficerFactory,
    SightingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def person(kind, role=Officer.Role.SUPERVISOR, region="73.72", kecamatan=None, email=""):
    agency = AgencyFactory(kind=kind, region_id=region)
    user = UserFactory(email=email)
    OfficerFactory(user=user, agency=agency, role=role, kecamatan_id=kecamatan)
    return user


@pytest.fixture
def people(regions):
    return {
        "camat_soreang": person(
            Agency.Kind.KECAMATAN, region="73.72.03", kecamatan="73.72.03", email="s@x.go.id"
        ),
        "camat_ujung": person(
            Agency.Kind.KECAMATAN, region="73.72.02", kecamatan="73.72.02", email="u@x.go.id"
        ),
        "camat_soreang_officer": person(
            Agency.Kind.KECAMATAN, Officer.Role.OFFICER, region="73.72.03", kecamatan="73.72.03"
        ),
        "polres": person(Agency.Kind.POLRES, email="p@x.go.id"),
        "kemenag": person(Agency.Kind.KEMENAG, email="k@x.go.id"),
    }


def alerted(user) -> list[str]:
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_alert_reaches_only_routed_supervisors_who_may_see_the_person(
    people, django_capture_on_commit_callbacks
):
    # The person lives in Soreang; the flag is routed to Polres and the camat.
    foreigner = ForeignerFactory(residence_region_id="73.72.03.1001")
    flag = FlagFactory(foreigner=foreigner, routed_to=["polres", "kecamatan"], severity=30)
    with django_capture_on_commit_callbacks(execute=True):
        assert flags_alert() == 1
    assert alerted(people["camat_soreang"]) == ["flag.new"]
    assert alerted(people["polres"]) == ["flag.new"]
    assert alerted(people["camat_ujung"]) == []  # routed kind, but not their kecamatan
    assert alerted(people["kemenag"]) == []  # not routed to them
    assert alerted(people["camat_soreang_officer"]) == []  # officers only if the setting says
    assert sorted(m.to[0] for m in mail.outbox) == ["p@x.go.id", "s@x.go.id"]
    assert f"/{flag.pk}/" in mail.outbox[0].body


def test_alert_about_an_unregistered_sighting_reaches_only_those_who_see_the_sighting(people):
    sighting = SightingFactory(region_id="73.72.02.1001", foreigner=None)
    FlagFactory(sighting=sighting, routed_to=["kecamatan"], severity=30)
    flags_alert()
    assert alerted(people["camat_ujung"]) == ["flag.new"]
    assert alerted(people["camat_soreang"]) == []


def test_each_flag_is_announced_once_per_severity_and_again_when_it_escalates(people):
    foreigner = ForeignerFactory(residence_region_id="73.72.03.1001")
    flag = FlagFactory(foreigner=foreigner, routed_to=["polres"], severity=20)
    assert flags_alert() == 1
    assert flags_alert() == 0
    Flag.objects.filter(pk=flag.pk).update(severity=40)  # as the rule's re-grade does
    assert flags_alert() == 1
    assert alerted(people["polres"]) == ["flag.escalated", "flag.new"]


def test_officers_are_alerted_when_the_setting_says_so(people):
    settings = RuleSettings.load()
    settings.notify_officers = True
    settings.save()
    FlagFactory(
        foreigner=ForeignerFactory(residence_region_id="73.72.03.1001"),
        routed_to=["kecamatan"],
        severity=30,
    )
    flags_alert()
    assert alerted(people["camat_soreang_officer"]) == ["flag.new"]


def test_rules_then_alerts_route_an_overstay_to_imigrasi_and_polres_only(people, kanim_supervisor):
    from tests.factories import StayPermitFactory

    today = dt.date(2026, 3, 2)
    StayPermitFactory(
        foreigner=ForeignerFactory(residence_region_id="73.72.03.1001"),
        issued_on=today - dt.timedelta(days=100),
        valid_from=today - dt.timedelta(days=100),
        valid_until=today - dt.timedelta(days=3),
    )
    rules_run(today=today, codes=["permit.overstay"])
    flags_alert()
    assert alerted(kanim_supervisor) == ["flag.new"]
    assert alerted(people["polres"]) == ["flag.new"]
    assert alerted(people["camat_soreang"]) == []  # overstay is not routed to the camat


def test_daily_digest_once_per_agency_and_day_listing_only_visible_flags(people):
    FlagFactory(
        foreigner=ForeignerFactory(residence_region_id="73.72.03.1001"),
        routed_to=["kecamatan"],
        rule="sighting.outside_area",
    )
    day = dt.date(2026, 3, 2)
    assert flags_digest_send(day=day) == 1
    (digest,) = mail.outbox
    assert digest.to == ["s@x.go.id"]
    assert "1" in digest.body
    assert flags_digest_send(day=day) == 0  # a retried task sends nothing twice
