"""The Django admin is no second write path: records of personal data (people, documents,
permits, residences, movements, sightings, flags) are read-only there — their writes go through
the portal's services — and what it still writes (sponsors, regions) answers bad input with a
form error, never a 500. Its record pages are reads in the access log."""

import pytest
from django.urls import reverse

from agencies.models import Region
from foreigners.models import Foreigner, Movement, Residence, Sponsor, StayPermit, TravelDocument
from reports.models import Flag, Sighting
from tests.factories import (
    FlagFactory,
    ForeignerFactory,
    MovementFactory,
    ResidenceFactory,
    SightingFactory,
    StayPermitFactory,
    TravelDocumentFactory,
)

pytestmark = pytest.mark.django_db


def _management(prefix: str, total: int = 0, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


FOREIGNER_INLINES = {
    **_management("documents"),
    **_management("permits"),
    **_management("residences"),
}


def _url(model, action="add", *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


def _errors(response) -> dict:
    """Field errors of the main form plus its non-field errors under '__all__'."""
    assert response.status_code == 200, response.status_code
    form = response.context["adminform"].form
    return {k: [str(m) for m in v] for k, v in form.errors.items()}


def _foreigner_data(**overrides) -> dict:
    data = {
        "family_name": "Wang",
        "given_names": "Lei",
        "sex": "M",
        "birth_date": "1985-05-17",
        "nationality": "CHN",
        "birth_place": "",
        "occupation": "",
        **FOREIGNER_INLINES,
    }
    data.update(overrides)
    return data


def _residence_data(foreigner, **overrides) -> dict:
    data = {
        "foreigner": foreigner.pk,
        "address": "Jl. Bau Massepe No. 2",
        "region": "73.72.03.1001",
        "latitude": "",
        "longitude": "",
        "from_date": "2025-01-01",
        "to_date": "",
    }
    data.update(overrides)
    return data


def _sponsor_data(**overrides) -> dict:
    data = {
        "kind": "company",
        "name": "PT Maju Jaya",
        "nib": "9120000000001",
        "nik": "",
        "address": "",
        "region": "",
        "phone": "",
    }
    data.update(overrides)
    return data


PERSONAL_RECORDS = [Foreigner, TravelDocument, StayPermit, Residence, Movement, Sighting, Flag]


@pytest.fixture
def records(regions):
    f = ForeignerFactory(family_name="Wang")
    return {
        Foreigner: f,
        TravelDocument: TravelDocumentFactory(foreigner=f, number="E12345678"),
        StayPermit: StayPermitFactory(foreigner=f),
        Residence: ResidenceFactory(foreigner=f),
        Movement: MovementFactory(foreigner=f),
        Sighting: SightingFactory(foreigner=f),
        Flag: FlagFactory(foreigner=f),
    }


@pytest.mark.parametrize("model", PERSONAL_RECORDS, ids=lambda m: m.__name__)
def test_admin_cannot_add_change_or_delete_personal_records(admin_client, records, model):
    obj = records[model]
    before = model.objects.count()
    assert admin_client.get(_url(model)).status_code == 403
    assert admin_client.post(_url(model), {}).status_code == 403
    assert admin_client.get(_url(model, "delete", obj.pk)).status_code == 403
    assert admin_client.post(_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    # The change page shows the record read-only; a posted form changes nothing.
    page = admin_client.get(_url(model, "change", obj.pk))
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert admin_client.post(_url(model, "change", obj.pk), {}).status_code == 403
    assert model.objects.count() == before


def test_admin_residence_cannot_leave_the_scope_region_stale(admin_client, records):
    """The issue's case: a residence added in the admin used to skip the residence services
    (which keep ``Foreigner.residence_region``). Now the admin refuses it, inline or not."""
    f = records[Foreigner]
    region = f.residence_region_id
    data = _foreigner_data(
        **_management("residences", 1),
        **{
            f"residences-0-{k}": v
            for k, v in _residence_data(f, region="73.72.01.1001").items()
            if k != "foreigner"
        },
    )
    assert admin_client.post(_url(Foreigner, "change", f.pk), data).status_code == 403
    assert admin_client.post(_url(Residence), _residence_data(f)).status_code == 403
    f.refresh_from_db()
    assert f.residence_region_id == region
    assert f.residences.count() == 1


def test_admin_record_pages_are_reads_in_the_access_log(admin_client, admin_user, records):
    from agencies.models import AuditEvent

    f = records[Foreigner]
    admin_client.get(_url(Foreigner, "change", f.pk))
    row = AuditEvent.objects.get(action="read")
    assert row.user_id == admin_user.pk
    assert row.shown["foreigner"] == [f.pk]
    assert row.shown["traveldocument"] == [records[TravelDocument].pk]
    admin_client.get(_url(Sighting, "changelist"))
    rows = AuditEvent.objects.filter(action="read").order_by("-id")
    assert rows.count() == 2
    assert rows[0].shown == {"sighting": [records[Sighting].pk]}


@pytest.mark.parametrize(
    "data",
    [_sponsor_data(nib=""), _sponsor_data(kind="person", nib="")],
    ids=["company-without-nib", "person-without-nik"],
)
def test_admin_sponsor_form_reports_bad_input(admin_client, regions, data):
    errors = _errors(admin_client.post(_url(Sponsor), data))
    assert errors, "a sponsor with missing identifiers was accepted"
    assert Sponsor.objects.count() == 0


@pytest.mark.parametrize(
    "data",
    [
        {"code": "73.7", "name": "x", "level": "kota", "parent": "73"},
        {"code": "74.01", "name": "x", "level": "kota", "parent": "73"},
    ],
    ids=["malformed", "wrong-parent"],
)
def test_admin_region_form_reports_bad_codes(admin_client, regions, data):
    assert _errors(admin_client.post(_url(Region), data))
    assert not Region.objects.filter(code=data["code"]).exists()
