"""A flag's reason sentence quotes its evidence, so it is masked like the evidence: an agency
that may read flags but not permits (Kemenag) sees the flag without the permit facts."""

import pytest
from django.urls import reverse

from agencies.access import access_changed
from agencies.models import Notification, Officer
from reports.models import Flag
from reports.services.alerts import flags_alert

from ..factories import FlagFactory, ForeignerFactory

SOREANG = "73.72.03"
REASON = "Bekerja dengan ITK 211A: kegiatan keagamaan tidak diizinkan izin tinggalnya."


@pytest.fixture
def flag(regions):
    person = ForeignerFactory(residence_region_id=SOREANG)
    return FlagFactory(
        rule="sighting.activity_mismatch",
        subject_type=Flag.SubjectType.FOREIGNER,
        subject_id=person.pk,
        foreigner=person,
        routed_to=["kemenag", "polres"],
        reason=REASON,
        reason_en="Working on an ITK 211A.",
        evidence={"permit_kind": "ITK", "visa_index": "211A", "activity": "religious"},
    )


@pytest.mark.django_db
def test_pages_and_api_hide_the_reason_from_an_agency_that_may_not_read_permits(
    client, flag, kemenag_officer, polres_officer
):
    client.force_login(kemenag_officer)
    for url in (reverse("flag-list"), reverse("flag-detail", args=[flag.pk])):
        page = client.get(url)
        assert page.status_code == 200
        assert REASON not in page.content.decode() and "211A" not in page.content.decode()
    api = client.get(f"/api/v1/flags/{flag.pk}/").json()
    assert (
        api["reason"] is None and api["reason_en"] is None and "visa_index" not in api["evidence"]
    )

    client.force_login(polres_officer)
    assert REASON in client.get(reverse("flag-detail", args=[flag.pk])).content.decode()
    api = client.get(f"/api/v1/flags/{flag.pk}/").json()
    assert api["reason"] == REASON and api["evidence"]["visa_index"] == "211A"


@pytest.mark.django_db
def test_alert_notifications_carry_the_reason_only_to_who_may_read_it(
    flag, kemenag_officer, polres_officer
):
    Officer.objects.filter(user__in=[kemenag_officer, polres_officer]).update(
        role=Officer.Role.SUPERVISOR
    )
    access_changed()
    assert flags_alert() == 1
    bodies = dict(Notification.objects.values_list("recipient_id", "body"))
    assert bodies[polres_officer.pk] == REASON
    assert bodies[kemenag_officer.pk] == ""
