"""The extension points the lower apps offer and the higher apps fill (docs/ARCHITECTURE.md),
the capabilities on Access, and the helpers shared by every app."""

import datetime as dt

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from agencies.access import access_for
from agencies.form_errors import form_errors_add
from agencies.models import Agency, is_region_code
from agencies.registry import shareable, shareable_records, subject_label
from agencies.services import access_request_create, owning_agency
from foreigners.models import Foreigner
from foreigners.registry import related_panels, scope_contributors
from foreigners.selectors import visible_foreigners
from reports.models import Sighting
from reports.selectors import visible_sightings
from reports.services import sighting_submit
from tests.factories import AgencyFactory, ForeignerFactory, SightingFactory

SOREANG = "73.72.03.1001"
UJUNG = "73.72.02.1001"


def test_higher_apps_register_their_records_panels_and_scope():
    assert {r.subject_type for r in shareable_records()} == {"foreigner", "sighting"}
    assert shareable("sighting").model is Sighting
    assert shareable("foreigner").selector is visible_foreigners
    assert subject_label("sighting") == str(shareable("sighting").label)
    assert subject_label("unknown") == "unknown"
    assert {p.name for p in related_panels()} == {"sightings", "flags"}
    assert len(scope_contributors()) == 1
    with pytest.raises(ValidationError) as err:
        shareable("permit")
    assert "subject_type" in err.value.message_dict


@pytest.mark.django_db
def test_a_person_seen_in_scope_is_visible_through_the_reports_contributor(polres_officer):
    person = ForeignerFactory(residence_region_id=None)
    assert not visible_foreigners(polres_officer).filter(pk=person.pk).exists()
    SightingFactory(foreigner=person, region_id=SOREANG)
    assert visible_foreigners(polres_officer).filter(pk=person.pk).exists()


@pytest.mark.django_db
def test_owning_agency_of_a_sighting_outside_every_kanim_area_is_its_reporter(regions):
    reporter = AgencyFactory(kind=Agency.Kind.POLRES)
    sighting = SightingFactory(reporting_agency=reporter, region_id=SOREANG)
    assert owning_agency("sighting", sighting.pk) == reporter
    kanim = AgencyFactory(kind=Agency.Kind.IMIGRASI, jurisdiction=["73.72"])
    assert owning_agency("sighting", sighting.pk) == kanim


@pytest.mark.django_db
def test_querysets_compose_with_visible_to(polres_officer, kemenag_officer):
    here = ForeignerFactory(residence_region_id=SOREANG, nationality="CHN")
    ForeignerFactory(residence_region_id=SOREANG, nationality="JPN")
    narrowed = Foreigner.objects.filter(nationality="CHN").visible_to(polres_officer)
    assert list(narrowed) == [here]
    seen = SightingFactory(region_id=SOREANG, activity=Sighting.Activity.WORK)
    assert list(Sighting.objects.visible_to(polres_officer)) == list(
        visible_sightings(polres_officer)
    )
    assert seen not in Sighting.objects.visible_to(kemenag_officer)


@pytest.mark.django_db
def test_capabilities_and_template_flags_come_from_access(client, kanim_supervisor, polres_officer):
    kanim, polres = access_for(kanim_supervisor), access_for(polres_officer)
    assert kanim.can_review_sightings and kanim.can_share
    assert not polres.can_review_sightings and not polres.can_share
    assert polres.can_submit_sightings
    client.force_login(polres_officer)
    response = client.get(reverse("home"))
    assert response.context["can"]["write"]["sighting"] is True
    assert response.context["can"]["review"] is False


@pytest.mark.django_db
def test_a_supervisor_sees_the_requests_their_agency_decides(
    client, kanim_supervisor, polres_officer
):
    person = ForeignerFactory(residence_region_id=UJUNG)
    request = access_request_create(
        requester=polres_officer,
        subject_type="foreigner",
        subject_id=person.pk,
        purpose="Checking a report from the port.",
    )
    client.force_login(kanim_supervisor)
    page = client.get(reverse("access-request-list"))
    assert request in [r for r, _decision_form in page.context["to_decide"]]
    assert "Checking a report from the port." in page.content.decode()


class _Pair(forms.Form):
    name = forms.CharField()
    region = forms.CharField()


def test_form_errors_land_beside_their_field_or_on_top():
    main, residence = _Pair({"name": "a", "region": "b"}), _Pair({"name": "c", "region": "d"})
    assert main.is_valid() and residence.is_valid()
    exc = ValidationError({"name": "bad name", "other": "odd", "residence-region": "outside"})
    form_errors_add(main, exc, prefixed={"residence-": residence})
    assert main.errors["name"] == ["bad name"]
    assert main.non_field_errors() == ["odd"]
    assert residence.errors["region"] == ["outside"]
    form_errors_add(main, ValidationError("whole form"))
    assert "whole form" in main.non_field_errors()


def test_region_code_pattern():
    assert all(is_region_code(c) for c in ["73", "73.72", "73.72.03", "73.72.03.1001"])
    assert not any(is_region_code(c) for c in ["", None, "7", "73.7", "73.72.03.1", "73\n"])


@pytest.mark.django_db
def test_sighting_input_problems_are_reported_together(kanim_officer):
    with pytest.raises(ValidationError) as err:
        sighting_submit(
            reporter=kanim_officer,
            region=kanim_officer.officer.agency.region,
            place="Pelabuhan",
            observed_at=timezone.now() + dt.timedelta(days=1),
            activity=Sighting.Activity.WORK,
            description="Seen at the port",
            latitude=None,
            longitude=1,
            foreigner_id=999999,
        )
    assert set(err.value.message_dict) == {"region", "observed_at", "longitude", "foreigner"}
    assert not Sighting.objects.exists()
