"""Every filter, search term and sort key of every list declares the data category it reveals,
and a criterion of a category the user may not read is refused (never applied, never ignored)."""

from __future__ import annotations

import django_filters
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

import foreigners.filters
import reports.filters
from agencies.access import Category
from agencies.filtering import FILTERSETS, PolicyFilterSet
from foreigners.models import Foreigner
from reports.models import Sighting

from ..factories import ForeignerFactory, SightingFactory

SOREANG = "73.72.03.1001"


def test_every_list_resource_has_one_policy_filterset():
    models = [fs._meta.model._meta.label for fs in FILTERSETS]
    assert {"foreigners.Foreigner", "reports.Sighting", "reports.Flag"} <= set(models)
    assert len(models) == len(set(models)), f"two filter sets for one resource: {models}"
    assert foreigners.filters.ForeignerFilterSet in FILTERSETS
    assert reports.filters.FlagFilterSet in FILTERSETS


@pytest.mark.parametrize("filterset", FILTERSETS, ids=lambda fs: fs.__name__)
def test_every_filter_and_sort_key_declares_its_category(filterset):
    allowed = set(Category.ALL) | {None}
    for name in filterset.base_filters:
        assert name in filterset.filter_categories, f"{filterset.__name__}.{name}: no category"
        assert filterset.filter_categories[name] in allowed, f"{name}: unknown category"
    for name, flt in filterset.base_filters.items():
        if isinstance(flt, django_filters.OrderingFilter):
            keys = {key for key, _label in flt.extra["choices"] if not key.startswith("-")}
            missing = keys - set(filterset.ordering_categories)
            assert not missing, f"{filterset.__name__}.{name}: sort keys {missing} undeclared"
            assert set(filterset.ordering_categories.values()) <= allowed
    assert set(filterset.scoped_filters) <= set(filterset.base_filters)
    assert set(filterset.body_only) <= set(filterset.base_filters)


def test_a_filter_without_a_category_is_a_configuration_error(polres_officer):
    class Careless(PolicyFilterSet):
        surname = django_filters.CharFilter(field_name="family_name")

        class Meta(PolicyFilterSet.Meta):
            model = Foreigner
            fields: list[str] = []

    FILTERSETS.remove(Careless)
    with pytest.raises(ImproperlyConfigured, match="surname"):
        Careless({}, Foreigner.objects.all(), user=polres_officer)


def test_api_refuses_a_filter_on_a_masked_category_field_by_field(client, kemenag_officer):
    ForeignerFactory(residence_region_id=SOREANG)
    client.force_login(kemenag_officer)
    url = reverse("api-foreigner-list")
    response = client.get(url, {"kecamatan": "73.72.03", "permit_kind": "ITAS"})
    assert response.status_code == 400
    assert set(response.json()) == {"kecamatan", "permit_kind"}
    assert client.get(url, {"nationality": "CHN"}).status_code == 200
    flags = client.get(reverse("api-flag-list"), {"kecamatan": "73.72.03"})
    assert flags.status_code == 400 and "kecamatan" in flags.json()
    search = client.post(
        reverse("api-foreigner-search"), {"kecamatan": "73.72.03"}, content_type="application/json"
    )
    assert search.status_code == 400 and "kecamatan" in search.json()


def test_api_refuses_a_residence_filter_outside_the_scope(client, polres_officer):
    ForeignerFactory(residence_region_id="73.11")
    client.force_login(polres_officer)
    response = client.get(reverse("api-foreigner-list"), {"kecamatan": "73.11"})
    assert response.status_code == 400 and "kecamatan" in response.json()


def test_document_numbers_never_travel_in_a_url(client, polres_officer):
    client.force_login(polres_officer)
    response = client.get(reverse("api-foreigner-list"), {"document_number": "A1234567"})
    assert response.status_code == 400 and "document_number" in response.json()


def test_page_shows_the_refusal_as_a_form_error_and_no_rows(client, kemenag_officer):
    person = ForeignerFactory(residence_region_id=SOREANG)
    client.force_login(kemenag_officer)
    page = client.get(reverse("foreigner-list"), {"kecamatan": "73.72.03"})
    assert page.status_code == 200
    body = page.content.decode()
    assert 'role="alert"' in body
    assert reverse("foreigner-detail", args=[person.pk]) not in body
    listed = client.get(reverse("foreigner-list"), {"q": person.family_name[:4]})
    assert reverse("foreigner-detail", args=[person.pk]) in listed.content.decode()


def test_sighting_nationality_answers_only_through_visible_people(client, polres_officer, regions):
    hidden = ForeignerFactory(residence_region_id="73.11", nationality="NLD")
    sighting = SightingFactory(
        region_id="73.11", foreigner=hidden, apparent_nationality="", activity="work"
    )
    Sighting.objects.filter(pk=sighting.pk).update(
        reporting_agency_id=polres_officer.officer.agency_id
    )
    client.force_login(polres_officer)
    url = reverse("api-sighting-list")
    rows = client.get(url).json()["results"]
    assert [(r["id"], r["foreigner"]) for r in rows] == [(sighting.pk, None)]
    assert client.get(url, {"nationality": "NLD"}).json()["results"] == []
