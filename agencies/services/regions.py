"""Writes to the Kemendagri region tree."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from ..access import access_changed
from ..models import Region

REGIONS_CSV = Path(__file__).resolve().parent.parent / "data" / "regions_parepare.csv"


# Rows per INSERT … ON CONFLICT statement (the national tree has about 90,000).
_BATCH = 2_000


@transaction.atomic
def regions_load(*, path: Path = REGIONS_CSV) -> int:
    """Upsert the Kemendagri region tree from a CSV (code,name,level,parent_code,lat,lon,note).

    One ``INSERT … ON CONFLICT (code) DO UPDATE`` per batch, then one access-cache bump (the
    per-row saves it replaces cost a query pair and a cache bump each). Parent keys are checked
    at commit (PostgreSQL's deferred foreign keys), so the file's order does not matter, and a
    parent that is neither in the file nor in the database fails the whole load.
    Returns the number of regions in the file.
    """
    with open(path, newline="", encoding="utf-8") as fh:
        regions = [
            Region(
                code=row["code"],
                name=row["name"],
                level=row["level"],
                parent_id=row["parent_code"] or None,
                latitude=Decimal(row["lat"]) if row["lat"] else None,
                longitude=Decimal(row["lon"]) if row["lon"] else None,
            )
            for row in csv.DictReader(fh)
        ]
    Region.objects.bulk_create(
        regions,
        batch_size=_BATCH,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "level", "parent", "latitude", "longitude"],
    )
    access_changed()  # bulk_create sends no post_save
    return len(regions)
