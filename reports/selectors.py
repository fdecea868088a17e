"""Reads of sightings and flags, already scoped by the access policy (the one enforcement point
for them: pages, API, exports, counts, photo downloads and the admin start here)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from agencies.access import Category, access_for
from agencies.models import region_range_q
from agencies.scope_memo import scoped
from foreigners.models import (
    Foreigner,
    ForeignerGroupObjectPermission,
    ForeignerUserObjectPermission,
)
from foreigners.registry import scope_contributors
from foreigners.selectors import share_q, visible_foreigners

from .models import Flag, Sighting, SightingGroupObjectPermission, SightingUserObjectPermission
from .rules.base import agency_route

# The evidence masking lives in reports.evidence, the dashboard aggregates in reports.dashboard.


def visible_sightings(
    user, *, shares: bool = True, base: QuerySet[Sighting] | None = None
) -> QuerySet[Sighting]:
    """Sightings the user may see: sighting category readable AND (region in scope with an
    activity the policy's subset opens, OR reported by the user's own agency, OR shared).

    ``shares=False``: what the user sees by their own scope (who may re-share). ``base``
    narrows an existing queryset (``Sighting.objects.….visible_to(user)``).
    """
    qs = Sighting.objects.all() if base is None else base
    access = access_for(user)
    if not access.can_read(Category.SIGHTING):
        return qs.none()
    if access.is_system_admin:
        return qs
    # Built once per access and minute (agencies.scope_memo), a clone per call.
    return scoped("sightings", qs, access, sighting_scope_q, shares=shares, keep=base is None)


def sighting_scope_q(access, *, shares: bool = True, cutoff=None) -> Q:
    """The WHERE clause of :func:`visible_sightings` for an access that reads sightings."""
    q = Q(reporting_agency_id=access.agency_id)
    if access.sees_whole(Category.SIGHTING):
        q |= access.region_q("region")
    elif access.subset(Category.SIGHTING):
        q |= access.region_q("region") & Q(activity__in=access.subset(Category.SIGHTING))
    if shares:
        q |= share_q(
            access,
            SightingUserObjectPermission,
            SightingGroupObjectPermission,
            "view_sighting",
            cutoff=cutoff,
        )
    return q


def visible_flags(user, *, base: QuerySet[Flag] | None = None) -> QuerySet[Flag]:
    """Flags the user may see: flag category readable AND routed to the user's agency kind (or
    the policy opens all flags, as for the Kanim and camat) AND the flagged person or sighting
    is visible to the user. ``base`` narrows an existing queryset (``….visible_to(user)``)."""
    qs = Flag.objects.all() if base is None else base
    access = access_for(user)
    if not access.can_read(Category.FLAG):
        return qs.none()
    if access.is_system_admin:
        return qs
    if not access.sees_whole(Category.FLAG):
        qs = qs.filter(routed_to_q(access))
    # Correlated EXISTS, not IN (subquery): IN builds the whole visible set of people and
    # sightings before looking at one flag (the person page's few flags cost a scan of the
    # user's scope); EXISTS checks the flags at hand by primary key (issue 14).
    subject = Q(Exists(visible_foreigners(user).filter(pk=OuterRef("foreigner_id")))) | Q(
        Exists(visible_sightings(user).filter(pk=OuterRef("sighting_id")))
    )
    if access.can_read(Category.EMPLOYMENT):
        # A sponsor's own flag names no person: it is employment data.
        subject |= Q(subject_type=Flag.SubjectType.SPONSOR, foreigner__isnull=True)
    return qs.filter(subject)


# A scope with at most this many residents and sightings in its regions (and sightings of its
# agency) reads its alerts and sightings set-first (sparse_flag_candidates and
# sparse_sighting_candidates).
SPARSE_SCOPE_ROWS = 2_000


def _sparse(access) -> bool:
    """Whether ``access`` is a scope of regions holding at most SPARSE_SCOPE_ROWS residents and
    sightings (with its agency's own sightings). Counted up to the limit from the indexes alone
    (each region as one range of its index): a dense scope stops at the first count."""
    codes = access.scope_codes
    if access.is_system_admin or not codes or access.agency_id is None:
        return False
    of_agency = Sighting.objects.filter(reporting_agency_id=access.agency_id)
    counts = [of_agency.values("reporting_agency_id")]  # the agency's index alone
    for code in codes:
        counts.append(
            Foreigner.objects.filter(region_range_q("residence_region", code)).values(
                "residence_region"
            )
        )
        counts.append(Sighting.objects.filter(region_range_q("region", code)).values("region"))
    rows = 0
    for qs in counts:
        rows += qs.order_by()[: SPARSE_SCOPE_ROWS + 1 - rows].count()  # no sort for a count
        if rows > SPARSE_SCOPE_ROWS:
            return False
    return True


def _sighting_candidates(access) -> QuerySet:
    """Ids of a superset of the sightings ``access`` may see (:func:`sighting_scope_q`): those
    of its regions (whatever their activity), of its agency, and every shared one (anyone's, live
    or not)."""
    return (
        Sighting.objects.filter(access.region_q("region"))
        .values("pk")
        .union(Sighting.objects.filter(reporting_agency_id=access.agency_id).values("pk"))
        .union(SightingUserObjectPermission.objects.values("content_object_id"))
        .union(SightingGroupObjectPermission.objects.values("content_object_id"))
    )


def sparse_sighting_candidates(user) -> QuerySet | None:
    """The ids of a superset of the sightings ``user`` may see when the scope is small (see
    :func:`sparse_flag_candidates`), else None. The sighting lists walk the table in
    observation order testing each sighting; for a camat of a kecamatan of 123 sightings that
    passed over all 2 M. The caller keeps :func:`visible_sightings`' own test on top."""
    access = access_for(user)
    if not access.can_read(Category.SIGHTING) or not _sparse(access):
        return None
    return _sighting_candidates(access)


def sparse_flag_candidates(user) -> QuerySet | None:
    """The ids of a superset of the flags ``user`` may see, built from the scope's few rows, or
    None when the scope is not sparse (or not made of regions).

    Why: the alert inbox walks the open flags in its order and tests each one's person and
    sighting against the scope (:func:`visible_flags`). For a dense scope that finds a page in a
    few thousand tests; a camat of a kecamatan of 43 residents passes over the whole table
    (1.4 M open flags nationally: 2.3 s warm, 15 s cold). Such a scope instead names the people
    and sightings it could see — residents and sightings of its regions, people seen there,
    sightings of its agency, every share row of anyone (a generous superset) — and their flags.
    The caller keeps :func:`visible_flags`' own test on top (``pk__in`` this), so the rows are
    exactly the visible ones; this only has to leave none out, which holds while the person
    scope is residence, the sightings contributor and shares (checked: another registered
    contributor turns this off) and the sighting scope is region, agency and shares."""
    access = access_for(user)
    if not access.can_read(Category.FLAG):
        return None
    if scope_contributors() != [foreigners_seen_in_scope_q] or not _sparse(access):
        return None
    people = (
        Foreigner.objects.filter(access.region_q("residence_region"))
        .values("pk")
        .union(
            Sighting.objects.filter(access.region_q("region"), foreigner__isnull=False).values(
                "foreigner_id"
            )
        )
        .union(ForeignerUserObjectPermission.objects.values("content_object_id"))
        .union(ForeignerGroupObjectPermission.objects.values("content_object_id"))
    )
    candidates = (
        Flag.objects.filter(foreigner_id__in=people)
        .values("pk")
        .union(Flag.objects.filter(sighting_id__in=_sighting_candidates(access)).values("pk"))
    )
    if access.can_read(Category.EMPLOYMENT):
        sponsors = Flag.objects.filter(
            subject_type=Flag.SubjectType.SPONSOR, foreigner__isnull=True
        )
        candidates = candidates.union(sponsors.values("pk"))
    return candidates


def routed_to_q(access) -> Q:
    """Flags routed to the user's agency kind, or to the agency itself (the one that registered
    a sponsor: ``"agency:<id>"``)."""
    q = Q(routed_to__contains=[access.agency_kind])
    if access.agency_id is not None:
        q |= Q(routed_to__contains=[agency_route(access.agency_id)])
    return q


def actionable_flags(user) -> QuerySet[Flag]:
    """Flags the user may acknowledge or resolve: visible AND routed to the user's agency kind,
    unless the policy lets the agency write flags (the Kanim works every flag it sees). A camat
    sees every flag of the kecamatan but works only those routed to the camat."""
    access = access_for(user)
    qs = visible_flags(user)
    if access.can_write(Category.FLAG):
        return qs
    return qs.filter(routed_to_q(access))


def with_person_visibility(qs: QuerySet, user, field: str = "foreigner") -> QuerySet:
    """Annotate ``person_visible``: whether the user may see the person a sighting or flag
    names. A record can be visible (shared, seen in scope) while its person is not; pages then
    show "restricted" instead of the name."""
    return qs.annotate(
        person_visible=Exists(visible_foreigners(user).filter(pk=OuterRef(f"{field}_id")))
    )


# --- What reports adds to the foreigners app (registered in ReportsConfig.ready()).


def foreigners_seen_in_scope_q(access) -> Q:
    """Scope contributor of :func:`foreigners.selectors.foreigner_scope_q`: a person is in an
    officer's scope when a sighting of them lies in the officer's regions.

    One EXISTS per region of the scope, each over one index range (``region_range_q``): the
    planner reads the people sighted there from ``sighting_region_seen_idx`` alone, where one
    EXISTS over the OR of the regions can only be a bitmap scan visiting the heap page of every
    sighting in scope (tens of thousands per kota at national scale). The same rows: a sighting
    in any of the regions."""
    codes = access.scope_codes
    if not codes:  # unrestricted (None) or nothing: as region_q says
        return Q(
            Exists(Sighting.objects.filter(access.region_q("region"), foreigner=OuterRef("pk")))
        )
    q = Q()
    for code in codes:
        # foreigner IS NOT NULL is implied by the correlation; said aloud, it lets the planner
        # hash the smaller partial index sighting_region_seen_idx.
        seen = Sighting.objects.filter(
            region_range_q("region", code), foreigner__isnull=False, foreigner=OuterRef("pk")
        )
        q |= Q(Exists(seen))
    return q


def person_sightings(user, foreigner) -> list[Sighting]:
    """The person page's sightings panel."""
    return list(visible_sightings(user).filter(foreigner=foreigner).select_related("region")[:50])


# What the person page's flags panel shows of a flag (and its link and order need).
PERSON_FLAG_FIELDS = ("id", "rule", "severity", "state", "foreigner_id", "opened_at")


def person_flags(user, foreigner) -> list[Flag]:
    """The person page's flags panel: the flags naming ``foreigner`` that the user may see.

    ``foreigner`` is a person the user sees (the panel's contract, see
    ``foreigners.registry.RelatedPanel``), so every flag naming them passes the subject test of
    :func:`visible_flags` by its first branch (the person is visible); what is left to check is
    the category and the routing. The same rows as ``visible_flags(user).filter(foreigner=…)``
    (``tests/reports/test_person_flags.py`` compares the two) without building, compiling and
    running the two scope subqueries for each flag: the largest part of the person page's own
    Python time at national scale (issue 14)."""
    access = access_for(user)
    if not access.can_read(Category.FLAG):
        return []
    qs = Flag.objects.filter(foreigner=foreigner)
    if not (access.is_system_admin or access.sees_whole(Category.FLAG)):
        qs = qs.filter(routed_to_q(access))
    return list(qs.only(*PERSON_FLAG_FIELDS)[:50])


def with_record_visibility(qs: QuerySet, user) -> QuerySet:
    """Annotate ``person_visible`` and ``sighting_visible`` on flags: whether the user may see
    the person and the sighting a flag names (its evidence quotes them)."""
    return with_person_visibility(qs, user).annotate(
        sighting_visible=Exists(visible_sightings(user).filter(pk=OuterRef("sighting_id")))
    )


def flag_quoted_visible(flag) -> bool:
    """Whether the reader sees the record the flag's evidence quotes (see
    :func:`with_record_visibility`); a flag without a sighting quotes none."""
    return flag.sighting_id is None or bool(getattr(flag, "sighting_visible", False))
