"""Writes to the Kemendagri region tree."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from ..models import Region

REGIONS_CSV = Path(__file__).resolve().parent.parent / "data" / "regions_parepare.csv"


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
