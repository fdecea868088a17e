"""permit.expiring, permit.overstay and document.expired: what must flag and what must not, at
each boundary — judged on each person's stay and merged coverage (reports/rules/coverage.py)."""

import datetime as dt

import pytest

from foreigners.models import Movement, StayPermit
from reports.figures import flag_evidence_live
from reports.models import Flag, RuleSettings
from tests.factories import (
    AgencyFactory,
    ForeignerFactory,
    MovementFactory,
    SponsorFactory,
    StayPermitFactory,
    TravelDocumentFactory,
)

from .conftest import TODAY, open_flags, run

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("regions")]

D = dt.timedelta


def permit_ending(days_from_today: int, **kwargs) -> StayPermit:
    end = TODAY + D(days=days_from_today)
    return StayPermitFactory(
        valid_until=end, issued_on=end - D(days=180), valid_from=end - D(days=180), **kwargs
    )


def permit(foreigner, start: int, end: int, **kwargs) -> StayPermit:
    """A permit valid from TODAY+start to TODAY+end (days)."""
    return StayPermitFactory(
        foreigner=foreigner,
        issued_on=TODAY + D(days=start),
        valid_from=TODAY + D(days=start),
        valid_until=TODAY + D(days=end),
        **kwargs,
    )


def move(foreigner, kind: str, day: int) -> Movement:
    return MovementFactory(foreigner=foreigner, kind=kind, occurred_on=TODAY + D(days=day))


def live(flag: Flag, today: dt.date = TODAY) -> dict:
    return flag_evidence_live(flag, today=today)


# --- permit.expiring ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_left", "severity"),
    [
        (30, Flag.Severity.LOW),
        (15, Flag.Severity.LOW),
        (14, Flag.Severity.MEDIUM),
        (8, Flag.Severity.MEDIUM),
        (7, Flag.Severity.HIGH),
        (0, Flag.Severity.HIGH),  # expires today: still valid, most urgent
    ],
)
def test_permit_ending_within_30_days_flags_with_rising_severity(days_left, severity):
    permit = permit_ending(days_left)
    run("permit.expiring")
    (flag,) = open_flags("permit.expiring")
    assert (flag.subject_type, flag.subject_id, flag.permit_id) == ("permit", permit.pk, permit.pk)
    assert flag.severity == severity
    assert flag.foreigner_id == permit.foreigner_id
    assert flag.routed_to == ["imigrasi"]
    assert "UU 6/2011 Pasal 78 ayat (1)" in flag.reason
    assert "Law 6/2011 Art. 78(1)" in flag.reason_en
    assert live(flag)["days_left"] == days_left


@pytest.mark.parametrize("days_left", [31, 90, -1])
def test_permit_ending_later_than_30_days_or_already_ended_is_not_expiring(days_left):
    permit_ending(days_left)
    assert run("permit.expiring").candidates == 0


def test_expiring_not_raised_when_an_extension_follows_without_a_gap():
    old = permit_ending(10)
    permit(old.foreigner, 11, 375, extends=old)
    assert run("permit.expiring").candidates == 0


def test_expiring_not_raised_when_an_overlapping_permit_runs_longer():
    old = permit_ending(10)
    permit(old.foreigner, -5, 200)
    assert run("permit.expiring").candidates == 0


def test_a_later_permit_with_a_gap_does_not_silence_the_expiry_notice():
    old = permit_ending(10)
    permit(old.foreigner, 12, 375)  # day 11 uncovered
    run("permit.expiring")
    assert [f.subject_id for f in open_flags("permit.expiring")] == [old.pk]


def test_expiring_is_one_flag_per_person_for_two_permits_ending_the_same_day():
    first = permit_ending(10)
    second = permit(first.foreigner, -20, 10)
    run("permit.expiring")
    (flag,) = open_flags("permit.expiring")
    assert flag.subject_id == max(first.pk, second.pk)


def test_expiring_not_raised_for_cancelled_diplomatic_or_service_permit():
    permit_ending(10, status=StayPermit.Status.CANCELLED)
    permit_ending(10, kind=StayPermit.Kind.DIPLOMATIC, visa_index="")
    permit_ending(10, kind=StayPermit.Kind.SERVICE, visa_index="")
    assert run("permit.expiring").candidates == 0


def test_expiring_not_raised_after_recorded_exit_but_raised_after_reentry():
    permit = permit_ending(10)
    move(permit.foreigner, Movement.Kind.EXIT, 0)
    assert run("permit.expiring").candidates == 0
    move(permit.foreigner, Movement.Kind.ENTRY, 1)
    assert run("permit.expiring", today=TODAY + D(days=1)).candidates == 1


def test_expiring_flag_escalates_in_place_and_its_days_left_are_live():
    permit = permit_ending(30)
    first = run("permit.expiring")
    (flag,) = open_flags("permit.expiring")
    assert (first.opened, flag.severity) == (1, Flag.Severity.LOW)
    # The next day the flag is unchanged in the database but shows 29 days left.
    assert run("permit.expiring", today=TODAY + D(days=1)).regraded == 0
    assert live(flag, TODAY + D(days=1))["days_left"] == 29
    second = run("permit.expiring", today=TODAY + D(days=16))  # 14 days left
    assert (second.opened, second.escalated) == (0, 1)
    flag.refresh_from_db()
    assert flag.severity == Flag.Severity.MEDIUM
    assert live(flag, TODAY + D(days=16))["days_left"] == 14
    assert open_flags("permit.expiring").count() == 1
    assert flag.subject_id == permit.pk


def test_expiring_thresholds_come_from_rule_settings():
    RuleSettings.objects.filter(pk=1).update(
        expiring_notice_days=60, expiring_warning_days=40, expiring_urgent_days=20
    )
    permit_ending(45)
    run("permit.expiring")
    assert open_flags("permit.expiring").get().severity == Flag.Severity.LOW


def test_expiring_flag_closes_with_reason_when_permit_is_extended():
    old = permit_ending(10)
    run("permit.expiring")
    old.status = StayPermit.Status.EXTENDED
    old.save()
    permit(old.foreigner, 11, 375, extends=old)
    result = run("permit.expiring")
    assert result.closed == 1
    flag = Flag.objects.get(rule="permit.expiring")
    assert flag.state == Flag.State.CLOSED and flag.closed_at is not None
    assert "diperpanjang" in flag.close_reason and "extended" in flag.close_reason


def test_expiring_flag_closes_when_permit_ends_and_overstay_takes_over():
    permit_ending(0)
    run("permit.expiring")
    tomorrow = TODAY + D(days=1)
    assert run("permit.expiring", today=tomorrow).closed == 1
    assert "berakhir" in Flag.objects.get(rule="permit.expiring").close_reason
    assert run("permit.overstay", today=tomorrow).opened == 1


# --- permit.overstay ------------------------------------------------------------------------


def test_overstay_of_60_days_is_a_fee_not_deportation():
    permit = permit_ending(-60)
    run("permit.overstay")
    (flag,) = open_flags("permit.overstay")
    assert (flag.subject_type, flag.subject_id) == ("foreigner", permit.foreigner_id)
    assert flag.permit_id == permit.pk
    assert flag.severity == Flag.Severity.HIGH
    figures = live(flag)
    assert figures["days_overstayed"] == 60
    assert figures["fine_estimate"] == 60_000_000
    assert figures["deportation_recommended"] is False
    assert "Rp1.000.000 per hari" in flag.reason
    assert "UU 6/2011 Pasal 78 ayat (1)" in flag.reason and "PP 45/2024" in flag.reason
    assert "ayat (2)" not in flag.reason and "PP 28/2019" not in flag.reason
    assert "IDR 1,000,000 per day" in flag.reason_en and "Art. 78(1)" in flag.reason_en
    assert sorted(flag.routed_to) == ["imigrasi", "polres"]


def test_overstay_of_61_days_recommends_deportation_and_entry_ban():
    permit_ending(-61)
    run("permit.overstay")
    (flag,) = open_flags("permit.overstay")
    assert flag.severity == Flag.Severity.CRITICAL
    figures = live(flag)
    assert figures["deportation_recommended"] is True
    assert figures["fine_estimate"] is None  # ayat (3) deportation, not the ayat (1) fee
    assert "deportasi dan penangkalan" in flag.reason
    assert "UU 6/2011 Pasal 78 ayat (3)" in flag.reason
    assert "deportation and an entry ban" in flag.reason_en


def test_overstay_escalates_from_fee_to_deportation_on_day_61():
    permit_ending(-60)
    run("permit.overstay")
    result = run("permit.overstay", today=TODAY + D(days=1))
    assert (result.opened, result.escalated) == (0, 1)
    assert open_flags("permit.overstay").get().severity == Flag.Severity.CRITICAL


def test_overstay_fee_is_live_on_day_45_of_a_flag_opened_on_day_1():
    permit_ending(-1)
    run("permit.overstay")
    flag = open_flags("permit.overstay").get()
    assert live(flag)["fine_estimate"] == 1_000_000
    assert run("permit.overstay", today=TODAY + D(days=44)).regraded == 0
    assert live(flag, TODAY + D(days=44))["fine_estimate"] == 45_000_000


def test_overstay_starts_the_day_after_the_end():
    permit_ending(0)
    assert run("permit.overstay").candidates == 0
    permit_ending(-1)
    run("permit.overstay")
    assert live(open_flags("permit.overstay").get())["days_overstayed"] == 1


def test_no_overstay_when_an_extension_follows():
    old = permit_ending(-20, status=StayPermit.Status.EXTENDED)
    permit(old.foreigner, -19, 100, extends=old)
    assert run("permit.overstay").candidates == 0


def test_a_future_dated_permit_does_not_hide_a_current_overstay():
    old = permit_ending(-20)
    permit(old.foreigner, 5, 200)
    run("permit.overstay")
    flag = open_flags("permit.overstay").get()
    assert (flag.permit_id, live(flag)["days_overstayed"]) == (old.pk, 20)


def test_a_permit_starting_today_ends_the_overstay():
    old = permit_ending(-20)
    run("permit.overstay")
    permit(old.foreigner, 0, 200)
    assert run("permit.overstay").closed == 1
    assert "berlaku tercatat" in Flag.objects.get(rule="permit.overstay").close_reason


def test_overstay_counts_from_the_end_of_merged_overlapping_permits():
    first = permit_ending(-30)
    later = permit(first.foreigner, -100, -10)  # overlaps, ends later
    run("permit.overstay")
    flag = open_flags("permit.overstay").get()
    assert (flag.permit_id, live(flag)["days_overstayed"]) == (later.pk, 10)


def test_two_permits_ending_the_same_day_give_one_overstay_flag():
    first = permit_ending(-10)
    permit(first.foreigner, -50, -10)
    run("permit.overstay")
    (flag,) = open_flags("permit.overstay")
    assert live(flag)["fine_estimate"] == 10_000_000


def test_no_overstay_after_a_recorded_exit():
    permit = permit_ending(-20)
    move(permit.foreigner, Movement.Kind.EXIT, -21)
    assert run("permit.overstay").candidates == 0


def test_days_abroad_after_exit_and_reentry_without_permit_are_not_overstay():
    person = ForeignerFactory()
    permit(person, -200, -100)
    move(person, Movement.Kind.EXIT, -110)  # left while the permit was valid
    move(person, Movement.Kind.ENTRY, -5)  # came back; no permit on record yet
    assert run("permit.overstay").candidates == 0
    # The entry without a permit is what is flagged instead (data quality).
    assert run("movement.entry_without_permit").candidates == 1


def test_overstay_after_reentry_counts_from_the_end_of_the_stays_coverage():
    person = ForeignerFactory()
    permit(person, -300, -200)
    move(person, Movement.Kind.EXIT, -250)
    move(person, Movement.Kind.ENTRY, -40)
    permit(person, -40, -15)  # the new stay's permit
    run("permit.overstay")
    assert live(open_flags("permit.overstay").get())["days_overstayed"] == 15


def test_overstay_with_reentry_on_a_still_valid_permit_counts_from_its_end():
    person = ForeignerFactory()
    permit(person, -300, -10)
    move(person, Movement.Kind.EXIT, -100)
    move(person, Movement.Kind.ENTRY, -90)
    run("permit.overstay")
    assert live(open_flags("permit.overstay").get())["days_overstayed"] == 10


def test_exit_and_entry_on_the_same_day_follow_the_order_recorded():
    person = ForeignerFactory()
    permit(person, -100, -10)
    move(person, Movement.Kind.EXIT, -5)
    move(person, Movement.Kind.ENTRY, -5)
    assert run("permit.overstay").candidates == 0  # re-entered with no permit on record
    person2 = ForeignerFactory()
    permit(person2, -100, -10)
    move(person2, Movement.Kind.ENTRY, -5)
    move(person2, Movement.Kind.EXIT, -5)
    assert run("permit.overstay").candidates == 0  # left


def test_diplomatic_and_service_permits_are_outside_this_supervision():
    permit_ending(-100, kind=StayPermit.Kind.DIPLOMATIC, visa_index="")
    permit_ending(-100, kind=StayPermit.Kind.SERVICE, visa_index="")
    assert run("permit.overstay").candidates == 0


def test_a_diplomatic_permit_neither_raises_nor_clears_an_overstay():
    itk = permit_ending(-20, kind=StayPermit.Kind.ITK, visa_index="C1")
    permit(itk.foreigner, -5, 300, kind=StayPermit.Kind.DIPLOMATIC, visa_index="")
    assert run("permit.overstay").candidates == 1


def test_overstay_flag_names_the_sponsor_and_routes_to_the_agency_that_registered_it():
    agency = AgencyFactory(kind="dpmptsp")
    sponsor = SponsorFactory(registered_by=agency)
    permit_ending(-5, sponsor=sponsor)
    run("permit.overstay")
    flag = open_flags("permit.overstay").get()
    assert f"agency:{agency.pk}" in flag.routed_to and "polres" in flag.routed_to
    assert f"Penjamin: {sponsor.name}" in flag.reason and "Pasal 63" in flag.reason
    assert flag.evidence["sponsor_id"] == sponsor.pk


def test_overstay_flag_closes_when_exit_is_recorded():
    permit = permit_ending(-5)
    run("permit.overstay")
    move(permit.foreigner, Movement.Kind.EXIT, 0)
    assert run("permit.overstay").closed == 1
    flag = Flag.objects.get(rule="permit.overstay")
    assert flag.state == Flag.State.CLOSED
    assert "Keluar" in flag.close_reason


def test_a_version_1_overstay_flag_on_a_permit_closes_for_the_per_person_flag():
    permit = permit_ending(-5)
    old = Flag.objects.create(
        rule="permit.overstay",
        subject_type=Flag.SubjectType.PERMIT,
        subject_id=permit.pk,
        foreigner_id=permit.foreigner_id,
        permit=permit,
        reason="v1",
        opened_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    result = run("permit.overstay")
    assert (result.opened, result.closed) == (1, 1)
    old.refresh_from_db()
    assert old.state == Flag.State.CLOSED and "satu tanda per orang" in old.close_reason
    assert open_flags("permit.overstay").get().subject_type == "foreigner"


def test_overstay_fee_and_threshold_come_from_rule_settings():
    RuleSettings.objects.filter(pk=1).update(
        overstay_fine_per_day=2_000_000, overstay_deport_after_days=30
    )
    permit_ending(-30)
    run("permit.overstay")
    flag = open_flags("permit.overstay").get()
    assert flag.severity == Flag.Severity.HIGH
    assert live(flag)["fine_estimate"] == 60_000_000
    assert run("permit.overstay", today=TODAY + D(days=1)).escalated == 1


# --- document.expired -----------------------------------------------------------------------


def test_expired_passport_with_valid_permit_flags():
    permit = permit_ending(100)
    doc = TravelDocumentFactory(foreigner=permit.foreigner, expires_on=TODAY - D(days=1))
    run("document.expired")
    (flag,) = open_flags("document.expired")
    assert (flag.subject_type, flag.subject_id) == ("document", doc.pk)
    assert flag.permit_id == permit.pk and flag.document_id == doc.pk
    assert "UU 6/2011 Pasal 71; UU 6/2011 Pasal 75" in flag.reason


def test_passport_expiring_today_is_still_valid():
    permit = permit_ending(100)
    TravelDocumentFactory(foreigner=permit.foreigner, expires_on=TODAY)
    assert run("document.expired").candidates == 0


def test_expired_passport_without_valid_permit_or_abroad_is_not_this_rule():
    permit = permit_ending(-3)
    TravelDocumentFactory(foreigner=permit.foreigner, expires_on=TODAY - D(days=1))
    abroad = permit_ending(100)
    TravelDocumentFactory(foreigner=abroad.foreigner, expires_on=TODAY - D(days=1))
    move(abroad.foreigner, Movement.Kind.EXIT, -10)
    assert run("document.expired").candidates == 0


def test_expired_passport_flag_closes_when_a_new_passport_is_recorded():
    permit = permit_ending(100)
    TravelDocumentFactory(foreigner=permit.foreigner, expires_on=TODAY - D(days=1))
    run("document.expired")
    TravelDocumentFactory(
        foreigner=permit.foreigner, issued_on=TODAY, expires_on=TODAY + D(days=3650)
    )
    assert run("document.expired").closed == 1
    assert "baru" in Flag.objects.get(rule="document.expired").close_reason
