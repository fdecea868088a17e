"""The supervisor dashboard's aggregates."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.db.models.functions import Substr, TruncWeek
from django.utils import timezone

from agencies.access import Category, access_for
from agencies.models import Region, region_prefix_q
from foreigners.models import StayPermit
from foreigners.selectors import visible_foreigners

from .models import Flag
from .selectors import visible_flags, visible_sightings

# --- Dashboards. Every count is an aggregate over the visible_* querysets: a figure never
# includes a record the user could not open, and each block is one query whatever the volume.


def _kecamatan_code(field: str):
    # Kemendagri codes are fixed-width: "73.72.03" is the kecamatan of "73.72.03.1001".
    return Substr(field, 1, 8)


def dashboard_figures(
    user,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    area: str = "",
    weeks: int = 12,
) -> dict:
    """The supervisor dashboard's tables for a period and an area, each computed with one
    aggregate query.

    The period (default: the ``weeks`` weeks ending today) bounds every dated figure: sightings
    observed and alerts opened in it; permits are counted as on its last day (valid then,
    ending within 30 days after it). The area (a kecamatan or kelurahan code; the caller offers
    only those in the user's scope) narrows people and their permits and alerts by the person's
    current residence, and sightings by where they were seen; it needs the residence category,
    so it is ignored for a user who may not read residences (no side channel).
    """
    access = access_for(user)
    date_to = date_to or timezone.localdate()
    date_from = date_from or date_to - dt.timedelta(weeks=weeks, days=-1)
    if not access.can_read(Category.RESIDENCE):
        area = ""
    foreigners = visible_foreigners(user)
    if area:
        foreigners = foreigners.filter(region_prefix_q("residence_region", area))
    figures: dict = {"today": date_to, "date_from": date_from, "date_to": date_to, "area": area}
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
            foreigner__in=foreigners, status=StayPermit.Status.ACTIVE, valid_until__gte=date_to
        )
        figures["by_permit_kind"] = list(
            permits.filter(valid_from__lte=date_to)
            .values("kind")
            .annotate(n=Count("id"))
            .order_by("-n", "kind")
        )
        expiring = permits.filter(valid_until__lte=date_to + dt.timedelta(days=30))
        figures["expiring"] = list(
            expiring.select_related("foreigner").order_by("valid_until", "id")[:20]
        )
        figures["expiring_count"] = expiring.count()
    if access.can_read(Category.FLAG):
        flags = visible_flags(user).filter(
            state__in=Flag.OPEN_STATES,
            opened_at__date__gte=date_from,
            opened_at__date__lte=date_to,
        )
        if area:
            flags = flags.filter(foreigner__in=foreigners.values("pk"))
        figures["open_flags_by_rule"] = list(
            flags.values("rule").annotate(n=Count("id")).order_by("-n", "rule")
        )
    sighting_kecamatan = []
    if access.can_read(Category.SIGHTING):
        sightings = visible_sightings(user).filter(
            observed_at__date__gte=date_from, observed_at__date__lte=date_to
        )
        if area:
            sightings = sightings.filter(region_prefix_q("region", area))
        start = date_from - dt.timedelta(days=date_from.weekday())
        count = (date_to - start).days // 7 + 1
        per_week = dict(
            sightings.annotate(week=TruncWeek("observed_at"))
            .values_list("week")
            .annotate(n=Count("id"))
            .values_list("week", "n")
        )
        per_week = {k.date() if hasattr(k, "date") else k: v for k, v in per_week.items()}
        figures["sightings_per_week"] = [
            {
                # The drill-down's days: the week clipped to the period.
                "week": max(start + dt.timedelta(weeks=i), date_from),
                "week_end": min(start + dt.timedelta(weeks=i, days=6), date_to),
                "n": per_week.get(start + dt.timedelta(weeks=i), 0),
            }
            for i in range(count)
        ]
        figures["sightings_max"] = max([w["n"] for w in figures["sightings_per_week"]] + [1])
        sighting_kecamatan = list(
            sightings.annotate(kecamatan=_kecamatan_code("region"))
            .values("kecamatan")
            .annotate(n=Count("id"))
            .order_by("kecamatan")
        )
        # The period's latest located sightings, each opening its own page from the map.
        figures["sighting_points"] = [
            {
                "id": s["id"],
                "lat": float(s["latitude"]),
                "lon": float(s["longitude"]),
                "ref": s["reference"],
                "activity": s["activity"],
                "observed_at": s["observed_at"],
            }
            for s in sightings.filter(latitude__isnull=False)
            .order_by("-observed_at", "-id")
            .values("id", "latitude", "longitude", "reference", "activity", "observed_at")[:500]
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
