"""The Django admin never answers bad input with a 500: every add/change form reports the
problem (duplicate, dates out of order, a missing company NIB, a malformed code) next to the
form, and every registered model's list and add pages load."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from agencies.models import Region
from foreigners.models import Foreigner, Residence, Sponsor, StayPermit, TravelDocument
from reports.models import Sighting
from tests.factories import (
    AgencyFactory,
    ForeignerFactory,
    ResidenceFactory,
    TravelDocumentFactory,
    UserFactory,
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


def _inline_errors(response) -> list:
    return [
        {k: [str(m) for m in v] for k, v in f.errors.items()}
        for inline in response.context["inline_admin_formsets"]
        for f in inline.formset.forms
        if f.errors
    ] + [
        [str(m) for m in inline.formset.non_form_errors()]
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.non_form_errors()
    ]


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


def _document_data(foreigner, **overrides) -> dict:
    data = {
        "foreigner": foreigner.pk,
        "kind": "passport",
        "number": "E12345678",
        "issuing_country": "CHN",
        "issued_on": "2020-01-01",
        "expires_on": "2030-01-01",
    }
    data.update(overrides)
    return data


def _permit_data(foreigner, **overrides) -> dict:
    data = {
        "foreigner": foreigner.pk,
        "kind": "ITAS",
        "visa_index": "E23",
        "number": "2C11AA0001",
        "issued_on": "2025-01-01",
        "valid_from": "2025-01-01",
        "valid_until": "2026-01-01",
        "sponsor": "",
        "purpose": "",
        "status": "active",
        "extends": "",
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


def _sighting_data(agency, user, **overrides) -> dict:
    data = {
        "reporter": user.pk,
        "reporting_agency": agency.pk,
        "observed_at_0": "2026-11-01",
        "observed_at_1": "10:00:00",
        "region": "73.72.03.1001",
        "place": "Pasar Lakessi",
        "latitude": "",
        "longitude": "",
        "activity": "work",
        "description": "Seen working at a shop",
        "foreigner": "",
        "apparent_nationality": "CHN",
        "apparent_sex": "",
        "person_count": "1",
        "unidentified_description": "",
        "review_status": "pending",
        "reviewed_by": "",
        "reviewed_at_0": "",
        "reviewed_at_1": "",
        "review_note": "",
        **_management("photos"),
    }
    data.update(overrides)
    return data


# --- every bad input is refused next to the form, and nothing is saved
def _bad_inputs(f, agency, user) -> dict:
    """name → (model, posted data) of an add form that must be refused."""
    inline_residences = {
        f"residences-{i}-{k}": v
        for i in range(2)
        for k, v in _residence_data(f).items()
        if k != "foreigner"
    }
    return {
        "foreigner_born_1850": (Foreigner, _foreigner_data(birth_date="1850-01-01")),
        "foreigner_unknown_country": (Foreigner, _foreigner_data(nationality="QQQ")),
        "document_duplicate": (TravelDocument, _document_data(f)),
        "document_expires_before_issue": (
            TravelDocument,
            _document_data(f, number="E99999999", expires_on="2019-01-01"),
        ),
        "permit_ends_before_start": (StayPermit, _permit_data(f, valid_until="2024-06-01")),
        "residence_second_current": (Residence, _residence_data(f)),
        "residence_ends_before_start": (Residence, _residence_data(f, to_date="2024-01-01")),
        "residence_half_coordinates": (Residence, _residence_data(f, latitude="-4.0")),
        "sponsor_company_without_nib": (Sponsor, _sponsor_data(nib="")),
        "sponsor_person_without_nik": (Sponsor, _sponsor_data(kind="person", nib="")),
        "region_malformed_code": (
            Region,
            {"code": "73.7", "name": "x", "level": "kota", "parent": "73"},
        ),
        "region_code_outside_parent": (
            Region,
            {"code": "74.01", "name": "x", "level": "kota", "parent": "73"},
        ),
        "sighting_neither_identified_nor_described": (
            Sighting,
            _sighting_data(agency, user, apparent_nationality=""),
        ),
        "sighting_reviewed_without_time": (
            Sighting,
            _sighting_data(agency, user, review_status="verified"),
        ),
        "foreigner_two_current_residences_inline": (
            Foreigner,
            _foreigner_data(**_management("residences", 2), **inline_residences),
        ),
    }


# The case names only (the rows the data points to are made in each test).
BAD_INPUTS = list(_bad_inputs(*[SimpleNamespace(pk=0)] * 3))


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_admin_add_form_refuses_bad_input_with_a_message(admin_client, regions, case):
    f = ForeignerFactory()
    TravelDocumentFactory(foreigner=f, number="E12345678", issuing_country="CHN")
    ResidenceFactory(foreigner=f)
    model, data = _bad_inputs(f, AgencyFactory(), UserFactory())[case]
    before = model.objects.count()

    response = admin_client.post(_url(model), data)

    messages = [m for ms in _errors(response).values() for m in ms] + [
        str(m) for inline in _inline_errors(response) for m in _flatten(inline)
    ]
    assert messages, f"{case}: the form was accepted"
    assert all(m.strip() for m in messages)
    assert model.objects.count() == before


def _flatten(inline) -> list:
    return [m for ms in inline.values() for m in ms] if isinstance(inline, dict) else inline
