"""Access requests: an officer asks, with a purpose, to see a record (UU 27/2022: purpose
limitation); a supervisor of the owning agency approves (creating a share) or declines."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ..access import access_for
from ..models import AccessRequest, Agency, region_ancestors
from ..registry import shareable
from .accounts import agency_supervisors
from .audit import audit_record
from .notifications import notification_send
from .shares import share_grant, subject_url, subject_visible


def owning_agency(subject_type: str, subject_id: int) -> Agency | None:
    """The agency that decides requests for a record: the Kanim whose work area holds the
    record's region (it maintains foreigner records and reviews sightings), else the Kanwil; for
    a record outside any Kanim's area, the agency its registration names (the reporting agency
    of a sighting), if any."""
    spec = shareable(subject_type)
    fields = [spec.region_field] + ([spec.agency_field] if spec.agency_field else [])
    row = spec.model.objects.filter(pk=subject_id).values(*fields).first()
    if row is None:
        raise Http404
    code = row[spec.region_field]
    if code:
        ancestors = region_ancestors(code)
        for kind in (Agency.Kind.IMIGRASI, Agency.Kind.KANWIL):
            agency = (
                Agency.objects.filter(kind=kind, is_active=True)
                .filter(Q(jurisdiction__code__in=ancestors) | Q(region_id__in=ancestors))
                .order_by("pk")
                .first()
            )
            if agency:
                return agency
    if spec.agency_field and row[spec.agency_field]:
        return Agency.objects.filter(pk=row[spec.agency_field]).first()
    return None


@transaction.atomic
def access_request_create(
    *,
    requester,
    subject_type: str,
    subject_id: int,
    purpose: str,
    categories: list[str] | tuple[str, ...] = (),
):
    """Ask, with a purpose, to see categories of a record the requester already sees (e.g. the
    documents and permits of person X). The supervisors of the owning agency are notified.

    Guarantees: only a record visible to the requester can be asked for (a request route
    answers alike for an invisible and a missing record); one pending request per officer and
    record (a second ask returns the first)."""
    access = access_for(requester)
    if not access.can_request_access:
        raise PermissionDenied(_("Only officers of a member agency can request access."))
    purpose = (purpose or "").strip()
    if len(purpose) < 10:
        raise ValidationError({"purpose": _("State the purpose in a sentence (10+ characters).")})
    if not subject_visible(requester, subject_type, subject_id):
        raise Http404
    categories = sorted(set(categories))
    if set(categories) - set(shareable(subject_type).categories):
        raise ValidationError({"categories": _("These categories cannot be shared.")})
    owner = owning_agency(subject_type, subject_id)
    if owner is None:
        raise ValidationError(_("No agency can decide on this record; contact the Kanim."))
    pending = AccessRequest.objects.filter(
        requester=requester,
        subject_type=subject_type,
        subject_id=subject_id,
        status=AccessRequest.Status.PENDING,
    ).first()
    if pending:
        return pending
    request = AccessRequest.objects.create(
        requester=requester,
        subject_type=subject_type,
        subject_id=subject_id,
        owning_agency=owner,
        purpose=purpose,
        categories=categories,
    )
    notification_send(
        recipients=agency_supervisors(owner),
        kind="access_request.new",
        # Titles are msgids, translated when shown: each recipient reads their own language.
        title=gettext_noop("Access request to decide"),
        body=purpose,
        url=reverse("access-request-list"),
    )
    audit_record(
        user=requester,
        action="access_request.create",
        subject_type=subject_type,
        subject_id=subject_id,
        detail={"request": request.pk},
    )
    return request


@transaction.atomic
def access_request_decide(
    *,
    request,
    decided_by,
    approve: bool,
    note: str = "",
    expires_at: datetime | None = None,
    categories: list[str] | tuple[str, ...] | None = None,
):
    """Approve (sharing the record with the requester until ``expires_at``, 30 days by default,
    opening the categories asked for, or ``categories`` when the approver narrows them: never
    more than was asked) or decline a pending request. Only a supervisor of the owning agency (or the system admin)
    decides; the requester is notified either way."""
    access = access_for(decided_by)
    if not access.can_decide_requests_of(request.owning_agency_id):
        raise PermissionDenied(_("Only a supervisor of the owning agency decides."))
    locked = AccessRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != AccessRequest.Status.PENDING:
        raise ValidationError(_("This request was already decided."))
    share = None
    granted = list(locked.categories) if categories is None else sorted(set(categories))
    if approve and set(granted) - set(locked.categories):
        raise ValidationError({"categories": _("Approve at most what was asked for.")})
    if approve and locked.categories and not granted:
        raise ValidationError({"categories": _("Approve at least one category, or decline.")})
    if approve:
        share = share_grant(
            categories=granted,
            granted_by=decided_by,
            subject_type=locked.subject_type,
            subject_id=locked.subject_id,
            reason=locked.purpose,
            expires_at=expires_at or timezone.now() + timedelta(days=30),
            user=locked.requester,
        )
    locked.status = AccessRequest.Status.APPROVED if approve else AccessRequest.Status.DECLINED
    locked.decided_by, locked.decided_at = decided_by, timezone.now()
    locked.decision_note, locked.share = (note or "").strip(), share
    locked.save()
    notification_send(
        recipients=[locked.requester],
        kind="access_request.decided",
        title=gettext_noop("Your access request was approved")
        if approve
        else gettext_noop("Your access request was declined"),
        body=locked.decision_note,
        url=subject_url(locked.subject_type, locked.subject_id) if approve else "",
    )
    return locked
