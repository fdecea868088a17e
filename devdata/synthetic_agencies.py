"""A synthetic, Indonesia-shaped region tree and one reporting agency pair per province, so that
national-scale generated data (``manage.py generate_dataset``) spreads over many regions.

The provinces carry their real Kemendagri codes and names; the kabupaten/kota, kecamatan and
kelurahan below them are *synthetic* (codes in the Kemendagri format, made-up village-style
names). The real Parepare tree from ``data/regions_parepare.csv`` is loaded as well and kept as
it is: no synthetic region is created under Kota Parepare (73.72).

Everything here is deterministic (no seed): appending more data reuses the same tree.
"""

from __future__ import annotations

import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from agencies.access import access_changed
from agencies.models import Agency, Officer, Region
from agencies.services import regions_load

# (code, name, approximate centroid lat, lon, share of foreign residents — a rough shape, not data)
PROVINCES: list[tuple[str, str, float, float, float]] = [
    ("11", "Aceh", 4.36, 96.94, 0.5),
    ("12", "Sumatera Utara", 2.19, 99.38, 3.0),
    ("13", "Sumatera Barat", -0.74, 100.80, 0.5),
    ("14", "Riau", 0.29, 101.71, 2.0),
    ("15", "Jambi", -1.61, 103.61, 0.5),
    ("16", "Sumatera Selatan", -3.32, 104.91, 1.0),
    ("17", "Bengkulu", -3.79, 102.26, 0.3),
    ("18", "Lampung", -4.56, 105.41, 0.5),
    ("19", "Kepulauan Bangka Belitung", -2.74, 106.44, 0.5),
    ("21", "Kepulauan Riau", 3.95, 108.14, 8.0),
    ("31", "DKI Jakarta", -6.20, 106.85, 14.0),
    ("32", "Jawa Barat", -6.89, 107.64, 8.0),
    ("33", "Jawa Tengah", -7.15, 110.14, 3.0),
    ("34", "DI Yogyakarta", -7.80, 110.36, 2.0),
    ("35", "Jawa Timur", -7.54, 112.24, 6.0),
    ("36", "Banten", -6.41, 106.06, 6.0),
    ("51", "Bali", -8.41, 115.19, 16.0),
    ("52", "Nusa Tenggara Barat", -8.65, 117.36, 3.0),
    ("53", "Nusa Tenggara Timur", -8.66, 121.08, 1.0),
    ("61", "Kalimantan Barat", -0.28, 111.48, 1.0),
    ("62", "Kalimantan Tengah", -1.68, 113.38, 0.5),
    ("63", "Kalimantan Selatan", -3.09, 115.28, 0.5),
    ("64", "Kalimantan Timur", 0.54, 116.42, 2.0),
    ("65", "Kalimantan Utara", 3.07, 116.04, 0.3),
    ("71", "Sulawesi Utara", 0.62, 123.98, 2.0),
    ("72", "Sulawesi Tengah", -1.43, 121.45, 6.0),
    ("73", "Sulawesi Selatan", -3.73, 120.16, 3.0),
    ("74", "Sulawesi Tenggara", -4.14, 122.17, 1.5),
    ("75", "Gorontalo", 0.70, 122.45, 0.3),
    ("76", "Sulawesi Barat", -2.84, 119.23, 0.3),
    ("81", "Maluku", -3.24, 130.15, 0.5),
    ("82", "Maluku Utara", 1.57, 127.81, 4.0),
    ("91", "Papua", -2.53, 140.72, 0.5),
    ("92", "Papua Barat", -1.34, 133.17, 0.5),
    ("93", "Papua Selatan", -7.50, 139.50, 0.2),
    ("94", "Papua Tengah", -3.90, 136.50, 0.2),
    ("95", "Papua Pegunungan", -4.10, 138.90, 0.2),
    ("96", "Papua Barat Daya", -0.87, 131.25, 0.2),
]
PROVINCE_WEIGHT = {code: weight for code, _n, _la, _lo, weight in PROVINCES}
# Kota Parepare's share of the whole country's foreign residents in generated data: far above
# reality on purpose, so that Parepare-scoped pages are measured on thousands of rows.
PAREPARE_WEIGHT = 0.5
PAREPARE = "73.72"

KABUPATEN_PER_PROVINCE = 4
KOTA_PER_PROVINCE = 2
KECAMATAN_PER_REGENCY = 5
KELURAHAN_PER_KECAMATAN = 6

_HEADS = ["Suka", "Tanjung", "Sumber", "Karang", "Batu", "Bukit", "Air", "Teluk", "Sungai"]
_HEADS += ["Padang", "Lubuk", "Muara", "Rawa", "Gunung", "Kebon", "Pasir", "Labuhan", "Tanah"]
_TAILS = ["maju", "jaya", "sari", "makmur", "rejo", "mulya", "indah", "baru", "harapan"]
_TAILS += ["mekar", "asri", "raya", "lestari", "damai", "permai", "tengah", "utara", "selatan"]


def _name(code: str) -> str:
    rng = random.Random(f"region:{code}")
    head, tail = rng.choice(_HEADS), rng.choice(_TAILS)
    return f"{head} {tail.capitalize()}" if head in {"Air", "Batu", "Tanah"} else head + tail


def _jitter(code: str, lat: float, lon: float, spread: float) -> tuple[Decimal, Decimal]:
    rng = random.Random(f"centroid:{code}")
    return (
        Decimal(f"{lat + rng.uniform(-spread, spread):.5f}"),
        Decimal(f"{lon + rng.uniform(-spread, spread):.5f}"),
    )


def synthetic_region_rows(existing: set[str]) -> list[Region]:
    """The synthetic tree as unsaved Regions, parents before children, skipping ``existing``
    codes and everything under Kota Parepare (whose real tree comes from the CSV)."""
    rows: list[Region] = []

    def add(code, name, level, parent, lat, lon):
        if code not in existing:
            rows.append(
                Region(
                    code=code, name=name, level=level, parent_id=parent, latitude=lat, longitude=lon
                )
            )

    for code, name, plat, plon, _w in PROVINCES:
        add(code, name, Region.Level.PROVINCE, None, Decimal(f"{plat}"), Decimal(f"{plon}"))
        regencies = [(f"{code}.{i:02d}", Region.Level.KABUPATEN) for i in range(1, 5)]
        regencies += [(f"{code}.{71 + i:02d}", Region.Level.KOTA) for i in range(2)]
        if code == "73":  # the real kabupaten of the Kanim Parepare work area get children too
            regencies += [(f"73.{i}", Region.Level.KABUPATEN) for i in range(11, 17)]
        for rcode, level in regencies:
            if rcode == PAREPARE:
                continue
            rlat, rlon = _jitter(rcode, plat, plon, 0.8)
            prefix = "Kabupaten" if level == Region.Level.KABUPATEN else "Kota"
            add(rcode, f"{prefix} {_name(rcode)}", level, code, rlat, rlon)
            for k in range(1, KECAMATAN_PER_REGENCY + 1):
                kcode = f"{rcode}.{k:02d}"
                klat, klon = _jitter(kcode, float(rlat), float(rlon), 0.15)
                add(kcode, _name(kcode), Region.Level.KECAMATAN, rcode, klat, klon)
                for v in range(KELURAHAN_PER_KECAMATAN):
                    vcode = f"{kcode}.{1001 + v if v < 3 else 2001 + v - 3}"
                    vlat, vlon = _jitter(vcode, float(klat), float(klon), 0.03)
                    add(vcode, _name(vcode), Region.Level.KELURAHAN, kcode, vlat, vlon)
    return rows


@transaction.atomic
def synthetic_regions_ensure() -> int:
    """Load the real Parepare tree and add the synthetic national tree (idempotent).

    Returns the number of regions created."""
    regions_load()
    existing = set(Region.objects.values_list("code", flat=True))
    rows = synthetic_region_rows(existing)
    Region.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    if rows:
        access_changed()  # bulk_create sends no signal; scope-derived lists are cached
    return len(rows)


@transaction.atomic
def synthetic_agencies_ensure() -> int:
    """One immigration office and one police command per province, each with one officer
    account (no usable password: they only appear as reporters and reviewers of generated
    sightings). Idempotent; returns the number of officers created."""
    User = get_user_model()
    created = 0
    for code, name, *_ in PROVINCES:
        for slug, kind, agency_name in (
            ("kanim", Agency.Kind.IMIGRASI, f"Kantor Imigrasi Sintetis {name}"),
            ("polda", Agency.Kind.POLRES, f"Kepolisian Sintetis {name}"),
        ):
            agency, _ = Agency.objects.get_or_create(
                name=agency_name,
                defaults={"kind": kind, "short_name": agency_name[:60], "region_id": code},
            )
            agency.jurisdiction.add(code)
            user, was_created = User.objects.get_or_create(
                username=f"synthetic.{code}.{slug}",
                defaults={"first_name": agency_name[:150], "password": make_password(None)},
            )
            Officer.objects.get_or_create(user=user, defaults={"agency": agency})
            created += was_created
    return created
