"""Record shares (DESIGN.md §4.3): a guardian object permission plus the why and until-when.

The records are whatever the higher apps registered in :mod:`agencies.registry`; this module
never names them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ..access import access_for
from ..models import Agency, Officer, RecordShare
from ..registry import shareable, shareable_records
from .accounts import agency_group
from .audit import audit_record
from .notifications import notification_send

MAX_SHARE_DAYS = 365


def subject_visible(user, subject_type: str, subject_id: int, *, shares: bool = True) -> bool:
    """Whether ``user`` sees the record, asked of the record's own selector (one query)."""
    selector = shareable(subject_type).selector
    return selector(user, shares=shares).filter(pk=subject_id).exists()


def subject_url(subject_type: str, subject_id: int) -> str:
    return reverse(shareable(subject_type).url_name, args=[subject_id])


@transaction.atomic
def share_grant(
    *,
    granted_by,
    subject_type: str,
    subject_id: int,
    reason: str,
    expires_at: datetime,
    user=None,
    agency: Agency | None = None,
    categories: list[str] | tuple[str, ...] = (),
):
    """Share one record with one officer (``user``) or a whole agency until ``expires_at``,
    opening ``categories`` of that record beyond the grantee's policy (none: the record under
    the grantee's own policy).

    Guarantees: only a supervisor (or the system admin) who sees the record through their own
    scope — not through a share — can share it; the guardian row and the :class:`RecordShare`
    beside it are written together; a new share to the same grantee supersedes the old one.
    """
    spec = shareable(subject_type)
    access = access_for(granted_by)
    if not access.can_share:
        raise PermissionDenied(_("Only a supervisor can share records."))
    if not subject_visible(granted_by, subject_type, subject_id, shares=False):
        raise Http404
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("Say why the record is shared.")
    if (user is None) == (agency is None):
        errors["grantee"] = _("Share with exactly one officer or one agency.")
    now = timezone.now()
    if expires_at <= now:
        errors["expires_at"] = _("The expiry must be in the future.")
    elif expires_at > now + timedelta(days=MAX_SHARE_DAYS):
        errors["expires_at"] = _("A share lasts at most a year.")
    # The grantee's state as committed now (locked), not as the caller's instance last saw it.
    if user is not None and not (
        get_user_model()
        .objects.select_for_update()
        .filter(pk=user.pk, is_active=True, officer__isnull=False)
        .exists()
    ):
        errors["grantee"] = _("Share only with an active officer.")
    if (
        agency is not None
        and not Agency.objects.select_for_update().filter(pk=agency.pk, is_active=True).exists()
    ):
        errors["grantee"] = _("Share only with an active agency.")
    categories = sorted(set(categories))
    if set(categories) - set(spec.categories):
        errors["categories"] = _("A share of this record cannot open these categories.")
    if errors:
        raise ValidationError(errors)

    share = RecordShare.objects.create(
        subject_type=subject_type,
        subject_id=subject_id,
        user=user,
        agency=agency,
        categories=categories,
        reason=reason,
        granted_by=granted_by,
        expires_at=expires_at,
    )
    permission = Permission.objects.get(
        content_type=ContentType.objects.get_for_model(spec.model), codename=spec.codename
    )
    if user is not None:
        model, grantee = spec.user_perm_model, {"user": user}
        recipients = [user]
    else:
        model, grantee = spec.group_perm_model, {"group": agency_group(agency)}
        recipients = get_user_model().objects.filter(officer__agency=agency, is_active=True)
    previous = model.objects.filter(
        **grantee, permission=permission, content_object_id=subject_id
    ).first()
    if previous is not None:
        RecordShare.objects.filter(pk=previous.share_id, revoked_at__isnull=True).update(
            revoked_at=now, revoked_by=granted_by
        )
        previous.share, previous.expires_at = share, expires_at
        previous.categories = categories
        previous.save(update_fields=["share", "expires_at", "categories"])
    else:
        model.objects.create(
            **grantee,
            permission=permission,
            content_object_id=subject_id,
            share=share,
            expires_at=expires_at,
            categories=categories,
        )
    notification_send(
        recipients=recipients,
        kind="share.granted",
        title=gettext_noop("A record was shared with you"),
        body=reason,
        url=subject_url(subject_type, subject_id),
    )
    audit_record(
        user=granted_by,
        action="share.grant",
        subject_type=subject_type,
        subject_id=subject_id,
        detail={
            "share": share.pk,
            "user": getattr(user, "pk", None),
            "agency": agency and agency.pk,
            "categories": categories,
        },
    )
    return share


def _share_row_models():
    for spec in shareable_records():
        yield spec.user_perm_model
        yield spec.group_perm_model


@transaction.atomic
def share_revoke(*, share, revoked_by):
    """End a share now. Allowed to its granter, a supervisor of the granter's agency, or the
    system admin. Revoking an ended share changes nothing."""
    access = access_for(revoked_by)
    granter_agency = Officer.objects.filter(user_id=share.granted_by_id).values("agency_id")
    allowed = (
        access.is_system_admin
        or share.granted_by_id == revoked_by.pk
        or (access.is_supervisor and granter_agency.filter(agency_id=access.agency_id).exists())
    )
    if not allowed:
        raise PermissionDenied(_("Only the granting agency's supervisors can revoke this share."))
    updated = RecordShare.objects.filter(pk=share.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=revoked_by
    )
    for model in _share_row_models():
        model.objects.filter(share_id=share.pk).delete()
    if updated:
        audit_record(
            user=revoked_by,
            action="share.revoke",
            subject_type=share.subject_type,
            subject_id=share.subject_id,
            detail={"share": share.pk},
        )
    share.refresh_from_db()
    return share


@transaction.atomic
def shares_expire(*, now: datetime | None = None) -> int:
    """End every share past its expiry: set-based (one UPDATE, one DELETE per guardian table),
    idempotent, safe to run concurrently. Returns how many shares ended.

    The selectors already ignore guardian rows past ``expires_at``; this job makes the record of
    shares say so and keeps the guardian tables small."""
    now = now or timezone.now()
    ended = list(
        RecordShare.objects.filter(revoked_at__isnull=True, expires_at__lte=now).values_list(
            "pk", flat=True
        )
    )
    RecordShare.objects.filter(pk__in=ended, revoked_at__isnull=True).update(revoked_at=now)
    for model in _share_row_models():
        model.objects.filter(expires_at__lte=now).delete()
    return len(ended)
