"""Every check and unique constraint of the foreigners models: the database rejects a violating
row (IntegrityError on a direct insert), ``full_clean`` reports it as a field or form error, and
a valid row passes both."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from foreigners.models import Foreigner, Residence, Sponsor, StayPermit, TravelDocument
from tests.factories import (
    ForeignerFactory,
    ResidenceFactory,
    SponsorFactory,
    StayPermitFactory,
    TravelDocumentFactory,
)

pytestmark = pytest.mark.django_db

D = dt.date


def rejected_by_db(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def rejected_by_clean(instance, field=None):
    with pytest.raises(ValidationError) as info:
        instance.full_clean()
    if field is not None:
        assert field in info.value.message_dict
    return info.value


def test_valid_rows_pass_clean_and_insert(regions):
    foreigner = ForeignerFactory()
    foreigner.full_clean()
    document = TravelDocumentFactory(foreigner=foreigner)
    document.full_clean()
    permit = StayPermitFactory(foreigner=foreigner)
    permit.full_clean()
    # Decimal, not float: Django turns a float into a Decimal of max_digits significant digits
    # (-4.01 becomes -4.0100000, 7 places), which the 5-place field rightly rejects.
    residence = ResidenceFactory(
        foreigner=foreigner, latitude=Decimal("-4.01"), longitude=Decimal("119.62")
    )
    residence.full_clean()
    SponsorFactory().full_clean()
    Sponsor(kind="person", name="Siti", nik="7372010101010001").full_clean()
    Sponsor(kind="institution", name="Sekolah").full_clean()


def test_birth_date_before_1900_is_rejected(regions):
    rejected_by_db(lambda: ForeignerFactory(birth_date=D(1899, 12, 31)))
    rejected_by_clean(ForeignerFactory.build(birth_date=D(1899, 12, 31)))
    ForeignerFactory(birth_date=D(1900, 1, 1))


def test_document_number_is_unique_per_issuing_country(regions):
    TravelDocumentFactory(number="E12345678", issuing_country="CHN")
    rejected_by_db(lambda: TravelDocumentFactory(number="E12345678", issuing_country="CHN"))
    duplicate = TravelDocumentFactory.build(
        foreigner=ForeignerFactory(), number="E12345678", issuing_country="CHN"
    )
    rejected_by_clean(duplicate)
    TravelDocumentFactory(number="E12345678", issuing_country="MYS")  # another country: fine


def test_document_must_expire_after_issue(regions):
    rejected_by_db(lambda: TravelDocumentFactory(issued_on=D(2024, 1, 1), expires_on=D(2024, 1, 1)))
    document = TravelDocumentFactory.build(
        foreigner=ForeignerFactory(), issued_on=D(2024, 1, 1), expires_on=D(2023, 1, 1)
    )
    rejected_by_clean(document)


def test_document_number_format_is_validated_by_clean(regions):
    document = TravelDocumentFactory.build(foreigner=ForeignerFactory(), number="e12-34")
    rejected_by_clean(document, "number")


def test_sponsor_nib_is_unique_but_blank_nib_repeats(regions):
    SponsorFactory(nib="9100000000001")
    rejected_by_db(lambda: SponsorFactory(nib="9100000000001"))
    rejected_by_clean(Sponsor(kind="company", name="Copy", nib="9100000000001"))
    Sponsor.objects.create(kind="institution", name="School A")
    Sponsor.objects.create(kind="institution", name="School B")


def test_company_sponsor_needs_nib_and_person_needs_nik(regions):
    rejected_by_db(lambda: Sponsor.objects.create(kind="company", name="PT Tanpa NIB"))
    rejected_by_db(lambda: Sponsor.objects.create(kind="person", name="Tanpa NIK"))
    rejected_by_clean(Sponsor(kind="company", name="PT Tanpa NIB"))
    rejected_by_clean(Sponsor(kind="person", name="Tanpa NIK"))
    rejected_by_clean(Sponsor(kind="company", name="PT", nib="123"), "nib")


def test_permit_validity_range_must_be_ordered(regions):
    today = D(2026, 1, 10)
    rejected_by_db(
        lambda: StayPermitFactory(issued_on=today, valid_from=today, valid_until=D(2026, 1, 9))
    )
    permit = StayPermitFactory.build(
        foreigner=ForeignerFactory(), issued_on=today, valid_from=today, valid_until=D(2026, 1, 9)
    )
    rejected_by_clean(permit)
    StayPermitFactory(issued_on=today, valid_from=today, valid_until=today)  # one day: fine


def test_permit_cannot_be_issued_after_it_ends(regions):
    rejected_by_db(
        lambda: StayPermitFactory(
            issued_on=D(2026, 3, 1), valid_from=D(2026, 1, 1), valid_until=D(2026, 2, 1)
        )
    )


def test_permit_cannot_extend_itself(regions):
    permit = StayPermitFactory()
    permit.extends_id = permit.pk
    rejected_by_db(lambda: permit.save(update_fields=["extends"]))


def test_permit_number_is_unique_and_a_permit_is_extended_once(regions):
    first = StayPermitFactory(number="2C100000001")
    rejected_by_db(lambda: StayPermitFactory(number="2C100000001"))
    StayPermitFactory(foreigner=first.foreigner, extends=first)
    rejected_by_db(lambda: StayPermitFactory(foreigner=first.foreigner, extends=first))
    rejected_by_clean(StayPermitFactory.build(foreigner=first.foreigner, number="2C100000001"))


def test_permit_visa_index_format_is_validated_by_clean(regions):
    permit = StayPermitFactory.build(foreigner=ForeignerFactory(), visa_index="e-23")
    rejected_by_clean(permit, "visa_index")
    StayPermitFactory.build(foreigner=ForeignerFactory(), visa_index="E28F").full_clean()


def test_residence_dates_must_be_ordered(regions):
    rejected_by_db(lambda: ResidenceFactory(from_date=D(2025, 1, 2), to_date=D(2025, 1, 1)))
    residence = ResidenceFactory.build(
        foreigner=ForeignerFactory(), from_date=D(2025, 1, 2), to_date=D(2025, 1, 1)
    )
    rejected_by_clean(residence)


def test_only_one_current_residence_per_foreigner(regions):
    current = ResidenceFactory()
    rejected_by_db(lambda: ResidenceFactory(foreigner=current.foreigner))
    rejected_by_clean(ResidenceFactory.build(foreigner=current.foreigner))
    ResidenceFactory(  # a past residence alongside the current one is fine
        foreigner=current.foreigner, from_date=D(2020, 1, 1), to_date=D(2023, 12, 31)
    )
    assert Residence.objects.filter(foreigner=current.foreigner).count() == 2


def test_residence_coordinates_come_in_pairs(regions):
    rejected_by_db(lambda: ResidenceFactory(latitude=-4.0, longitude=None))
    rejected_by_clean(ResidenceFactory.build(foreigner=ForeignerFactory(), latitude=-4.0))
    rejected_by_clean(
        ResidenceFactory.build(foreigner=ForeignerFactory(), latitude=-91, longitude=119),
        "latitude",
    )


def test_nationality_must_be_a_known_country_code(regions):
    rejected_by_clean(ForeignerFactory.build(nationality="ZZZ"), "nationality")


def test_search_name_is_the_normalised_full_name(regions):
    foreigner = ForeignerFactory(given_names="  Hélène  Zoé ", family_name="Lefèvre")
    assert Foreigner.objects.get(pk=foreigner.pk).search_name == "helene zoe lefevre"
    assert TravelDocument.objects.count() == 0 and StayPermit.objects.count() == 0
