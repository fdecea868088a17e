"""Every check and unique constraint of the agencies and reports domain models (issue 2): the
database rejects a violating row, ``full_clean`` reports it, and a valid row passes. Protected
foreign keys keep history: deleting a person, permit or agency that records point at fails."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from agencies.models import Agency, Officer, Region
from reports.models import Flag, Sighting
from tests.factories import (
    AgencyFactory,
    FlagFactory,
    ForeignerFactory,
    OfficerFactory,
    SightingFactory,
    StayPermitFactory,
)

pytestmark = pytest.mark.django_db


def rejected_by_db(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def rejected_by_clean(instance, field=None):
    with pytest.raises(ValidationError) as info:
        instance.full_clean()
    if field is not None:
        assert field in info.value.message_dict, info.value.message_dict


# --- agencies ---------------------------------------------------------------------------------


def test_region_code_must_be_a_kemendagri_code(regions):
    rejected_by_db(lambda: Region.objects.create(code="73-72", name="X", level="kota"))
    rejected_by_db(lambda: Region.objects.create(code="7", name="X", level="province"))
    rejected_by_clean(Region(code="73.7", name="X", level="kota", parent_id="73"), "code")
    Region(code="73.73", name="Kota Baru", level="kota", parent_id="73").full_clean()


def test_region_code_must_extend_its_parents(regions):
    rejected_by_db(
        lambda: Region.objects.create(
            code="73.72.09", name="Salah", level="kecamatan", parent_id="73.71"
        )
    )
    Region.objects.create(code="73.72.09", name="Baru", level="kecamatan", parent_id="73.72")


def test_agency_name_is_unique(regions):
    AgencyFactory(name="Polres Parepare")
    rejected_by_db(lambda: AgencyFactory(name="Polres Parepare"))
    rejected_by_clean(
        Agency(name="Polres Parepare", short_name="P", kind="polres", region_id="73.72"), "name"
    )


def test_officer_nip_is_unique_but_blank_nip_repeats(regions):
    OfficerFactory(nip="198501172010011001")
    rejected_by_db(lambda: OfficerFactory(nip="198501172010011001"))
    OfficerFactory(nip="")
    OfficerFactory(nip="")
    rejected_by_clean(OfficerFactory.build(agency=AgencyFactory(), nip="12345"), "nip")


def test_an_agency_with_officers_cannot_be_deleted(regions):
    officer = OfficerFactory()
    with pytest.raises(ProtectedError):
        officer.agency.delete()
    assert Officer.objects.filter(pk=officer.pk).exists()


# --- sightings --------------------------------------------------------------------------------


def test_valid_sighting_passes_clean_and_gets_a_reference(regions):
    sighting = SightingFactory(latitude=Decimal("-4.01234"), longitude=Decimal("119.62345"))
    sighting.full_clean()
    assert sighting.reference.startswith("LAP-")


def test_sighting_reference_is_unique(regions):
    first = SightingFactory()
    rejected_by_db(lambda: SightingFactory(reference=first.reference))


def test_sighting_person_count_must_be_positive(regions):
    rejected_by_db(lambda: SightingFactory(person_count=0))


def test_unidentified_sighting_must_describe_the_person(regions):
    rejected_by_db(
        lambda: SightingFactory(
            foreigner=None, apparent_nationality="", unidentified_description=""
        )
    )
    SightingFactory(foreigner=None, apparent_nationality="", unidentified_description="Pria tinggi")
    SightingFactory(foreigner=ForeignerFactory(), apparent_nationality="")


def test_a_reviewed_sighting_has_a_review_time(regions):
    rejected_by_db(lambda: SightingFactory(review_status="verified", reviewed_at=None))
    SightingFactory(review_status="verified", reviewed_at=timezone.now())
    SightingFactory(review_status="pending", reviewed_at=None)


def test_sighting_coordinates_come_in_pairs(regions):
    rejected_by_db(lambda: SightingFactory(latitude=Decimal("-4.0"), longitude=None))


def test_a_sighted_foreigner_cannot_be_deleted(regions):
    sighting = SightingFactory(foreigner=ForeignerFactory())
    with pytest.raises(ProtectedError):
        sighting.foreigner.delete()


# --- flags ------------------------------------------------------------------------------------


def test_one_open_flag_per_rule_and_subject(regions):
    FlagFactory(rule="permit.expiring", subject_id=7)
    rejected_by_db(lambda: FlagFactory(rule="permit.expiring", subject_id=7))
    rejected_by_db(lambda: FlagFactory(rule="permit.expiring", subject_id=7, state="acknowledged"))
    # Another rule, another subject, or a closed flag beside the open one: fine.
    FlagFactory(rule="permit.overstay", subject_id=7)
    FlagFactory(rule="permit.expiring", subject_id=8)
    now = timezone.now()
    FlagFactory(rule="permit.expiring", subject_id=7, state="closed", opened_at=now, closed_at=now)
    assert Flag.objects.filter(rule="permit.expiring", subject_id=7).count() == 2


def test_a_closed_flag_has_a_closing_time_and_an_open_one_none(regions):
    rejected_by_db(lambda: FlagFactory(state="closed", closed_at=None))
    rejected_by_db(lambda: FlagFactory(state="resolved", closed_at=None))
    rejected_by_db(lambda: FlagFactory(state="open", closed_at=timezone.now()))


def test_a_flag_closes_after_it_opened(regions):
    now = timezone.now()
    rejected_by_db(
        lambda: FlagFactory(state="closed", opened_at=now, closed_at=now - dt.timedelta(hours=1))
    )
    FlagFactory(state="closed", opened_at=now, closed_at=now)


def test_a_flagged_permit_cannot_be_deleted(regions):
    permit = StayPermitFactory()
    FlagFactory(subject_id=permit.pk, permit=permit, foreigner=permit.foreigner)
    with pytest.raises(ProtectedError):
        permit.delete()
    with pytest.raises(ProtectedError):
        permit.foreigner.delete()


def test_a_clashing_random_reference_is_drawn_again(regions, monkeypatch):
    taken = SightingFactory().reference
    drawn = iter([taken, taken, "LAP-261201-00ABCD"])
    monkeypatch.setattr("reports.models.new_sighting_reference", lambda: next(drawn))
    with transaction.atomic():  # the caller's transaction survives the clash
        s = SightingFactory()
    assert s.reference == "LAP-261201-00ABCD"
    assert Sighting.objects.filter(reference=taken).count() == 1


def test_references_that_keep_clashing_end_in_the_error_and_write_nothing(regions, monkeypatch):
    taken = SightingFactory().reference
    monkeypatch.setattr("reports.models.new_sighting_reference", lambda: taken)
    before = Sighting.objects.count()
    with pytest.raises(IntegrityError):
        SightingFactory()
    assert Sighting.objects.count() == before


def test_another_integrity_error_is_not_retried(regions, monkeypatch):
    calls = []

    def draw():
        calls.append(1)
        return f"LAP-261201-{len(calls):06X}"

    monkeypatch.setattr("reports.models.new_sighting_reference", draw)
    with pytest.raises(IntegrityError):
        SightingFactory(person_count=0)  # a check constraint's error
    assert len(calls) == 1
