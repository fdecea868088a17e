"""permit.expiring, permit.overstay and document.expired: what must flag and what must not."""

import datetime as dt

import pytest

from foreigners.models import Movement, StayPermit
from reports.models import Flag, RuleSettings
from tests.factories import MovementFactory, StayPermitFactory, TravelDocumentFactory

from .conftest import TODAY, open_flags, run

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("regions")]

D = dt.timedelta


def permit_ending(days_from_today: int, **kwargs) -> StayPermit:
    end = TODAY + D(days=days_from_today)
    return StayPermitFactory(
        valid_until=end, issued_on=end - D(days=180), valid_from=end - D(days=180), **kwargs
    )


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
    assert f"({days_left} hari lagi)" in flag.reason and "Pasal 78" in flag.reason
    assert f"(in {days_left} days)" in flag.reason_en
    assert flag.evidence["days_left"] == days_left


@pytest.mark.parametrize("days_left", [31, 90, -1])
def test_permit_ending_later_than_30_days_or_already_ended_is_not_expiring(days_left):
    permit_ending(days_left)
    assert run("permit.expiring").candidates == 0


def test_expiring_not_raised_when_a_newer_permit_exists():
    old = permit_ending(10)
    StayPermitFactory(foreigner=old.foreigner, valid_until=TODAY + D(days=375), extends=old)
    assert run("permit.expiring").candidates == 0


def test_expiring_not_raised_for_cancelled_permit():
    permit_ending(10, status=StayPermit.Status.CANCELLED)
    assert run("permit.expiring").candidates == 0


def test_expiring_not_raised_after_recorded_exit_but_raised_after_reentry():
    permit = permit_ending(10)
    MovementFactory(foreigner=permit.foreigner, kind=Movement.Kind.EXIT, occurred_on=TODAY)
    assert run("permit.expiring").candidates == 0
    MovementFactory(
        foreigner=permit.foreigner, kind=Movement.Kind.ENTRY, occurred_on=TODAY + D(days=1)
    )
    assert run("permit.expiring", today=TODAY + D(days=1)).candidates == 1


def test_expiring_flag_escalates_in_place_as_the_end_nears():
    permit = permit_ending(30)
    first = run("permit.expiring")
    (flag,) = open_flags("permit.expiring")
    assert (first.opened, flag.severity) == (1, Flag.Severity.LOW)
    second = run("permit.expiring", today=TODAY + D(days=16))  # 14 days left
    assert (second.opened, second.escalated) == (0, 1)
    flag.refresh_from_db()
    assert flag.severity == Flag.Severity.MEDIUM
    assert "(14 hari lagi)" in flag.reason
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
    StayPermitFactory(foreigner=old.foreigner, valid_until=TODAY + D(days=375), extends=old)
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


def test_overstay_of_60_days_is_fined_not_deported():
    permit = permit_ending(-60)
    run("permit.overstay")
    (flag,) = open_flags("permit.overstay")
    assert flag.subject_id == permit.pk
    assert flag.severity == Flag.Severity.HIGH
    assert flag.evidence["days_overstayed"] == 60
    assert flag.evidence["fine_estimate"] == 60_000_000
    assert flag.evidence["deportation_recommended"] is False
    assert "Rp60.000.000" in flag.reason and "Pasal 78 ayat 2" in flag.reason
    assert "IDR 60,000,000" in flag.reason_en
    assert sorted(flag.routed_to) == ["imigrasi", "polres"]


def test_overstay_of_61_days_recommends_deportation_and_entry_ban():
    permit_ending(-61)
    run("permit.overstay")
    (flag,) = open_flags("permit.overstay")
    assert flag.severity == Flag.Severity.CRITICAL
    assert flag.evidence["deportation_recommended"] is True
    assert "deportasi dan penangkalan" in flag.reason and "Pasal 78 ayat 3" in flag.reason
    assert "deportation and an entry ban" in flag.reason_en


def test_overstay_escalates_from_fine_to_deportation_on_day_61():
    permit_ending(-60)
    run("permit.overstay")
    result = run("permit.overstay", today=TODAY + D(days=1))
    assert (result.opened, result.escalated) == (0, 1)
    assert open_flags("permit.overstay").get().severity == Flag.Severity.CRITICAL


def test_overstay_starts_the_day_after_the_end():
    permit_ending(0)
    assert run("permit.overstay").candidates == 0
    permit_ending(-1)
    run("permit.overstay")
    assert open_flags("permit.overstay").get().evidence["fine_estimate"] == 1_000_000


def test_no_overstay_when_a_newer_permit_exists():
    old = permit_ending(-20, status=StayPermit.Status.EXTENDED)
    permit_ending(100, foreigner=old.foreigner, extends=old)
    assert run("permit.overstay").candidates == 0


def test_no_overstay_after_a_recorded_exit():
    permit = permit_ending(-20)
    MovementFactory(
        foreigner=permit.foreigner, kind=Movement.Kind.EXIT, occurred_on=TODAY - D(days=21)
    )
    assert run("permit.overstay").candidates == 0


def test_old_permits_in_a_chain_never_overstay():
    first = permit_ending(-200, status=StayPermit.Status.EXTENDED)
    second = permit_ending(-20, foreigner=first.foreigner, extends=first)
    run("permit.overstay")
    assert [f.subject_id for f in open_flags("permit.overstay")] == [second.pk]


def test_overstay_flag_closes_when_exit_is_recorded():
    permit = permit_ending(-5)
    run("permit.overstay")
    MovementFactory(foreigner=permit.foreigner, kind=Movement.Kind.EXIT, occurred_on=TODAY)
    assert run("permit.overstay").closed == 1
    flag = Flag.objects.get(rule="permit.overstay")
    assert flag.state == Flag.State.CLOSED
    assert "Keluar" in flag.close_reason


def test_overstay_fine_and_threshold_come_from_rule_settings():
    RuleSettings.objects.filter(pk=1).update(
        overstay_fine_per_day=2_000_000, overstay_deport_after_days=30
    )
    permit_ending(-31)
    run("permit.overstay")
    flag = open_flags("permit.overstay").get()
    assert flag.severity == Flag.Severity.CRITICAL
    assert flag.evidence["fine_estimate"] == 62_000_000


# --- document.expired -----------------------------------------------------------------------


def test_expired_passport_with_valid_permit_flags():
    permit = permit_ending(100)
    doc = TravelDocumentFactory(foreigner=permit.foreigner, expires_on=TODAY - D(days=1))
    run("document.expired")
    (flag,) = open_flags("document.expired")
    assert (flag.subject_type, flag.subject_id) == ("document", doc.pk)
    assert flag.permit_id == permit.pk and flag.document_id == doc.pk
    assert "Pasal 71" in flag.reason


def test_passport_expiring_today_is_still_valid():
    permit = permit_ending(100)
    TravelDocumentFactory(foreigner=permit.foreigner, expires_on=TODAY)
    assert run("document.expired").candidates == 0


def test_expired_passport_without_valid_permit_is_not_this_rule():
    permit = permit_ending(-3)
    TravelDocumentFactory(foreigner=permit.foreigner, expires_on=TODAY - D(days=1))
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
