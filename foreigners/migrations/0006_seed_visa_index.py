"""Seed the visa-index reference table from the regulation in force.

Source: Kepmenkumham M.HH-02.GR.01.04/2023 on visa indexes, as changed by Kepmenimipas
M.IP-08.GR.01.01/2025 (110 indexes; E23B–E23W merged into E23; investors E28F/E28G); work by
family of Indonesian citizens and former citizens: UU 6/2011 Pasal 61 with Pasal 52 huruf e/f
and Pasal 54 ayat (1) huruf b/d. Rows marked [U] in their note were not checked against the
primary text: the system admin corrects them in the admin. Only rows missing are added, so a
table the admin edited is left alone.
"""

from django.db import migrations

W, R, FAM, INV, RET, TOUR, STUDY = (
    "may_work",
    "may_religious_work",
    "family",
    "investment",
    "retirement",
    "tourism",
    "study",
)
UU = "UU 6/2011"

# code, permit kind, name (id), name (en), entitlements, legal basis, note
ROWS = [
    ("A1", "ITK", "Bebas visa kunjungan", "Visa-exempt visit", {TOUR}, UU + " Pasal 43", ""),
    (
        "B1",
        "ITK",
        "Visa kunjungan saat kedatangan",
        "Visa on arrival",
        {TOUR},
        UU + " Pasal 38",
        "",
    ),
    ("C1", "ITK", "Kunjungan wisata", "Tourism visit", {TOUR}, UU + " Pasal 38", ""),
    (
        "C2",
        "ITK",
        "Kunjungan usaha",
        "Business visit (meetings, purchasing)",
        set(),
        UU + " Pasal 38",
        "No work: meetings and purchasing only.",
    ),
    (
        "C7",
        "ITK",
        "Kunjungan kesenian dan budaya",
        "Arts and culture visit",
        set(),
        UU + " Pasal 38",
        "[U] performances under a permit.",
    ),
    ("C12", "ITK", "Kunjungan pra-investasi", "Pre-investment visit", {INV}, UU + " Pasal 38", ""),
    (
        "D1",
        "ITK",
        "Kunjungan wisata beberapa kali perjalanan",
        "Multiple-entry tourism visit",
        {TOUR},
        UU + " Pasal 38",
        "",
    ),
    (
        "D2",
        "ITK",
        "Kunjungan usaha beberapa kali perjalanan",
        "Multiple-entry business visit",
        set(),
        UU + " Pasal 38",
        "",
    ),
    ("E23", "ITAS", "Bekerja", "Work", {W}, UU + " Pasal 39", "Covers the former E23A–E23W."),
    (
        "E27",
        "ITAS",
        "Rohaniwan",
        "Cleric (religious work)",
        {R},
        UU + " Pasal 39",
        "[U] index number of the cleric visa.",
    ),
    (
        "E28",
        "ITAS",
        "Penanaman modal",
        "Investment",
        {INV, W},
        UU + " Pasal 39",
        "[U] as director or commissioner of the investor's own company; E28A, E28F, E28G.",
    ),
    (
        "E30",
        "ITAS",
        "Pelajar dan mahasiswa",
        "Study",
        {STUDY},
        UU + " Pasal 39",
        "[U] index number.",
    ),
    (
        "E31",
        "ITAS",
        "Penyatuan keluarga orang asing",
        "Family of a foreign national",
        {FAM},
        UU + " Pasal 52 huruf c",
        "[U] E31C–E31E: may not work.",
    ),
    (
        "E31A",
        "ITAS",
        "Suami/istri warga negara Indonesia",
        "Spouse of an Indonesian citizen",
        {FAM, W},
        UU + " Pasal 52 huruf e; Pasal 61",
        "May work to support the family (Pasal 61).",
    ),
    (
        "E31B",
        "ITAS",
        "Anak dari perkawinan dengan warga negara Indonesia",
        "Child of a marriage with an Indonesian citizen",
        {FAM, W},
        UU + " Pasal 52 huruf f; Pasal 61",
        "May work to support the family (Pasal 61).",
    ),
    (
        "E32",
        "ITAS",
        "Eks warga negara Indonesia",
        "Former Indonesian citizen",
        {FAM, W},
        UU + " Pasal 52; Pasal 61",
        "[U] index number; former citizens may work (Pasal 61 with Pasal 54 ayat (1) huruf d).",
    ),
    (
        "E33E",
        "ITAS",
        "Lanjut usia (pensiun)",
        "Retirement",
        {RET},
        UU + " Pasal 39",
        "[U] index number.",
    ),
    ("E33F", "ITAS", "Rumah kedua", "Second home", set(), UU + " Pasal 39", "[U] index number."),
    (
        "E33G",
        "ITAS",
        "Pekerja jarak jauh",
        "Remote worker (for an employer abroad)",
        set(),
        UU + " Pasal 39",
        "[U] may not work for an employer in Indonesia.",
    ),
]


def seed(apps, schema_editor):
    VisaIndex = apps.get_model("foreigners", "VisaIndex")
    existing = set(VisaIndex.objects.values_list("code", flat=True))
    VisaIndex.objects.bulk_create(
        VisaIndex(
            code=code,
            permit_kind=kind,
            name=name,
            name_en=name_en,
            legal_basis=basis,
            note=note,
            **{flag: flag in flags for flag in (W, R, FAM, INV, RET, TOUR, STUDY)},
        )
        for code, kind, name, name_en, flags, basis, note in ROWS
        if code not in existing
    )


class Migration(migrations.Migration):
    dependencies = [("foreigners", "0005_visa_index_sktt_entry_ban_cancellation")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
