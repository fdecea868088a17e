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
    return qs.filter(
        Q(foreigner__in=visible_foreigners(user).values("pk"))
        | Q(sighting__in=visible_sightings(user).values("pk"))
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
    "days_after_expiry": Category.PERMIT_STATUS,
    "days_left": Category.PERMIT_STATUS,
    "days_overstayed": Category.PERMIT_STATUS,
    "deportation_recommended": Category.PERMIT_STATUS,
    "fine_estimate": Category.PERMIT_STATUS,
    "permit_kind": Category.PERMIT_STATUS,
    "permit_valid_until": Category.PERMIT_STATUS,
    "valid_until": Category.PERMIT_STATUS,
    "visa_index": Category.PERMIT,
    "expires_on": Category.DOCUMENT,
    "registered_kecamatan": Category.RESIDENCE,
}


# Keys that quote the flag's sighting (its reference, place, activity, day): shown only to a
# reader who may see that sighting, whatever their categories.
EVIDENCE_QUOTES_SIGHTING = frozenset(
    {"reference", "activity", "apparent_nationality", "observed_on", "region"}
)
# Keys aggregated over several sightings (where and how often a person was seen): shown only to
# a reader who sees every sighting of the kecamatan they name.
EVIDENCE_AGGREGATES_SIGHTINGS = frozenset({"kecamatan", "sightings", "last_seen"})
# Keys holding a region code of a region-bound category: readable inside the reader's scope.
EVIDENCE_REGION_KEYS = {"registered_kecamatan": Category.RESIDENCE}


def _evidence_key_readable(access, key: str, evidence=None, quoted_visible: bool = True) -> bool:
    if access.is_system_admin:
        return True
    if key not in EVIDENCE_CATEGORIES:
        return False  # an unclassified key is masked
    category = EVIDENCE_CATEGORIES[key]
    if category is not None and not access.can_read(category):
        return False
    if key in EVIDENCE_QUOTES_SIGHTING and not quoted_visible:
        return False
    value = evidence.get(key) if isinstance(evidence, dict) else None
    if key in EVIDENCE_AGGREGATES_SIGHTINGS:
        codes = (evidence or {}).get("kecamatan") or []
        codes = codes if isinstance(codes, list) else [codes]
        return access.sees_whole(Category.SIGHTING) and all(access.in_scope(str(c)) for c in codes)
    if key in EVIDENCE_REGION_KEYS:
        return access.in_scope(str(value)) if value else True
    return True


def visible_evidence(access, evidence, *, quoted_visible: bool = True) -> list[tuple[str, object]]:
    """The evidence keys the reader may see: each key's category, and for keys quoting a record
    (the flag's sighting, a residence, sightings elsewhere) that record's own visibility
    (``quoted_visible``: whether the reader sees the flag's sighting)."""
    if not isinstance(evidence, dict):
        return []
    return sorted(
        (key, value)
        for key, value in evidence.items()
        if _evidence_key_readable(access, key, evidence, quoted_visible)
    )


def reason_visible(access, evidence, *, quoted_visible: bool = True) -> bool:
    """A flag's reason sentence quotes its evidence (permit kind, days overstayed, the
    sighting's reference …), so it is shown only to a user who may read every evidence key of
    that flag, including the records it quotes."""
    keys = evidence.keys() if isinstance(evidence, dict) else ()
    return all(_evidence_key_readable(access, key, evidence, quoted_visible) for key in keys)


def reasons_readable(access) -> bool:
    """Whether ``access`` may read every flag's reason whatever its rule: every category the
    evidence of any rule draws on. Alerts written in bulk use this conservative test."""
    return access.is_system_admin or all(
        access.can_read(c) for c in set(EVIDENCE_CATEGORIES.values()) if c
    )


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
        # Residences keep their own scope: a person seen in scope but living elsewhere is
        # counted where they are seen, never where they live.
        by_kecamatan = list(
            foreigners.filter(access.region_q("residence_region"), residence_region__isnull=False)
            .annotate(kecamatan=_kecamatan_code("residence_region"))
            .values("kecamatan")
            .annotate(n=Count("id"))
            .order_by("-n", "kecamatan")[:30]
        )
    if access.can_read(Category.PERMIT_STATUS):
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
