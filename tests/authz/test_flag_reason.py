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


STORED_WITH_NUMBER = "Izin tinggal ITAS nomor 2C11AB0042 dibatalkan pada 2026-02-27."


@pytest.fixture
def cancelled_flag(regions):
    person = ForeignerFactory(residence_region_id=SOREANG)
    return FlagFactory(
        rule="permit.cancelled_present",
        subject_type=Flag.SubjectType.FOREIGNER,
        subject_id=person.pk,
        foreigner=person,
        routed_to=["imigrasi", "polres"],
        reason=STORED_WITH_NUMBER,
        reason_en="Stay permit ITAS number 2C11AB0042 was cancelled on 2026-02-27.",
        evidence={"cancelled_on": "2026-02-27", "permit_kind": "ITAS"},
    )


@pytest.mark.django_db
def test_the_camat_reads_a_cancellation_from_its_evidence_without_the_permit_number(
    client, cancelled_flag, camat_soreang
):
    """Type and validity are the camat's (permit.status); the number the stored sentence
    quotes is permit.detail: pages and API render the reason from the evidence instead."""
    client.force_login(camat_soreang)
    page = client.get(reverse("flag-detail", args=[cancelled_flag.pk])).content.decode()
    assert "27 Feb 2026" in page and "2C11AB0042" not in page
    api = client.get(f"/api/v1/flags/{cancelled_flag.pk}/").json()
    assert api["reason"].startswith("Izin Tinggal Terbatas (ITAS) dibatalkan pada 27 Feb 2026")
    assert api["reason_en"].startswith("Limited stay permit (ITAS) cancelled on 27 Feb 2026")
    assert "2C11AB0042" not in api["reason"] + api["reason_en"]


@pytest.mark.django_db
def test_a_stored_sentence_the_evidence_cannot_render_shows_only_to_readers_of_everything(
    client, cancelled_flag, camat_soreang, polres_officer
):
    """Evidence of an older rule version (no renderer reads it) falls back to the stored
    sentence, which quotes beyond the evidence keys: not to the camat, who reads every key."""
    Flag.objects.filter(pk=cancelled_flag.pk).update(evidence={"cancelled_on": "2026-02-27"})
    client.force_login(camat_soreang)
    page = client.get(reverse("flag-detail", args=[cancelled_flag.pk])).content.decode()
    assert "2C11AB0042" not in page
    api = client.get(f"/api/v1/flags/{cancelled_flag.pk}/").json()
    assert api["reason"] is None and api["reason_en"] is None

    client.force_login(polres_officer)
    api = client.get(f"/api/v1/flags/{cancelled_flag.pk}/").json()
    assert api["reason"] == STORED_WITH_NUMBER
