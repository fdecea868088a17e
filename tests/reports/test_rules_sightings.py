"""The sighting rules: what must flag and what must not, run scoped (right after a save) and in
the daily scan."""

import datetime as dt

import pytest
from django.utils import timezone

from foreigners.models import StayPermit, VisaIndex
from reports.models import Flag, Sighting, WatchWindow
from tests.factories import (
    ForeignerFactory,
    MovementFactory,
    SightingFactory,
    StayPermitFactory,
)

from .conftest import TODAY, open_flags, run

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("regions")]

D = dt.timedelta


def seen(day: dt.date, *, hour: int = 10, **kwargs) -> Sighting:
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
    return SightingFactory(observed_at=at, **kwargs)


def permit(foreigner, start: dt.date, end: dt.date, **kwargs) -> StayPermit:
    return StayPermitFactory(
        foreigner=foreigner, issued_on=start, valid_from=start, valid_until=end, **kwargs
    )


# --- sighting.unregistered ------------------------------------------------------------------


def test_sighting_of_unknown_person_flags_for_imigrasi_and_polres():
    s = seen(TODAY, foreigner=None)
    run("sighting.unregistered", sighting_ids=[s.pk])
    (flag,) = open_flags("sighting.unregistered")
    assert (flag.subject_type, flag.subject_id, flag.sighting_id) == ("sighting", s.pk, s.pk)
    assert flag.foreigner_id is None
    assert sorted(flag.routed_to) == ["imigrasi", "polres"]
    assert s.reference in flag.reason and "UU 6/2011 Pasal 71" in flag.reason
    assert "Law 6/2011 Art. 71" in flag.reason_en


def test_sighting_of_registered_person_or_dismissed_is_not_unregistered():
    seen(TODAY, foreigner=ForeignerFactory())
    seen(
        TODAY,
        foreigner=None,
        review_status=Sighting.ReviewStatus.DISMISSED,
        reviewed_at=timezone.now(),
    )
    assert run("sighting.unregistered").candidates == 0


def test_unregistered_flag_closes_when_sighting_is_linked_to_a_registered_person():
    s = seen(TODAY, foreigner=None)
    run("sighting.unregistered", sighting_ids=[s.pk])
    s.foreigner = ForeignerFactory()
    s.save()
    assert run("sighting.unregistered", sighting_ids=[s.pk]).closed == 1
    flag = Flag.objects.get(rule="sighting.unregistered")
    assert flag.state == Flag.State.CLOSED
    assert "Dikaitkan dengan orang asing terdaftar" in flag.close_reason


def test_scoped_run_neither_opens_nor_closes_other_sightings():
    a = seen(TODAY, foreigner=None)
    b = seen(TODAY, foreigner=None)
    run("sighting.unregistered", sighting_ids=[a.pk])
    assert [f.subject_id for f in open_flags("sighting.unregistered")] == [a.pk]
    result = run("sighting.unregistered", sighting_ids=[b.pk])
    assert (result.opened, result.closed) == (1, 0)
    assert open_flags("sighting.unregistered").count() == 2


# --- sighting.after_expiry ------------------------------------------------------------------


def test_seen_after_permit_ended_flags_for_polres():
    person = ForeignerFactory()
    p = permit(person, TODAY - D(days=100), TODAY - D(days=10))
    s = seen(TODAY, foreigner=person)
    run("sighting.after_expiry", sighting_ids=[s.pk])
    (flag,) = open_flags("sighting.after_expiry")
    assert (flag.subject_id, flag.permit_id, flag.foreigner_id) == (s.pk, p.pk, person.pk)
    assert flag.severity == Flag.Severity.HIGH
    assert "polres" in flag.routed_to
    assert flag.evidence["days_after_expiry"] == 10


@pytest.mark.parametrize(("after", "severity"), [(60, 40), (61, 50)])
def test_seen_long_after_expiry_is_critical_past_the_deportation_threshold(after, severity):
    person = ForeignerFactory()
    permit(person, TODAY - D(days=200), TODAY - D(days=after))
    seen(TODAY, foreigner=person)
    run("sighting.after_expiry")
    assert open_flags("sighting.after_expiry").get().severity == severity


def test_seen_on_the_last_valid_day_is_not_after_expiry():
    person = ForeignerFactory()
    permit(person, TODAY - D(days=100), TODAY)
    seen(TODAY, hour=23, foreigner=person)  # 23:00 WITA is still the same day in Parepare
    assert run("sighting.after_expiry").candidates == 0


def test_seen_just_after_wita_midnight_is_the_next_day():
    person = ForeignerFactory()
    permit(person, TODAY - D(days=100), TODAY)
    at = timezone.make_aware(dt.datetime.combine(TODAY + D(days=1), dt.time(0, 5)))
    assert at.astimezone(dt.UTC).date() == TODAY  # still the last valid day in UTC
    s = SightingFactory(observed_at=at, foreigner=person)
    run("sighting.after_expiry", sighting_ids=[s.pk])
    assert open_flags("sighting.after_expiry").get().evidence["days_after_expiry"] == 1


def test_seen_after_reentry_with_no_permit_on_record_is_not_after_expiry():
    person = ForeignerFactory()
    permit(person, TODAY - D(days=200), TODAY - D(days=100))
    MovementFactory(foreigner=person, kind="exit", occurred_on=TODAY - D(days=120))
    MovementFactory(foreigner=person, kind="entry", occurred_on=TODAY - D(days=3))
    seen(TODAY, foreigner=person)
    assert run("sighting.after_expiry").candidates == 0


def test_seen_after_a_future_dated_permit_was_recorded_is_still_after_expiry():
    person = ForeignerFactory()
    permit(person, TODAY - D(days=100), TODAY - D(days=10))
    permit(person, TODAY + D(days=5), TODAY + D(days=300))
    seen(TODAY, foreigner=person)
    assert run("sighting.after_expiry").candidates == 1


def test_seen_after_a_diplomatic_permit_ended_is_not_judged():
    person = ForeignerFactory()
    permit(person, TODAY - D(days=100), TODAY - D(days=10), kind="DIPLOMATIC", visa_index="")
    seen(TODAY, foreigner=person)
    assert run("sighting.after_expiry").candidates == 0


def test_seen_while_a_newer_permit_covers_the_day_is_not_after_expiry():
    person = ForeignerFactory()
    old = permit(person, TODAY - D(days=100), TODAY - D(days=10))
    permit(person, TODAY - D(days=9), TODAY + D(days=300), extends=old)
    seen(TODAY, foreigner=person)
    assert run("sighting.after_expiry").candidates == 0


def test_after_expiry_closes_when_an_extension_covering_the_day_is_recorded():
    person = ForeignerFactory()
    old = permit(person, TODAY - D(days=100), TODAY - D(days=10))
    s = seen(TODAY, foreigner=person)
    run("sighting.after_expiry", sighting_ids=[s.pk])
    permit(person, TODAY - D(days=9), TODAY + D(days=300), extends=old)
    assert run("sighting.after_expiry").closed == 1


# --- sighting.activity_mismatch -------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "index", "activity", "routed"),
    [
        ("ITK", "C1", "work", "disnaker"),
        ("ITK", "", "work", "disnaker"),  # a visit permit never allows work
        ("ITAS", "E31", "work", "disnaker"),  # family of a foreign national: no work
        ("ITAS", "E33E", "work", "disnaker"),  # retirement
        ("ITAP", "E33E", "work", "disnaker"),  # not every ITAP may work
        ("ITAS", "E23", "religious", "kemenag"),  # a worker is no cleric
        ("ITK", "C1", "religious", "kemenag"),
        ("ITAP", "", "political", "kesbangpol"),
        ("ITK", "B1", "political", "kesbangpol"),
    ],
)
def test_activity_the_permit_does_not_allow_flags(kind, index, activity, routed):
    person = ForeignerFactory()
    p = permit(person, TODAY - D(days=10), TODAY + D(days=50), kind=kind, visa_index=index)
    s = seen(TODAY, foreigner=person, activity=activity)
    run("sighting.activity_mismatch", sighting_ids=[s.pk])
    (flag,) = open_flags("sighting.activity_mismatch")
    assert (flag.subject_id, flag.permit_id) == (s.pk, p.pk)
    assert routed in flag.routed_to and "imigrasi" in flag.routed_to
    assert "UU 6/2011 Pasal 122 huruf a" in flag.reason
    assert "Law 6/2011 Art. 122(a)" in flag.reason_en


@pytest.mark.parametrize(
    ("kind", "index", "activity"),
    [
        ("ITAS", "E23", "work"),
        ("ITAS", "E23B", "work"),  # a legacy work index, merged into E23
        ("ITAS", "E28A", "work"),
        ("ITAS", "E31A", "work"),  # spouse of an Indonesian citizen (Pasal 61, 52 e)
        ("ITAS", "E31B", "work"),  # child of a mixed marriage (Pasal 61, 52 f)
        ("ITAP", "E31A", "work"),  # ITAP by mixed marriage (Pasal 61, 54(1) b)
        ("ITAS", "", "work"),  # purpose unknown: not flagged
        ("ITAP", "", "work"),
        ("ITAS", "E27", "religious"),  # rohaniwan
        ("ITAS", "E23", "worship"),  # attending worship is not religious work
        ("ITK", "C1", "worship"),
        ("ITK", "C1", "tourism"),
        ("DIPLOMATIC", "", "political"),  # outside this supervision
    ],
)
def test_activity_the_permit_allows_does_not_flag(kind, index, activity):
    person = ForeignerFactory()
    permit(person, TODAY - D(days=10), TODAY + D(days=50), kind=kind, visa_index=index)
    seen(TODAY, foreigner=person, activity=activity)
    assert run("sighting.activity_mismatch").candidates == 0


def test_the_activity_rule_reads_the_visa_index_table_the_admin_edits():
    person = ForeignerFactory()
    permit(person, TODAY - D(days=10), TODAY + D(days=50), kind="ITAS", visa_index="E33E")
    seen(TODAY, foreigner=person, activity="work")
    assert run("sighting.activity_mismatch").candidates == 1
    VisaIndex.objects.filter(code="E33E").update(may_work=True)
    assert run("sighting.activity_mismatch").closed == 1


def test_activity_mismatch_needs_a_permit_valid_that_day():
    person = ForeignerFactory()
    permit(person, TODAY - D(days=100), TODAY - D(days=1), kind="ITK", visa_index="C1")
    seen(TODAY, foreigner=person, activity="work")
    assert run("sighting.activity_mismatch").candidates == 0  # that is after_expiry's case


# --- sighting.outside_area ------------------------------------------------------------------


def test_seen_twice_outside_the_registered_kecamatan_flags_the_person():
    person = ForeignerFactory(residence_region_id="73.72.03.1001")  # Soreang
    seen(TODAY - D(days=3), foreigner=person, region_id="73.72.02.1001")  # Ujung
    s = seen(TODAY, foreigner=person, region_id="73.11")  # Barru: ignored (no kecamatan)
    s2 = seen(TODAY, foreigner=person, region_id="73.72.01.1004")  # Bacukiki
    run("sighting.outside_area", sighting_ids=[s.pk, s2.pk])
    (flag,) = open_flags("sighting.outside_area")
    assert (flag.subject_type, flag.subject_id, flag.foreigner_id) == (
        "foreigner",
        person.pk,
        person.pk,
    )
    assert flag.evidence["sightings"] == 2
    assert "Soreang" in flag.reason and "Pasal 71" in flag.reason
    assert flag.severity == Flag.Severity.LOW


def test_seen_once_outside_or_often_inside_the_kecamatan_does_not_flag():
    person = ForeignerFactory(residence_region_id="73.72.03.1001")
    seen(TODAY, foreigner=person, region_id="73.72.02.1001")
    seen(TODAY, foreigner=person, region_id="73.72.03.1002")  # other kelurahan, same kecamatan
    seen(TODAY, foreigner=person, region_id="73.72.03")
    assert run("sighting.outside_area").candidates == 0


def test_outside_area_counts_only_the_window_and_closes_when_sightings_age_out():
    person = ForeignerFactory(residence_region_id="73.72.03.1001")
    seen(TODAY - D(days=30), foreigner=person, region_id="73.72.02.1001")
    seen(TODAY, foreigner=person, region_id="73.72.02.1002")
    run("sighting.outside_area")
    assert open_flags("sighting.outside_area").count() == 1
    assert run("sighting.outside_area", today=TODAY + D(days=1)).closed == 1


def test_outside_area_closes_when_the_address_is_updated():
    person = ForeignerFactory(residence_region_id="73.72.03.1001")
    seen(TODAY, foreigner=person, region_id="73.72.02.1001")
    s = seen(TODAY, foreigner=person, region_id="73.72.02.1002")
    run("sighting.outside_area")
    person.residence_region_id = "73.72.02.1003"
    person.save()
    assert run("sighting.outside_area", sighting_ids=[s.pk]).closed == 1


# --- sighting.political_watch ---------------------------------------------------------------

PILKADA = dt.date(2024, 11, 27)


def test_political_activity_on_pilkada_day_flags_for_the_four_agencies():
    # The Pilkada 2024 window comes with the migration.
    s = seen(PILKADA, foreigner=None, activity="political")
    run("sighting.political_watch", sighting_ids=[s.pk], today=PILKADA)
    (flag,) = open_flags("sighting.political_watch")
    assert sorted(flag.routed_to) == ["imigrasi", "kesbangpol", "kodim", "polres"]
    assert "Pilkada" in flag.reason and "Pasal 75" in flag.reason


def test_political_activity_outside_the_window_or_other_activity_does_not_flag():
    seen(dt.date(2024, 12, 17), foreigner=None, activity="political")
    seen(PILKADA, foreigner=None, activity="tourism")
    assert run("sighting.political_watch").candidates == 0


def test_watch_window_limited_to_a_region_and_inactive_windows():
    WatchWindow.objects.update(is_active=False)
    WatchWindow.objects.create(
        name="Pilwalkot Ujung",
        starts_on=PILKADA,
        ends_on=PILKADA,
        region_id="73.72.02",
        routed_to=["imigrasi", "kesbangpol"],
    )
    seen(PILKADA, foreigner=None, activity="political", region_id="73.72.03.1001")
    inside = seen(PILKADA, foreigner=None, activity="political", region_id="73.72.02.1004")
    run("sighting.political_watch")
    (flag,) = open_flags("sighting.political_watch")
    assert flag.subject_id == inside.pk
    assert flag.routed_to == ["imigrasi", "kesbangpol"]


def test_dismissing_a_sighting_closes_its_flags():
    s = seen(PILKADA, foreigner=None, activity="political")
    run("sighting.political_watch")
    s.review_status = Sighting.ReviewStatus.DISMISSED
    s.reviewed_at = timezone.now()
    s.save()
    assert run("sighting.political_watch", sighting_ids=[s.pk]).closed == 1
    assert "ditolak" in Flag.objects.get(rule="sighting.political_watch").close_reason
