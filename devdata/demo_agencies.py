"""The Parepare Timpora as demo data: its member agencies and one account per agency and role."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from agencies.models import Agency, Officer, Region
from agencies.services import officer_create, regions_load

DEMO_PASSWORD = "timpora-demo"
KANIM_WORK_AREA = ["73.72", "73.11", "73.12", "73.13", "73.14", "73.15", "73.16"]
K = Agency.Kind

# (slug used in usernames, kind, full name, short name, seat region, jurisdiction roots)
AGENCIES: list[tuple[str, str, str, str, str, list[str]]] = [
    (
        "kanim",
        K.IMIGRASI,
        "Kantor Imigrasi Kelas II TPI Parepare",
        "Kanim Parepare",
        "73.72",
        KANIM_WORK_AREA,
    ),
    (
        "kanwil",
        K.KANWIL,
        "Divisi Keimigrasian Kanwil Sulawesi Selatan",
        "Kanwil Sulsel",
        "73",
        ["73"],
    ),
    ("sekda", K.SEKDA, "Sekretariat Daerah Kota Parepare", "Sekda Parepare", "73.72", []),
    (
        "kesbangpol",
        K.KESBANGPOL,
        "Badan Kesatuan Bangsa dan Politik Kota Parepare",
        "Kesbangpol Parepare",
        "73.72",
        [],
    ),
    ("polres", K.POLRES, "Kepolisian Resor Parepare", "Polres Parepare", "73.72", []),
    ("kodim", K.KODIM, "Kodim 1405/Mallusetasi", "Kodim 1405", "73.72", ["73.72", "73.11"]),
    ("kejari", K.KEJARI, "Kejaksaan Negeri Parepare", "Kejari Parepare", "73.72", []),
    ("disnaker", K.DISNAKER, "Dinas Tenaga Kerja Kota Parepare", "Disnaker Parepare", "73.72", []),
    (
        "pariwisata",
        K.PARIWISATA,
        "Dinas Kepemudaan, Olahraga dan Pariwisata Kota Parepare",
        "Dispora dan Pariwisata",
        "73.72",
        [],
    ),
    (
        "disdukcapil",
        K.DISDUKCAPIL,
        "Dinas Kependudukan dan Pencatatan Sipil Kota Parepare",
        "Disdukcapil Parepare",
        "73.72",
        [],
    ),
    (
        "dpmptsp",
        K.DPMPTSP,
        "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kota Parepare",
        "DPMPTSP Parepare",
        "73.72",
        [],
    ),
    (
        "ksop",
        K.KSOP,
        "Kantor Kesyahbandaran dan Otoritas Pelabuhan Kelas II Parepare",
        "KSOP Parepare",
        "73.72",
        [],
    ),
    (
        "beacukai",
        K.BEA_CUKAI,
        "Kantor Pengawasan dan Pelayanan Bea dan Cukai Parepare",
        "Bea Cukai Parepare",
        "73.72",
        [],
    ),
    (
        "kemenag",
        K.KEMENAG,
        "Kantor Kementerian Agama Kota Parepare",
        "Kemenag Parepare",
        "73.72",
        [],
    ),
    ("bacukiki", K.KECAMATAN, "Kecamatan Bacukiki", "Kec. Bacukiki", "73.72.01", []),
    ("ujung", K.KECAMATAN, "Kecamatan Ujung", "Kec. Ujung", "73.72.02", []),
    ("soreang", K.KECAMATAN, "Kecamatan Soreang", "Kec. Soreang", "73.72.03", []),
    (
        "bacukikibarat",
        K.KECAMATAN,
        "Kecamatan Bacukiki Barat",
        "Kec. Bacukiki Barat",
        "73.72.04",
        [],
    ),
]

ROLE_SUFFIX = {
    Officer.Role.OFFICER: "petugas",
    Officer.Role.SUPERVISOR: "supervisor",
    Officer.Role.AGENCY_ADMIN: "admin",
}


def demo_username(slug: str, role: str) -> str:
    return f"{slug}.{ROLE_SUFFIX[role]}"


@transaction.atomic
def demo_agencies_and_accounts() -> dict[str, Agency]:
    """Regions, agencies and accounts; idempotent (upserts by natural keys)."""
    regions_load()
    agencies: dict[str, Agency] = {}
    # One hash for all accounts (PBKDF2 takes most of a second each); only made when needed.
    hashed: list[str] = []

    def password_hash() -> str:
        if not hashed:
            hashed.append(make_password(DEMO_PASSWORD))
        return hashed[0]

    User = get_user_model()
    usable = {
        name
        for name, password in User.objects.filter(username__contains=".").values_list(
            "username", "password"
        )
        if password and not password.startswith("!")
    }
    for slug, kind, name, short, seat, roots in AGENCIES:
        agency, _ = Agency.objects.update_or_create(
            name=name, defaults={"kind": kind, "short_name": short, "region_id": seat}
        )
        agency.jurisdiction.set(Region.objects.filter(code__in=roots))
        agencies[slug] = agency
        kecamatan = agency.region if kind == K.KECAMATAN else None
        for role, suffix in ROLE_SUFFIX.items():
            username = demo_username(slug, role)
            officer_create(
                username=username,
                password=DEMO_PASSWORD,
                password_hash="" if username in usable else password_hash(),
                agency=agency,
                role=role,
                first_name=short,
                last_name=suffix.capitalize(),
                kecamatan=kecamatan,
            )
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", "admin@timpora.localhost", None)
        User.objects.filter(username="admin").update(password=password_hash())
    return agencies
