"""The supervisor dashboard's aggregates."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.db.models.functions import Substr, TruncWeek
from django.utils import timezone

from agencies.access import Category, access_for
from agencies.models import Region
from foreigners.models import StayPermit
from foreigners.selectors import visible_foreigners

from .models import Flag
from .selectors import visible_flags, visible_sightings

# --- Dashboards. Every count is an aggregate over the visible_* querysets: a figure never
# includes a record the user could not open, and each block is one query whatever the volume.


def _kecamatan_code(field: str):
    # Kemendagri codes are fixed-width: "73.72.03" is the kecamatan of "73.72.03.1001".
    return Substr(field, 1, 8)


def dashboard_figures(user, *, today=None, weeks: int = 12) -> dict:
    """The supervisor dashboard's tables, each computed with one aggregate query."""
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
            # Residences keep their own scope: a person seen in scope but living elsewhere is
            # counted where they are seen, never where they live.
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
                "week_end": start + dt.timedelta(weeks=i, days=6),
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
