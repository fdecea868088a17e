"""The duties as rules (reports/rules/duties.py): residence/SKTT, ITAS after a limited-stay
visa, ITAP lapse, cancelled permit, entry with no permit, sponsor, entry-ban list — each with
must-flag and must-not-flag cases at its boundaries."""

import datetime as dt

import pytest

from foreigners.models import EntryBan, Movement, Sktt, StayPermit
from reports.models import Flag, RuleSettings
from reports.rules import RULES, rules_run
from reports.selectors import visible_flags
from tests.factories import (
    AgencyFactory,
    ForeignerFactory,
    MovementFactory,
    ResidenceFactory,
    SponsorFactory,
    StayPermitFactory,
    TravelDocumentFactory,
)

from .conftest import TODAY, open_flags, run

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("regions")]

D = dt.timedelta


def day(n: int) -> dt.date:
    return TODAY + D(days=n)


def permit(foreigner, start: int, end: int, **kwargs) -> StayPermit:
    return StayPermitFactory(
        foreigner=foreigner,
        issued_on=day(start),
        valid_from=day(start),
        valid_until=day(end),
        **kwargs,
    )


def move(foreigner, kind: str, n: int, **kwargs) -> Movement:
    return MovementFactory(foreigner=foreigner, kind=kind, occurred_on=day(n), **kwargs)


# --- residence.unreported -------------------------------------------------------------------


@pytest.mark.parametrize(("since", "flagged"), [(-14, False), (-15, True)])
def test_itas_holder_without_residence_or_sktt_is_flagged_from_day_15(since, flagged):
    person = ForeignerFactory()
    permit(person, since, 300)
    assert run("residence.unreported").candidates == int(flagged)
    if flagged:
        flag = open_flags("residence.unreported").get()
        assert (flag.subject_type, flag.subject_id) == ("foreigner", person.pk)
        assert sorted(flag.routed_to) == ["disdukcapil", "imigrasi"]
        assert flag.evidence["residence_missing"] and flag.evidence["sktt_missing"]
        assert "UU 6/2011 Pasal 71 huruf a; UU 23/2006 Pasal 20" in flag.reason


def test_residence_and_sktt_on_record_clear_the_duty():
    person = ForeignerFactory()
    permit(person, -30, 300)
    ResidenceFactory(foreigner=person)
    run("residence.unreported")
    assert open_flags("residence.unreported").get().evidence == {
        "itas_from": day(-30).isoformat(),
        "report_by": day(-16).isoformat(),
        "residence_missing": False,
        "sktt_missing": True,
    }
    Sktt.objects.create(foreigner=person, number="S1", issued_on=day(-20))
    assert run("residence.unreported").closed == 1


def test_an_sktt_of_an_earlier_stay_does_not_count_but_one_still_valid_does():
    person = ForeignerFactory()
    ResidenceFactory(foreigner=person)
    Sktt.objects.create(foreigner=person, issued_on=day(-400), valid_until=day(-200))
    permit(person, -30, 300)
    assert run("residence.unreported").candidates == 1
    Sktt.objects.create(foreigner=person, issued_on=day(-400), valid_until=day(300))
    assert run("residence.unreported").candidates == 0


def test_residence_duty_counts_from_the_start_of_the_merged_itas_coverage():
    person = ForeignerFactory()
    old = permit(person, -100, -10)
    permit(person, -9, 300, extends=old)  # an extension: the same coverage since day -100
    assert run("residence.unreported").candidates == 1


def test_residence_duty_is_not_for_itk_itap_or_people_abroad():
    permit(ForeignerFactory(), -30, 30, kind="ITK", visa_index="C1")
    permit(ForeignerFactory(), -30, 300, kind="ITAP", visa_index="")
    abroad = ForeignerFactory()
    permit(abroad, -30, 300)
    move(abroad, "exit", -2)
    assert run("residence.unreported").candidates == 0


# --- permit.itas_missing --------------------------------------------------------------------


@pytest.mark.parametrize(("entered", "flagged"), [(-30, False), (-31, True)])
def test_entry_on_a_limited_stay_visa_needs_an_itas_within_30_days(entered, flagged):
    person = ForeignerFactory()
    entry = move(person, "entry", entered, visa_kind=Movement.VisaKind.LIMITED_STAY)
    assert run("permit.itas_missing").candidates == int(flagged)
    if flagged:
        flag = open_flags("permit.itas_missing").get()
        assert (flag.subject_type, flag.subject_id, flag.foreigner_id) == (
            "movement",
            entry.pk,
            person.pk,
        )
        assert "PP 31/2013 Pasal 143" in flag.reason


def test_itas_missing_clears_with_an_itas_or_an_exit_and_ignores_other_visas():
    person = ForeignerFactory()
    move(person, "entry", -40, visa_kind=Movement.VisaKind.LIMITED_STAY)
    run("permit.itas_missing")
    permit(person, -5, 300)
    assert run("permit.itas_missing").closed == 1
    left = ForeignerFactory()
    move(left, "entry", -40, visa_kind=Movement.VisaKind.LIMITED_STAY)
    move(left, "exit", -35)
    visitor = ForeignerFactory()
    move(visitor, "entry", -40, visa_kind=Movement.VisaKind.VISIT)
    permit(visitor, -40, 20, kind="ITK", visa_index="C1")
    assert run("permit.itas_missing").candidates == 0


# --- permit.itap_lapsed ---------------------------------------------------------------------


@pytest.mark.parametrize(("left", "flagged"), [(-365, False), (-366, True)])
def test_itap_lapses_after_more_than_a_year_abroad(left, flagged):
    person = ForeignerFactory()
    itap = permit(person, -1000, 800, kind="ITAP", visa_index="")
    move(person, "exit", left)
    assert run("permit.itap_lapsed").candidates == int(flagged)
    if flagged:
        flag = open_flags("permit.itap_lapsed").get()
        assert flag.subject_id == itap.pk and flag.evidence["left_on"] == day(left).isoformat()
        assert "UU 6/2011 Pasal 62" in flag.reason


@pytest.mark.parametrize(("ended", "flagged"), [(0, False), (-1, True)])
def test_itap_not_extended_after_its_five_years_lapses(ended, flagged):
    person = ForeignerFactory()
    permit(person, ended - 1826, ended, kind="ITAP", visa_index="")
    assert run("permit.itap_lapsed").candidates == int(flagged)


def test_itap_extended_or_holder_back_within_the_year_is_not_lapsed():
    extended = ForeignerFactory()
    old = permit(extended, -1826, -1, kind="ITAP", visa_index="", status="extended")
    permit(extended, 0, 1825, kind="ITAP", visa_index="", extends=old)
    back = ForeignerFactory()
    permit(back, -1000, 800, kind="ITAP", visa_index="")
    move(back, "exit", -400)
    move(back, "entry", -50)
    assert run("permit.itap_lapsed").candidates == 0


# --- permit.cancelled_present ---------------------------------------------------------------


def test_cancelled_permit_with_holder_still_in_indonesia_flags_from_the_next_day():
    person = ForeignerFactory()
    cancelled = permit(person, -100, 200, status="cancelled", cancelled_on=TODAY)
    assert run("permit.cancelled_present").candidates == 0
    run("permit.cancelled_present", today=day(1))
    flag = open_flags("permit.cancelled_present").get()
    assert (flag.subject_id, flag.severity) == (cancelled.pk, Flag.Severity.HIGH)
    assert "UU 6/2011 Pasal 48 ayat (1); UU 6/2011 Pasal 75 ayat (2)" in flag.reason
    # Not an overstay too: the coverage ended by cancellation, not by expiry.
    assert run("permit.overstay", today=day(1)).candidates == 0


def test_a_cancellation_after_an_earlier_permit_is_no_overstay_of_the_earlier_one():
    person = ForeignerFactory()
    permit(person, -200, -100, kind="ITK", visa_index="C1")
    permit(person, -99, 200, status="cancelled", cancelled_on=day(-10))
    assert run("permit.overstay").candidates == 0
    assert run("permit.cancelled_present").candidates == 1


def test_cancelled_permit_holder_who_left_or_got_a_new_permit_is_not_flagged():
    left = ForeignerFactory()
    permit(left, -100, 200, status="cancelled", cancelled_on=day(-10))
    move(left, "exit", -5)
    renewed = ForeignerFactory()
    permit(renewed, -100, 200, status="cancelled", cancelled_on=day(-10))
    permit(renewed, -9, 200)
    assert run("permit.cancelled_present").candidates == 0


def test_cancelled_on_is_only_for_cancelled_permits():
    from django.core.exceptions import ValidationError

    p = permit(ForeignerFactory(), -10, 10)
    p.cancelled_on = TODAY
    with pytest.raises(ValidationError, match="tanggal pembatalan"):
        p.full_clean()


# --- movement.entry_without_permit ----------------------------------------------------------


@pytest.mark.parametrize(("entered", "flagged"), [(-1, False), (-2, True)])
def test_entry_with_no_permit_is_a_data_quality_flag_after_a_day(entered, flagged):
    person = ForeignerFactory()
    entry = move(person, "entry", entered)
    assert run("movement.entry_without_permit").candidates == int(flagged)
    if flagged:
        flag = open_flags("movement.entry_without_permit").get()
        assert (flag.subject_id, flag.severity) == (entry.pk, Flag.Severity.LOW)


def test_entry_with_a_permit_for_the_stay_or_followed_by_exit_is_not_flagged():
    covered = ForeignerFactory()
    move(covered, "entry", -10)
    permit(covered, -10, 50, kind="ITK", visa_index="B1")
    left = ForeignerFactory()
    move(left, "entry", -10)
    move(left, "exit", -3)
    vitas = ForeignerFactory()  # its own rule, permit.itas_missing
    move(vitas, "entry", -10, visa_kind=Movement.VisaKind.LIMITED_STAY)
    old_permit = ForeignerFactory()  # only a permit that ended before the entry
    permit(old_permit, -300, -200)
    move(old_permit, "entry", -10)
    assert run("movement.entry_without_permit").candidates == 1


# --- sponsor.repeated_violations ------------------------------------------------------------


def _overstayer(sponsor):
    person = ForeignerFactory()
    permit(person, -200, -10, sponsor=sponsor)
    return person


def test_sponsor_with_three_people_overstaying_is_flagged_and_routed_to_its_agency(
    kanim_officer,
):
    agency = AgencyFactory(kind="dpmptsp")
    sponsor = SponsorFactory(registered_by=agency)
    for _ in range(3):
        _overstayer(sponsor)
    _overstayer(SponsorFactory())  # another sponsor's
    results = {r.rule: r for r in rules_run(today=TODAY)}
    assert results["sponsor.repeated_violations"].candidates == 1
    flag = open_flags("sponsor.repeated_violations").get()
    assert (flag.subject_type, flag.subject_id) == ("sponsor", sponsor.pk)
    assert flag.routed_to == ["imigrasi", f"agency:{agency.pk}"]
    assert "UU 6/2011 Pasal 63" in flag.reason and sponsor.name in flag.reason
    # The Kanim sees the sponsor's flag (employment is readable); nobody's person is named.
    assert visible_flags(kanim_officer).filter(pk=flag.pk).exists()


def test_sponsor_with_two_violations_is_not_flagged_and_the_threshold_is_a_setting():
    sponsor = SponsorFactory()
    _overstayer(sponsor)
    _overstayer(sponsor)
    rules_run(today=TODAY)
    assert open_flags("sponsor.repeated_violations").count() == 0
    RuleSettings.objects.filter(pk=1).update(sponsor_min_violations=2)
    assert run("sponsor.repeated_violations").candidates == 1


def test_rules_reading_flags_run_last():
    assert list(RULES)[-1] == "sponsor.repeated_violations"


# --- person.entry_ban -----------------------------------------------------------------------


def _ban(**kwargs) -> EntryBan:
    defaults = {"reason": "Deportasi 2025", "listed_on": day(-100)}
    return EntryBan.objects.create(**{**defaults, **kwargs})


def test_entry_ban_matches_a_document_and_flags_critical():
    person = ForeignerFactory()
    doc = TravelDocumentFactory(foreigner=person)
    _ban(document_number=doc.number.lower(), document_country=doc.issuing_country)
    run("person.entry_ban")
    flag = open_flags("person.entry_ban").get()
    assert (flag.subject_type, flag.subject_id, flag.document_id) == (
        "foreigner",
        person.pk,
        doc.pk,
    )
    assert flag.severity == Flag.Severity.CRITICAL
    assert "UU 6/2011 Pasal 102" in flag.reason and "UU 63/2024" in flag.reason


def test_entry_ban_matches_name_and_birth_date_whatever_the_accents():
    person = ForeignerFactory(family_name="Müller", given_names="Jörg", nationality="DEU")
    _ban(family_name="MULLER", given_names="Jorg", birth_date=person.birth_date)
    assert run("person.entry_ban").candidates == 1


@pytest.mark.parametrize(
    "change",
    [
        {"birth_date": dt.date(1990, 1, 1)},  # another person of the same name
        {"nationality": "FRA"},
        {"until": day(-1)},  # expired yesterday
        {"lifted_on": TODAY},  # lifted today
        {"listed_on": day(1)},  # not yet in force
    ],
)
def test_entry_ban_that_does_not_match_or_is_not_in_force_does_not_flag(change):
    person = ForeignerFactory(family_name="Smith", given_names="Ann", nationality="GBR")
    ban = {"family_name": "Smith", "given_names": "Ann", "birth_date": person.birth_date}
    ban.update(change)
    if "listed_on" not in change:
        ban["listed_on"] = day(-100)
    _ban(**ban)
    assert run("person.entry_ban").candidates == 0


def test_entry_ban_in_force_on_its_last_day_and_one_flag_per_person():
    person = ForeignerFactory()
    doc = TravelDocumentFactory(foreigner=person)
    _ban(document_number=doc.number, document_country=doc.issuing_country, until=TODAY)
    _ban(family_name=person.family_name, given_names="Test", birth_date=person.birth_date)
    assert run("person.entry_ban").candidates == 1
