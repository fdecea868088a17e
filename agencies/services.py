"""Writes to regions, agencies and officer accounts."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

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
) -> Officer:
    """Create (or, for an existing username, update) a user account and its officer profile."""
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
