"""The policy as data, regional scope, shares and selectors (the one enforcement point)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from agencies.access import Category, Level, access_for
from agencies.models import Agency, PolicyChange, PolicyRule, RecordShare
from agencies.services import policy_set, share_grant, share_revoke, shares_expire
from foreigners.filters import foreigners_filtered
from foreigners.selectors import visible_foreigners
from reports.selectors import visible_flags, visible_sightings
from tests.factories import (
    AgencyFactory,
    FlagFactory,
    ForeignerFactory,
    OfficerFactory,
    SightingFactory,
    TravelDocumentFactory,
    UserFactory,
)

SOREANG = "73.72.03.1001"
UJUNG = "73.72.02.1001"
BARRU = "73.11"  # outside the fixtures' Kanim work area (73.72, 73.15)
SIDRAP = "73.15"  # Kanim work area, outside Polres Parepare


def fresh(user):
    if hasattr(user, "_timpora_access"):
        del user._timpora_access
    return user


def in_a_week():
    return timezone.now() + dt.timedelta(days=7)


def test_policy_is_seeded_from_defaults_and_denies_missing_cells(polres_officer):
    access = access_for(polres_officer)
    assert access.can_read(Category.DOCUMENT)
    # Issue 12: enforcement actions (TAK) are read by Imigrasi, Kejari and Polres.
    assert access.can_read(Category.ENFORCEMENT)
    assert not access.can_read(Category.AUDIT)
    assert PolicyRule.objects.filter(agency_kind="polres", category="document").exists()


def test_policy_change_is_logged_and_takes_effect(polres_officer, kanim_officer):
    policy_set(
        agency_kind="polres", category="document", level=Level.NONE, changed_by=kanim_officer
    )
    change = PolicyChange.objects.get()
    assert (change.old_level, change.new_level, change.changed_by) == (
        "read",
        "none",
        kanim_officer,
    )
    assert not access_for(fresh(polres_officer)).can_read(Category.DOCUMENT)


def test_policy_set_same_value_logs_nothing(db):
    policy_set(agency_kind="polres", category="identity", level=Level.READ)
    assert not PolicyChange.objects.exists()


def test_camat_cannot_see_foreigner_of_other_kecamatan(camat_soreang, camat_ujung):
    mine = ForeignerFactory(residence_region_id=SOREANG)
    ForeignerFactory(residence_region_id=UJUNG)
    assert list(visible_foreigners(camat_soreang)) == [mine]


def test_foreigner_seen_in_scope_is_visible_though_living_elsewhere(camat_ujung):
    person = ForeignerFactory(residence_region_id=BARRU)
    SightingFactory(foreigner=person, region_id=UJUNG)
    assert list(visible_foreigners(camat_ujung)) == [person]


def test_kanim_sees_its_work_area_polres_only_its_city(kanim_officer, polres_officer):
    person = ForeignerFactory(residence_region_id="73.15")
    assert list(visible_foreigners(kanim_officer)) == [person]
    assert not visible_foreigners(polres_officer).exists()


def test_outsider_disabled_and_inactive_agency_see_nothing(outsider, polres_officer):
    ForeignerFactory(residence_region_id=SOREANG)
    assert not visible_foreigners(outsider).exists()
    assert visible_foreigners(polres_officer).exists()
    agency = Agency.objects.get(officers__user=polres_officer)
    agency.is_active = False
    agency.save()  # as the admin site does; a bare QuerySet.update must call access_changed()
    assert not visible_foreigners(fresh(polres_officer)).exists()


def test_kemenag_sees_only_religious_sightings_in_scope(kemenag_officer):
    religious = SightingFactory(activity="religious")
    SightingFactory(activity="work")
    assert list(visible_sightings(kemenag_officer)) == [religious]


def test_agency_sees_its_own_reports_even_outside_subset(kemenag_officer):
    agency = kemenag_officer.officer.agency
    own = SightingFactory(activity="work", reporting_agency=agency, region_id=BARRU)
    assert list(visible_sightings(kemenag_officer)) == [own]


def test_share_to_officer_makes_record_visible_until_revoked(kanim_supervisor, polres_officer):
    person = ForeignerFactory(residence_region_id=SIDRAP)
    assert not visible_foreigners(polres_officer).exists()
    share = share_grant(
        granted_by=kanim_supervisor,
        subject_type="foreigner",
        subject_id=person.pk,
        reason="Joint operation",
        expires_at=in_a_week(),
        user=polres_officer,
    )
    assert list(visible_foreigners(polres_officer)) == [person]
    share_revoke(share=share, revoked_by=kanim_supervisor)
    assert not visible_foreigners(polres_officer).exists()
    assert RecordShare.objects.get().revoked_by == kanim_supervisor


def test_share_to_agency_reaches_every_officer(kanim_supervisor, polres_officer):
    person = ForeignerFactory(residence_region_id=SIDRAP)
    colleague = OfficerFactory(agency=polres_officer.officer.agency).user
    share_grant(
        granted_by=kanim_supervisor,
        subject_type="foreigner",
        subject_id=person.pk,
        reason="Joint operation",
        expires_at=in_a_week(),
        agency=polres_officer.officer.agency,
    )
    assert list(visible_foreigners(fresh(polres_officer))) == [person]
    assert list(visible_foreigners(colleague)) == [person]
    assert colleague.groups.filter(agency__isnull=False).exists()


def test_expired_share_is_invisible_before_and_after_the_job(kanim_supervisor, polres_officer):
    sighting = SightingFactory(region_id=SIDRAP)
    share_grant(
        granted_by=kanim_supervisor,
        subject_type="sighting",
        subject_id=sighting.pk,
        reason="Check",
        expires_at=in_a_week(),
        user=polres_officer,
    )
    assert list(visible_sightings(polres_officer)) == [sighting]
    later = timezone.now() + dt.timedelta(days=8)
    from reports.models import SightingUserObjectPermission

    SightingUserObjectPermission.objects.update(expires_at=timezone.now())
    assert not visible_sightings(polres_officer).exists()
    assert shares_expire(now=later) == 1
    assert not SightingUserObjectPermission.objects.exists()
    assert RecordShare.objects.get().revoked_at == later


def test_officer_cannot_share_and_supervisor_cannot_share_out_of_scope(
    polres_officer, kanim_supervisor
):
    person = ForeignerFactory(residence_region_id=SOREANG)
    with pytest.raises(PermissionDenied):
        share_grant(
            granted_by=polres_officer,
            subject_type="foreigner",
            subject_id=person.pk,
            reason="x",
            expires_at=in_a_week(),
            user=kanim_supervisor,
        )
    far = ForeignerFactory(residence_region_id=BARRU)
    with pytest.raises(Http404):
        share_grant(
            granted_by=kanim_supervisor,
            subject_type="foreigner",
            subject_id=far.pk,
            reason="x",
            expires_at=in_a_week(),
            user=polres_officer,
        )


def test_share_needs_reason_and_future_expiry(kanim_supervisor, polres_officer):
    person = ForeignerFactory(residence_region_id=SOREANG)
    with pytest.raises(ValidationError) as err:
        share_grant(
            granted_by=kanim_supervisor,
            subject_type="foreigner",
            subject_id=person.pk,
            reason=" ",
            expires_at=timezone.now() - dt.timedelta(hours=1),
            user=polres_officer,
        )
    assert {"reason", "expires_at"} <= set(err.value.message_dict)
    assert not RecordShare.objects.exists()


def test_document_search_only_where_documents_readable(polres_officer, kemenag_officer):
    doc = TravelDocumentFactory(foreigner__residence_region_id=SOREANG)
    by_number = {"document_number": doc.number}
    qs, errors = foreigners_filtered(polres_officer, by_number, in_body=True)
    assert (list(qs), errors) == ([doc.foreigner], {})
    qs, errors = foreigners_filtered(kemenag_officer, by_number, in_body=True)
    assert not qs.exists() and set(errors) == {"document_number"}
    qs, errors = foreigners_filtered(polres_officer, by_number)
    assert not qs.exists() and set(errors) == {"document_number"}  # never in a URL
    qs, errors = foreigners_filtered(kemenag_officer, {"name": doc.foreigner.family_name})
    assert qs.exists() and not errors


def test_flags_routed_to_agency_kind_and_subject_visible(polres_officer, kanim_officer):
    person = ForeignerFactory(residence_region_id=SOREANG)
    routed = FlagFactory(foreigner=person, routed_to=["polres"])
    other = FlagFactory(foreigner=person, routed_to=["disnaker"])
    FlagFactory(foreigner=ForeignerFactory(residence_region_id=BARRU), routed_to=["polres"])
    assert list(visible_flags(polres_officer)) == [routed]
    assert set(visible_flags(kanim_officer)) == {routed, other}


def test_visible_foreigners_is_one_query(polres_officer, django_assert_num_queries):
    ForeignerFactory.create_batch(3, residence_region_id=SOREANG)
    access_for(polres_officer)
    with django_assert_num_queries(1):
        assert len(list(visible_foreigners(polres_officer))) == 3


def test_user_without_officer_profile_gets_nothing(regions):
    user = UserFactory()
    assert not access_for(user).is_active
    assert not visible_sightings(user).exists()
    assert AgencyFactory().group is None


def test_share_to_a_grantee_deactivated_since_it_was_loaded_is_refused(
    kanim_supervisor, polres_officer
):
    """Found by the sequence test: the service checked the caller's (stale) instance."""
    person = ForeignerFactory(residence_region_id=SOREANG)
    agency = polres_officer.officer.agency
    Agency.objects.filter(pk=agency.pk).update(is_active=False)
    type(polres_officer).objects.filter(pk=polres_officer.pk).update(is_active=False)
    for grantee in ({"agency": agency}, {"user": polres_officer}):
        assert agency.is_active and polres_officer.is_active  # what the caller still holds
        with pytest.raises(ValidationError) as exc:
            share_grant(
                granted_by=kanim_supervisor,
                subject_type="foreigner",
                subject_id=person.pk,
                reason="Joint operation",
                expires_at=in_a_week(),
                **grantee,
            )
        assert "grantee" in exc.value.message_dict
    assert not RecordShare.objects.exists()
