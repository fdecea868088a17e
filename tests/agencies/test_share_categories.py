"""Shares open fields: an access request names categories of a record, the approver may narrow
them (never widen), and the share opens exactly those on that record until it ends."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from agencies.services import access_request_create, access_request_decide, share_revoke
from foreigners.models import ForeignerUserObjectPermission
from foreigners.row_access import foreigner_row_access

from ..factories import ForeignerFactory, TravelDocumentFactory

SOREANG = "73.72.03.1001"


@pytest.fixture
def person(regions):
    person = ForeignerFactory(residence_region_id=SOREANG)
    TravelDocumentFactory(foreigner=person, number="SHR1234567")
    return person


def _ask(requester, person, categories):
    return access_request_create(
        requester=requester,
        subject_type="foreigner",
        subject_id=person.pk,
        purpose="Joint check of the stay permit",
        categories=categories,
    )


def test_approval_narrowed_opens_exactly_the_approved_categories(
    person, kemenag_officer, kanim_supervisor
):
    request = _ask(kemenag_officer, person, ["document", "permit.detail"])
    assert request.categories == ["document", "permit.detail"]
    with pytest.raises(ValidationError):
        access_request_decide(
            request=request, decided_by=kanim_supervisor, approve=True, categories=["residence"]
        )
    decided = access_request_decide(
        request=request, decided_by=kanim_supervisor, approve=True, categories=["document"]
    )
    assert decided.share.categories == ["document"]
    row = foreigner_row_access(kemenag_officer, person.pk)
    assert row.can_read("document") and not row.can_read("permit.detail")
    other = ForeignerFactory(residence_region_id=SOREANG)
    assert not foreigner_row_access(kemenag_officer, other.pk).can_read("document")

    share_revoke(share=decided.share, revoked_by=kanim_supervisor)
    assert not foreigner_row_access(kemenag_officer, person.pk).can_read("document")


def test_expired_share_opens_nothing_on_the_next_request(
    client, person, kemenag_officer, kanim_supervisor
):
    request = _ask(kemenag_officer, person, ["document"])
    share = access_request_decide(request=request, decided_by=kanim_supervisor, approve=True).share
    client.force_login(kemenag_officer)
    url = reverse("api-foreigner-detail", args=[person.pk])
    assert [d["number"] for d in client.get(url).json()["documents"]] == ["SHR1234567"]
    ForeignerUserObjectPermission.objects.filter(share=share).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert "documents" not in client.get(url).json()


def test_request_for_an_invisible_record_answers_as_a_missing_one(
    regions, client, camat_ujung, kemenag_officer
):
    hidden = ForeignerFactory(residence_region_id=SOREANG)
    with pytest.raises(Http404):
        _ask(camat_ujung, hidden, ["document"])
    with pytest.raises(ValidationError):
        _ask(kemenag_officer, hidden, ["audit"])
    client.force_login(camat_ujung)
    invisible = client.get(reverse("access-request-new", args=["foreigner", hidden.pk]))
    missing = client.get(reverse("access-request-new", args=["foreigner", 10**9]))
    assert invisible.status_code == missing.status_code == 404
