"""Reads of sightings and flags, already scoped by the access policy (the one enforcement point
for them: pages, API, exports, counts, photo downloads and the admin start here)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from agencies.access import Category, access_for
from foreigners.selectors import share_q, visible_foreigners

from .models import Flag, Sighting, SightingGroupObjectPermission, SightingUserObjectPermission


def visible_sightings(user, *, shares: bool = True) -> QuerySet[Sighting]:
    """Sightings the user may see: sighting category readable AND (region in scope with an
    activity the policy's subset opens, OR reported by the user's own agency, OR shared).

    ``shares=False``: what the user sees by their own scope (who may re-share).
    """
    access = access_for(user)
    if not access.can_read(Category.SIGHTING):
        return Sighting.objects.none()
    if access.is_system_admin:
        return Sighting.objects.all()
    q = Q(reporting_agency_id=access.agency_id)
    if access.sees_whole(Category.SIGHTING):
        q |= access.region_q("region")
    elif access.subset(Category.SIGHTING):
        q |= access.region_q("region") & Q(activity__in=access.subset(Category.SIGHTING))
    if shares:
        q |= share_q(
            access, SightingUserObjectPermission, SightingGroupObjectPermission, "view_sighting"
        )
    return Sighting.objects.filter(q)


def visible_flags(user) -> QuerySet[Flag]:
    """Flags the user may see: flag category readable AND routed to the user's agency kind (or
    the policy opens all flags, as for the Kanim and camat) AND the flagged person or sighting
    is visible to the user."""
    access = access_for(user)
    if not access.can_read(Category.FLAG):
        return Flag.objects.none()
    if access.is_system_admin:
        return Flag.objects.all()
    qs = Flag.objects.all()
    if not access.sees_whole(Category.FLAG):
        qs = qs.filter(routed_to__contains=[access.agency_kind])
    # Correlated EXISTS, not IN (subquery): IN builds the whole visible set of people and
    # sightings before looking at one flag (the person page's few flags cost a scan of the
    # user's scope); EXISTS checks the flags at hand by primary key (issue 14).
    return qs.filter(
        Q(Exists(visible_foreigners(user).filter(pk=OuterRef("foreigner_id"))))
        | Q(Exists(visible_sightings(user).filter(pk=OuterRef("sighting_id"))))
    )


def actionable_flags(user) -> QuerySet[Flag]:
    """Flags the user may acknowledge or resolve: visible AND routed to the user's agency kind,
    unless the policy lets the agency write flags (the Kanim works every flag it sees). A camat
    sees every flag of the kecamatan but works only those routed to the camat."""
    access = access_for(user)
    qs = visible_flags(user)
    if access.can_write(Category.FLAG):
        return qs
    return qs.filter(routed_to__contains=[access.agency_kind])


def with_person_visibility(qs: QuerySet, user, field: str = "foreigner") -> QuerySet:
    """Annotate ``person_visible``: whether the user may see the person a sighting or flag
    names. A record can be visible (shared, seen in scope) while its person is not; pages then
    show "restricted" instead of the name."""
    return qs.annotate(
        person_visible=Exists(visible_foreigners(user).filter(pk=OuterRef(f"{field}_id")))
    )


# The data category of each evidence key the rules write (reports/rules): a key whose category
# the user may not read is not shown; a key missing here is not shown to anyone but the system
# admin (deny by default: classify a new key when a rule starts writing it).
EVIDENCE_CATEGORIES = {
    "as_of": None,
    "fine_per_day": None,
    "window": None,
    "window_id": None,
    "activity": Category.SIGHTING,
    "apparent_nationality": Category.SIGHTING,
    "kecamatan": Category.SIGHTING,
    "last_seen": Category.SIGHTING,
    "observed_on": Category.SIGHTING,
    "reference": Category.SIGHTING,
    "region": Category.SIGHTING,
    "sightings": Category.SIGHTING,
    "days_after_expiry": Category.PERMIT,
    "days_left": Category.PERMIT,
    "days_overstayed": Category.PERMIT,
    "deportation_recommended": Category.PERMIT,
    "fine_estimate": Category.PERMIT,
    "permit_kind": Category.PERMIT,
    "permit_valid_until": Category.PERMIT,
    "valid_until": Category.PERMIT,
    "visa_index": Category.PERMIT,
    "expires_on": Category.DOCUMENT,
    "registered_kecamatan": Category.RESIDENCE,
}


def _evidence_key_readable(access, key: str) -> bool:
    if access.is_system_admin:
        return True
    if key not in EVIDENCE_CATEGORIES:
        return False  # an unclassified key is masked
    category = EVIDENCE_CATEGORIES[key]
    return category is None or access.can_read(category)


def visible_evidence(access, evidence) -> list[tuple[str, object]]:
    if not isinstance(evidence, dict):
        return []
    return sorted(
        (key, value) for key, value in evidence.items() if _evidence_key_readable(access, key)
    )


def reason_visible(access, evidence) -> bool:
    """A flag's reason sentence quotes its evidence (permit kind, days overstayed, …), so it is
    shown only to a user who may read every evidence key of that flag."""
    keys = evidence.keys() if isinstance(evidence, dict) else ()
    return all(_evidence_key_readable(access, key) for key in keys)


def reasons_readable(access) -> bool:
    """Whether ``access`` may read every flag's reason whatever its rule: every category the
    evidence of any rule draws on. Alerts written in bulk use this conservative test."""
    return access.is_system_admin or all(
        access.can_read(category) for category in set(EVIDENCE_CATEGORIES.values()) if category
    )


# --- Dashboards. Every count is an aggregate over the visible_* querysets: a figure never
# includes a record the user could not open, and each block is one query whatever the volume.


def _kecamatan_code(field: str):
    from django.db.models.functions import Substr

    # Kemendagri codes are fixed-width: "73.72.03" is the kecamatan of "73.72.03.1001".
    return Substr(field, 1, 8)


def dashboard_figures(user, *, today=None, weeks: int = 12) -> dict:
    """The supervisor dashboard's tables, each computed with one aggregate query."""
    import datetime as dt

    from django.db.models import Count
    from django.db.models.functions import TruncWeek
    from django.utils import timezone

    from agencies.access import Category, access_for
    from agencies.models import Region
    from foreigners.models import StayPermit

    access = access_for(user)
    today = today or timezone.localdate()
    foreigners = visible_foreigners(user)
    figures: dict = {"today": today}
    figures["total_foreigners"] = foreigners.count()
    figures["by_nationality"] = list(
        foreigners.values("nationality").annotate(n=Count("id")).order_by("-n", "nationality")[:15]
    )
    by_kecamatan = []
    if access.can_read(Category.RESIDENCE):
        by_kecamatan = list(
            foreigners.filter(residence_region__isnull=False)
            .annotate(kecamatan=_kecamatan_code("residence_region"))
            .values("kecamatan")
            .annotate(n=Count("id"))
            .order_by("-n", "kecamatan")[:30]
        )
    if access.can_read(Category.PERMIT):
        permits = StayPermit.objects.filter(
            foreigner__in=foreigners,
            status=StayPermit.Status.ACTIVE,
            valid_until__gte=today,
        )
        figures["by_permit_kind"] = list(
            permits.values("kind").annotate(n=Count("id")).order_by("-n", "kind")
        )
        expiring = permits.filter(valid_until__lte=today + dt.timedelta(days=30))
        figures["expiring"] = list(
            expiring.select_related("foreigner").order_by("valid_until", "id")[:20]
        )
        figures["expiring_count"] = expiring.count()
    if access.can_read(Category.FLAG):
        figures["open_flags_by_rule"] = list(
            visible_flags(user)
            .filter(state__in=Flag.OPEN_STATES)
            .values("rule")
            .annotate(n=Count("id"))
            .order_by("-n", "rule")
        )
    sighting_kecamatan = []
    if access.can_read(Category.SIGHTING):
        sightings = visible_sightings(user)
        start = today - dt.timedelta(weeks=weeks - 1, days=today.weekday())
        per_week = dict(
            sightings.filter(observed_at__date__gte=start)
            .annotate(week=TruncWeek("observed_at"))
            .values_list("week")
            .annotate(n=Count("id"))
            .values_list("week", "n")
        )
        per_week = {k.date() if hasattr(k, "date") else k: v for k, v in per_week.items()}
        figures["sightings_per_week"] = [
            {
                "week": start + dt.timedelta(weeks=i),
                "n": per_week.get(start + dt.timedelta(weeks=i), 0),
            }
            for i in range(weeks)
        ]
        figures["sightings_max"] = max([w["n"] for w in figures["sightings_per_week"]] + [1])
        sighting_kecamatan = list(
            sightings.annotate(kecamatan=_kecamatan_code("region"))
            .values("kecamatan")
            .annotate(n=Count("id"))
            .order_by("kecamatan")
        )
        figures["sighting_points"] = [
            {
                "lat": float(s["latitude"]),
                "lon": float(s["longitude"]),
                "ref": s["reference"],
                "activity": s["activity"],
            }
            for s in sightings.filter(latitude__isnull=False, observed_at__date__gte=start)
            .order_by("-observed_at")
            .values("latitude", "longitude", "reference", "activity")[:500]
        ]
    # One query for the names and centroids of every kecamatan the tables mention.
    codes = {row["kecamatan"] for row in by_kecamatan} | {
        r["kecamatan"] for r in sighting_kecamatan
    }
    regions = {r.code: r for r in Region.objects.filter(code__in=codes)}
    for row in by_kecamatan:
        row["region"] = regions.get(row["kecamatan"])
    figures["by_kecamatan"] = by_kecamatan
    residents = {row["kecamatan"]: row["n"] for row in by_kecamatan}
    seen = {row["kecamatan"]: row["n"] for row in sighting_kecamatan}
    markers = []
    for code in sorted(codes):
        region = regions.get(code)
        if region is None or region.latitude is None:
            continue
        markers.append(
            {
                "code": code,
                "name": region.name,
                "lat": float(region.latitude),
                "lon": float(region.longitude),
                "residents": residents.get(code, 0),
                "sightings": seen.get(code, 0),
            }
        )
    figures["kecamatan_markers"] = markers
    return figures
