"""factory_boy factories for every model, one place for all apps' tests."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from agencies.models import Agency, Officer, Region
from foreigners.models import Foreigner, Movement, Residence, Sponsor, StayPermit, TravelDocument
from reports.models import Flag, Sighting


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = "73"
    name = factory.LazyAttribute(lambda o: f"Region {o.code}")
    level = Region.Level.PROVINCE


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Agency {n}")
    short_name = factory.LazyAttribute(lambda o: o.name)
    kind = Agency.Kind.POLRES
    region_id = "73.72"

    @factory.post_generation
    def jurisdiction(self, create, extracted, **kwargs):
        if create and extracted:
            self.jurisdiction.set(extracted)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    password = factory.django.Password("pw-Timpora-123")


class OfficerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Officer

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = Officer.Role.OFFICER


class ForeignerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Foreigner

    family_name = factory.Sequence(lambda n: f"Family{n}")
    given_names = "Test"
    sex = Foreigner.Sex.MALE
    birth_date = dt.date(1985, 5, 17)
    nationality = "CHN"
    residence_region_id = "73.72.03.1001"


class TravelDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TravelDocument

    foreigner = factory.SubFactory(ForeignerFactory)
    number = factory.Sequence(lambda n: f"E{n:08d}")
    issuing_country = "CHN"
    issued_on = dt.date(2020, 1, 1)
    expires_on = dt.date(2030, 1, 1)


class SponsorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sponsor

    kind = Sponsor.Kind.COMPANY
    name = factory.Sequence(lambda n: f"PT Sponsor {n}")
    nib = factory.Sequence(lambda n: f"{9100000000000 + n}")


class StayPermitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StayPermit

    foreigner = factory.SubFactory(ForeignerFactory)
    kind = StayPermit.Kind.ITAS
    visa_index = "E23"
    number = factory.Sequence(lambda n: f"2C1{n:08d}")
    issued_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=100))
    valid_from = factory.LazyAttribute(lambda o: o.issued_on)
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=265))


class ResidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Residence

    foreigner = factory.SubFactory(ForeignerFactory)
    address = "Jl. Bau Massepe No. 1"
    region_id = "73.72.03.1001"
    from_date = dt.date(2024, 1, 1)


class MovementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Movement

    foreigner = factory.SubFactory(ForeignerFactory)
    kind = Movement.Kind.ENTRY
    occurred_on = dt.date(2024, 1, 1)
    port = "TPI Pelabuhan Nusantara Parepare"


class SightingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sighting

    reporter = factory.SubFactory(UserFactory)
    reporting_agency = factory.SubFactory(AgencyFactory)
    observed_at = factory.LazyFunction(timezone.now)
    region_id = "73.72.03.1001"
    place = "Pasar Lakessi"
    activity = Sighting.Activity.WORK
    description = "Seen working at a shop"
    apparent_nationality = "CHN"


class FlagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Flag

    rule = "permit.expiring"
    subject_type = Flag.SubjectType.PERMIT
    subject_id = factory.Sequence(lambda n: n + 1)
    reason = "Izin tinggal akan berakhir"
    opened_at = factory.LazyFunction(timezone.now)
    routed_to = factory.LazyFunction(lambda: ["imigrasi"])
