"""Writes to regions, agencies and officer accounts."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .categories import Category
from .models import Agency, Officer, Region

REGIONS_CSV = Path(__file__).resolve().parent / "data" / "regions_parepare.csv"


@transaction.atomic
def regions_load(*, path: Path = REGIONS_CSV) -> int:
    """Upsert the Kemendagri region tree from a CSV (code,name,level,parent_code,lat,lon,note).

    Parents come before children in the file's order of code length, so it loads in one pass.
    Returns the number of regions in the file.
    """
    with open(path, newline="", encoding="utf-8") as fh:
        rows = sorted(csv.DictReader(fh), key=lambda r: len(r["code"]))
    for row in rows:
        Region.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "level": row["level"],
                "parent_id": row["parent_code"] or None,
                "latitude": Decimal(row["lat"]) if row["lat"] else None,
                "longitude": Decimal(row["lon"]) if row["lon"] else None,
            },
        )
    return len(rows)


@transaction.atomic
def officer_create(
    *,
    username: str,
    password: str,
    agency: Agency,
    role: str = Officer.Role.OFFICER,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    kecamatan: Region | None = None,
    nip: str = "",
    password_hash: str = "",
) -> Officer:
    """Create (or, for an existing username, update) a user account and its officer profile.

    ``password_hash`` (from ``make_password``) replaces hashing ``password`` for each account:
    many accounts sharing one password (the demo) are then hashed once, not once each."""
    User = get_user_model()
    user, _created = User.objects.update_or_create(
        username=username,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "email": email,
            "is_active": True,
        },
    )
    if _created or not user.has_usable_password():
        if password_hash:
            user.password = password_hash
        else:
            user.set_password(password)
        user.save(update_fields=["password"])
    officer, _ = Officer.objects.update_or_create(
        user=user,
        defaults={"agency": agency, "role": role, "kecamatan": kecamatan, "nip": nip},
    )
    return officer


def notification_send(*, recipients, kind: str, title: str, body: str = "", url: str = "") -> int:
    """Create one in-portal notification per recipient (a user queryset or iterable) in one
    INSERT. Returns how many were created."""
    from .models import Notification

    rows = [
        Notification(recipient=user, kind=kind, title=title[:200], body=body, url=url)
        for user in recipients
    ]
    Notification.objects.bulk_create(rows)
    return len(rows)


# --- The access policy (DESIGN.md §4.1) --------------------------------------------------------


@transaction.atomic
def policy_seed() -> int:
    """Create the policy rows of DESIGN.md §4 that do not exist yet; never overwrites a cell the
    system admin changed. Returns how many rows it created."""
    from .models import PolicyRule
    from .policy_defaults import default_rules

    existing = set(PolicyRule.objects.values_list("agency_kind", "category"))
    rows = [
        PolicyRule(agency_kind=kind, category=category, level=level, subset=subset)
        for kind, category, level, subset in default_rules()
        if (kind, category) not in existing
    ]
    PolicyRule.objects.bulk_create(rows)
    if rows:
        from .access import access_changed

        access_changed()
    return len(rows)


@transaction.atomic
def policy_set(
    *,
    agency_kind: str,
    category: str,
    level: str,
    subset: list[str] | None = None,
    changed_by=None,
):
    """Set one cell of the policy and log the change (who, when, old → new) in the same
    transaction. Setting a cell to what it is records nothing."""
    from .categories import Category, Level
    from .models import PolicyChange, PolicyRule

    if agency_kind not in Agency.Kind.values:
        raise ValidationError({"agency_kind": _("Unknown agency kind.")})
    if category not in Category.ALL:
        raise ValidationError({"category": _("Unknown data category.")})
    if level not in Level.ORDER:
        raise ValidationError({"level": _("Unknown level.")})
    rule = (
        PolicyRule.objects.select_for_update()
        .filter(agency_kind=agency_kind, category=category)
        .first()
    )
    old_level = rule.level if rule else Level.NONE
    old_subset = list(rule.subset) if rule else []
    new_subset = old_subset if subset is None else [s.strip() for s in subset if s.strip()]
    if rule is None:
        rule = PolicyRule(agency_kind=agency_kind, category=category)
    if (old_level, old_subset) == (level, new_subset) and rule.pk:
        return rule
    rule.level, rule.subset = level, new_subset
    rule.save()
    PolicyChange.objects.create(
        agency_kind=agency_kind,
        category=category,
        old_level=old_level,
        new_level=level,
        old_subset=old_subset,
        new_subset=new_subset,
        changed_by=changed_by,
    )
    return rule


# --- The audit log (UU 27/2022 Pasal 31) -------------------------------------------------------


def audit_record(
    *, user, action: str, subject_type: str = "", subject_id: int | None = None, detail=None
):
    """Record one processing of personal data (a read of a detail page, a search, an export, a
    share). Call it from views after the access check passed. UU 27/2022 (PDP) Pasal 31 requires
    the controller to record processing activities; rows are only ever inserted."""
    from .access import access_for
    from .models import AuditEvent

    access = access_for(user)
    return AuditEvent.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        agency_id=access.agency_id,
        action=action[:40],
        subject_type=subject_type,
        subject_id=subject_id,
        detail=detail or {},
    )


# --- Record shares (DESIGN.md §4.3) ------------------------------------------------------------

MAX_SHARE_DAYS = 365


@dataclass(frozen=True)
class Shareable:
    """A record kind that can be shared, named by strings so agencies imports neither app."""

    model: str
    user_perm_model: str
    group_perm_model: str
    codename: str
    selector: str
    region_field: str
    url_name: str
    # The data categories a share of such a record can open (an access request asks for some).
    categories: tuple[str, ...] = ()


SHAREABLE: dict[str, Shareable] = {
    "foreigner": Shareable(
        model="foreigners.Foreigner",
        user_perm_model="foreigners.ForeignerUserObjectPermission",
        group_perm_model="foreigners.ForeignerGroupObjectPermission",
        codename="view_foreigner",
        selector="foreigners.selectors.visible_foreigners",
        region_field="residence_region",
        url_name="foreigner-detail",
        categories=(
            Category.DOCUMENT,
            Category.PERMIT_STATUS,
            Category.PERMIT,
            Category.RESIDENCE,
            Category.EMPLOYMENT,
        ),
    ),
    "sighting": Shareable(
        model="reports.Sighting",
        user_perm_model="reports.SightingUserObjectPermission",
        group_perm_model="reports.SightingGroupObjectPermission",
        codename="view_sighting",
        selector="reports.selectors.visible_sightings",
        region_field="region",
        url_name="sighting-detail",
    ),
}


def shareable(subject_type: str) -> Shareable:
    try:
        return SHAREABLE[subject_type]
    except KeyError:
        raise ValidationError(
            {"subject_type": _("This kind of record cannot be shared.")}
        ) from None


def subject_visible(user, subject_type: str, subject_id: int, *, shares: bool = True) -> bool:
    """Whether ``user`` sees the record, asked of the record's own selector (one query)."""
    selector = import_string(shareable(subject_type).selector)
    return selector(user, shares=shares).filter(pk=subject_id).exists()


def subject_url(subject_type: str, subject_id: int) -> str:
    try:
        return reverse(shareable(subject_type).url_name, args=[subject_id])
    except NoReverseMatch:
        # The portal's detail page may not be routed yet.
        return ""


def agency_group(agency: Agency) -> Group:
    """The agency's auth group (created on first use) with its officers as members, so guardian
    group shares reach every officer of the agency."""
    if agency.group_id:
        return agency.group
    with transaction.atomic():
        agency = Agency.objects.select_for_update().get(pk=agency.pk)
        if agency.group_id is None:
            agency.group = Group.objects.create(name=f"agency:{agency.pk}")
            agency.save(update_fields=["group"])
            agency.group.user_set.add(*agency.officers.values_list("user_id", flat=True))
    return agency.group


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
    from .access import access_for
    from .models import RecordShare

    spec = shareable(subject_type)
    access = access_for(granted_by)
    if not access.is_supervisor:
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
        content_type__app_label=spec.model.split(".")[0], codename=spec.codename
    )
    if user is not None:
        model, grantee = apps.get_model(spec.user_perm_model), {"user": user}
        recipients = [user]
    else:
        model, grantee = apps.get_model(spec.group_perm_model), {"group": agency_group(agency)}
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
        title=_("A record was shared with you"),
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


def _delete_share_rows(share_ids) -> None:
    for spec in SHAREABLE.values():
        for label in (spec.user_perm_model, spec.group_perm_model):
            apps.get_model(label).objects.filter(share_id__in=share_ids).delete()


@transaction.atomic
def share_revoke(*, share, revoked_by):
    """End a share now. Allowed to its granter, a supervisor of the granter's agency, or the
    system admin. Revoking an ended share changes nothing."""
    from .access import access_for
    from .models import Officer, RecordShare

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
    _delete_share_rows([share.pk])
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
    from .models import RecordShare

    now = now or timezone.now()
    ended = list(
        RecordShare.objects.filter(revoked_at__isnull=True, expires_at__lte=now).values_list(
            "pk", flat=True
        )
    )
    RecordShare.objects.filter(pk__in=ended, revoked_at__isnull=True).update(revoked_at=now)
    for spec in SHAREABLE.values():
        for label in (spec.user_perm_model, spec.group_perm_model):
            apps.get_model(label).objects.filter(expires_at__lte=now).delete()
    return len(ended)


# --- Access requests ---------------------------------------------------------------------------


def _ancestors(code: str) -> list[str]:
    parts = code.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def owning_agency(subject_type: str, subject_id: int) -> Agency | None:
    """The agency that decides requests for a record: the Kanim whose work area holds the
    record's region (it maintains foreigner records and reviews sightings), else the Kanwil; for
    a sighting outside any Kanim's area, the agency that reported it."""
    spec = shareable(subject_type)
    model = apps.get_model(spec.model)
    row = model.objects.filter(pk=subject_id).values(spec.region_field).first()
    if row is None:
        raise Http404
    code = row[spec.region_field]
    if code:
        ancestors = _ancestors(code)
        for kind in (Agency.Kind.IMIGRASI, Agency.Kind.KANWIL):
            agency = (
                Agency.objects.filter(kind=kind, is_active=True)
                .filter(Q(jurisdiction__code__in=ancestors) | Q(region_id__in=ancestors))
                .order_by("pk")
                .first()
            )
            if agency:
                return agency
    if subject_type == "sighting":
        return Agency.objects.filter(sightings__pk=subject_id).first()
    return None


def _supervisors(agency: Agency):
    from .models import Officer

    return get_user_model().objects.filter(
        officer__agency=agency, officer__role=Officer.Role.SUPERVISOR, is_active=True
    )


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
    from .access import access_for
    from .models import AccessRequest

    access = access_for(requester)
    if not access.is_active or access.is_system_admin:
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
        recipients=_supervisors(owner),
        kind="access_request.new",
        title=_("Access request to decide"),
        body=purpose,
        url=_reverse_or_blank("access-request-list"),
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
    from .access import access_for
    from .models import AccessRequest

    access = access_for(decided_by)
    if not (
        access.is_system_admin
        or (access.is_supervisor and access.agency_id == request.owning_agency_id)
    ):
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
        title=_("Your access request was approved")
        if approve
        else _("Your access request was declined"),
        body=locked.decision_note,
        url=subject_url(locked.subject_type, locked.subject_id) if approve else "",
    )
    return locked


def _reverse_or_blank(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""
