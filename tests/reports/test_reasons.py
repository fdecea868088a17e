"""Flag reasons are rendered from the evidence at display time, in the reader's language."""

import pytest
from django.template import Context
from django.test import RequestFactory
from django.utils import translation

from agencies.models import Agency
from reports.models import Flag
from reports.reasons import REASONS, flag_reason_text
from reports.rules import RULES
from reports.templatetags.reports_tags import flag_reason
from tests.factories import AgencyFactory, OfficerFactory


def test_every_rule_has_a_reason_rendered_from_its_evidence():
    assert set(RULES) <= set(REASONS), f"no reason renderer for {set(RULES) - set(REASONS)}"


def test_reason_follows_the_reader_language_and_quotes_the_evidence():
    flag = Flag(
        rule="permit.overstay",
        evidence={
            "valid_until": "2026-10-01",
            "days_overstayed": 45,
            "fine_estimate": 45000000,
            "deportation_recommended": False,
        },
        reason="stored id",
        reason_en="stored en",
    )
    with translation.override("en"):
        english = flag_reason_text(flag)
    with translation.override("id"):
        indonesian = flag_reason_text(flag)
    assert "45 days" in english and "1 Oct 2026" in english and "Rp 45,000,000" in english
    assert "Art. 78(1)" in english
    assert "45 hari" in indonesian and "1 Okt 2026" in indonesian
    assert "Rp 45.000.000" in indonesian and "Pasal 78 ayat (1)" in indonesian


def test_overstay_past_the_threshold_reads_deportation_not_a_fee():
    """The live figures give no fee past the threshold (ayat 3 instead of ayat 1)."""
    flag = Flag(
        rule="permit.overstay",
        evidence={
            "valid_until": "2026-10-01",
            "days_overstayed": 61,
            "fine_estimate": None,
            "deportation_recommended": True,
        },
        reason="stored id",
        reason_en="stored en",
    )
    with translation.override("en"):
        english = flag_reason_text(flag)
    with translation.override("id"):
        indonesian = flag_reason_text(flag)
    assert english.startswith("The stay permit ended on 1 Oct 2026") and "61 days" in english
    assert "Rp" not in english and "deportation" in english
    assert "61 hari" in indonesian and "deportasi" in indonesian and "Rp" not in indonesian


def test_a_sighting_moment_reads_as_its_wita_day():
    flag = Flag(
        rule="sighting.outside_area",
        evidence={
            "sightings": 3,
            "kecamatan": ["73.72.02"],
            "registered_kecamatan": "73.72.03",
            "last_seen": "2026-02-27T17:30:00+00:00",  # 01:30 on 28 Feb in WITA
        },
    )
    with translation.override("en"):
        assert "last on 28 Feb 2026" in flag_reason_text(flag)


def test_evidence_an_old_rule_version_wrote_falls_back_to_the_stored_sentence():
    flag = Flag(rule="permit.overstay", evidence={"old": 1}, reason="lama", reason_en="old")
    with translation.override("en"):
        assert flag_reason_text(flag) == "old"
    with translation.override("id"):
        assert flag_reason_text(flag) == "lama"


# The duty rules of the permit-watch issue (reports/rules/duties.py): evidence as each rule
# writes it (jsonb: dates as ISO text), and the sentence each language reads.
DUTY_REASONS = [
    pytest.param(
        "residence.unreported",
        {
            "itas_from": "2026-01-10",
            "report_by": "2026-01-24",
            "residence_missing": True,
            "sktt_missing": True,
        },
        "The holder of an ITAS since 10 Jan 2026 has reported neither a residence nor an SKTT, "
        "due by 24 Jan 2026 (Law 6/2011 Art. 71(a); Law 23/2006 Art. 20).",
        "Pemegang ITAS sejak 10 Jan 2026 belum melaporkan tempat tinggal maupun SKTT, yang "
        "wajib paling lambat 24 Jan 2026 (UU 6/2011 Pasal 71 huruf a; UU 23/2006 Pasal 20).",
        id="residence-and-sktt",
    ),
    pytest.param(
        "residence.unreported",
        {
            "itas_from": "2026-01-10",
            "report_by": "2026-01-24",
            "residence_missing": False,
            "sktt_missing": True,
        },
        "The holder of an ITAS since 10 Jan 2026 has no SKTT issued for it, due by 24 Jan 2026 "
        "(Law 6/2011 Art. 71(a); Law 23/2006 Art. 20).",
        "Pemegang ITAS sejak 10 Jan 2026 belum memiliki SKTT untuk ITAS tersebut, yang wajib "
        "paling lambat 24 Jan 2026 (UU 6/2011 Pasal 71 huruf a; UU 23/2006 Pasal 20).",
        id="sktt-only",
    ),
    pytest.param(
        "permit.itas_missing",
        {"entered_on": "2025-12-01", "itas_by": "2025-12-31"},
        "Entered on a limited-stay visa on 1 Dec 2025, and no ITAS is recorded; it was due by "
        "31 Dec 2025 (Government Regulation 31/2013 Art. 143).",
        "Masuk dengan visa tinggal terbatas pada 1 Des 2025, dan belum ada ITAS yang tercatat; "
        "batas waktunya 31 Des 2025 (PP 31/2013 Pasal 143).",
        id="itas-missing",
    ),
    pytest.param(
        "permit.itap_lapsed",
        {"valid_until": "2027-08-17", "left_on": "2024-11-30"},
        "The ITAP valid until 17 Aug 2027 has lapsed: the holder has been outside Indonesia "
        "since 30 Nov 2024, longer than an ITAP allows (Law 6/2011 Art. 62).",
        "ITAP yang berlaku sampai 17 Agu 2027 gugur: pemegangnya berada di luar Indonesia sejak "
        "30 Nov 2024, lebih lama dari yang diperbolehkan bagi pemegang ITAP (UU 6/2011 Pasal "
        "62).",
        id="itap-abroad",
    ),
    pytest.param(
        "permit.itap_lapsed",
        {"valid_until": "2025-12-31", "left_on": None},
        "The ITAP ended on 31 Dec 2025 without an extension and has lapsed (Law 6/2011 Art. 62).",
        "ITAP berakhir pada 31 Des 2025 tanpa perpanjangan dan telah gugur (UU 6/2011 Pasal 62).",
        id="itap-not-extended",
    ),
    pytest.param(
        "permit.cancelled_present",
        {"cancelled_on": "2026-02-27", "permit_kind": "ITAS"},
        "Limited stay permit (ITAS) cancelled on 27 Feb 2026: no new permit is recorded and the "
        "holder has no recorded exit from Indonesia (Law 6/2011 Art. 48(1); Law 6/2011 "
        "Art. 75(2)).",
        "Izin Tinggal Terbatas (ITAS) dibatalkan pada 27 Feb 2026: tidak ada izin baru yang "
        "tercatat dan pemegangnya tidak tercatat keluar dari Indonesia (UU 6/2011 Pasal 48 ayat "
        "(1); UU 6/2011 Pasal 75 ayat (2)).",
        id="cancelled",
    ),
    pytest.param(
        "permit.cancelled_present",
        {"cancelled_on": None, "permit_kind": "ITK"},
        "Visit stay permit (ITK) cancelled: no new permit is recorded and the holder has no "
        "recorded exit from Indonesia (Law 6/2011 Art. 48(1); Law 6/2011 Art. 75(2)).",
        "Izin Tinggal Kunjungan (ITK) dibatalkan: tidak ada izin baru yang tercatat dan "
        "pemegangnya tidak tercatat keluar dari Indonesia (UU 6/2011 Pasal 48 ayat (1); "
        "UU 6/2011 Pasal 75 ayat (2)).",
        id="cancelled-undated",
    ),
    pytest.param(
        "movement.entry_without_permit",
        {"entered_on": "2026-02-14"},
        "Entered Indonesia on 14 Feb 2026, but no stay permit is recorded for this stay: check "
        "and record the permit (Law 6/2011 Art. 48(1)).",
        "Masuk ke Indonesia pada 14 Feb 2026, tetapi tidak ada izin tinggal yang tercatat untuk "
        "masa tinggal ini: periksa dan catat izin tinggalnya (UU 6/2011 Pasal 48 ayat (1)).",
        id="entry-without-permit",
    ),
    pytest.param(
        "sponsor.repeated_violations",
        {"sponsor": "PT Nikel Sulawesi", "sponsor_id": 7, "min_violations": 3},
        "Sponsor PT Nikel Sulawesi sponsors at least 3 foreign nationals with open violations; "
        "a sponsor answers for the presence and activities of the people it sponsors (Law "
        "6/2011 Art. 63).",
        "Penjamin PT Nikel Sulawesi menjamin sedikitnya 3 orang asing dengan pelanggaran yang "
        "masih terbuka; penjamin bertanggung jawab atas keberadaan dan kegiatan orang asing yang "
        "dijaminnya (UU 6/2011 Pasal 63).",
        id="sponsor",
    ),
    pytest.param(
        "person.entry_ban",
        {
            "entry_ban_id": 12,
            "listed_on": "2025-06-30",
            "ban_until": "2035-06-30",
            "matched_on": "document",
        },
        "This foreign national matches the entry-ban list by travel document (listed on "
        "30 Jun 2025, until 30 Jun 2035): a person under an entry ban may not enter Indonesia "
        "(Law 6/2011 Art. 102 as amended by Law 63/2024).",
        "Orang asing ini cocok dengan daftar penangkalan berdasarkan dokumen perjalanan "
        "(dicatat pada 30 Jun 2025, sampai 30 Jun 2035): orang yang ditangkal dilarang masuk "
        "wilayah Indonesia (UU 6/2011 Pasal 102 sebagaimana diubah dengan UU 63/2024).",
        id="entry-ban-document",
    ),
    pytest.param(
        "person.entry_ban",
        {"entry_ban_id": 12, "listed_on": "2025-06-30", "ban_until": None, "matched_on": "person"},
        "This foreign national matches the entry-ban list by name and date of birth (listed on "
        "30 Jun 2025, for life): a person under an entry ban may not enter Indonesia (Law "
        "6/2011 Art. 102 as amended by Law 63/2024).",
        "Orang asing ini cocok dengan daftar penangkalan berdasarkan nama dan tanggal lahir "
        "(dicatat pada 30 Jun 2025, seumur hidup): orang yang ditangkal dilarang masuk wilayah "
        "Indonesia (UU 6/2011 Pasal 102 sebagaimana diubah dengan UU 63/2024).",
        id="entry-ban-for-life",
    ),
]


@pytest.mark.parametrize(("rule", "evidence", "english", "indonesian"), DUTY_REASONS)
def test_duty_rule_reason_is_rendered_from_its_evidence_in_each_language(
    rule, evidence, english, indonesian
):
    flag = Flag(rule=rule, evidence=evidence, reason="stored id", reason_en="stored en")
    with translation.override("en"):
        assert flag_reason_text(flag) == english
    with translation.override("id"):
        assert flag_reason_text(flag) == indonesian


def test_duty_rule_reason_counts_one_sponsored_person_in_the_singular():
    flag = Flag(
        rule="sponsor.repeated_violations",
        evidence={"sponsor": "CV Maju", "sponsor_id": 1, "min_violations": 1},
    )
    with translation.override("en"):
        assert "at least 1 foreign national with open violations" in flag_reason_text(flag)


@pytest.mark.parametrize(
    ("rule", "evidence"),
    [
        ("person.entry_ban", {"listed_on": "2025-06-30", "ban_until": None, "matched_on": "x"}),
        ("permit.cancelled_present", {"cancelled_on": None, "permit_kind": "XYZ"}),
        (
            "residence.unreported",
            {
                "itas_from": "2026-01-10",
                "report_by": "2026-01-24",
                "residence_missing": False,
                "sktt_missing": False,
            },
        ),
        ("permit.itas_missing", {"entered_on": "1 Dec", "itas_by": "2025-12-31"}),
    ],
)
def test_duty_rule_evidence_it_does_not_understand_falls_back_to_the_stored_sentence(
    rule, evidence
):
    """No raw code or half sentence: evidence a renderer cannot read shows the stored text."""
    flag = Flag(rule=rule, evidence=evidence, reason="lama", reason_en="old")
    with translation.override("en"):
        assert flag_reason_text(flag) == "old"


@pytest.fixture
def disnaker_officer(regions):
    """Reads permits and employment, not residences."""
    agency = AgencyFactory(kind=Agency.Kind.DISNAKER, region_id="73.72")
    return OfficerFactory(agency=agency).user


def _reason_for(user, rule: str, evidence: dict) -> str:
    request = RequestFactory().get("/")
    request.user = user
    flag = Flag(rule=rule, evidence=evidence, reason="stored id", reason_en="stored en")
    with translation.override("en"):
        return flag_reason(Context({"request": request}), flag)


# For each duty rule: evidence, the key of a category some principal may not read and another
# value for it, the principal lacking that category and one reading it (by the default policy).
DUTY_MASKED = [
    pytest.param(
        "residence.unreported",
        {
            "itas_from": "2026-01-10",
            "report_by": "2026-01-24",
            "residence_missing": True,
            "sktt_missing": True,
        },
        {"residence_missing": False},
        "disnaker_officer",  # no residence
        "polres_officer",
        id="residence.unreported-residence",
    ),
    pytest.param(
        "permit.itas_missing",
        {"entered_on": "2025-12-01", "itas_by": "2025-12-31"},
        {"entered_on": "2025-11-20", "itas_by": "2025-12-20"},
        "camat_soreang",  # permit type and validity only: no movements
        "polres_officer",
        id="permit.itas_missing-movement",
    ),
    pytest.param(
        "permit.itap_lapsed",
        {"valid_until": "2027-08-17", "left_on": "2024-11-30"},
        {"left_on": "2025-01-15"},
        "camat_soreang",
        "polres_officer",
        id="permit.itap_lapsed-movement",
    ),
    pytest.param(
        "permit.cancelled_present",
        {"cancelled_on": "2026-02-27", "permit_kind": "ITAS"},
        {"cancelled_on": "2026-01-05"},
        "kemenag_officer",  # no permits at all
        "camat_soreang",  # the cancellation is the permit's validity, which the camat reads
        id="permit.cancelled_present-status",
    ),
    pytest.param(
        "movement.entry_without_permit",
        {"entered_on": "2026-02-14"},
        {"entered_on": "2026-01-02"},
        "camat_soreang",
        "polres_officer",
        id="movement.entry_without_permit-movement",
    ),
    pytest.param(
        "sponsor.repeated_violations",
        {"sponsor": "PT Nikel Sulawesi", "sponsor_id": 7, "min_violations": 3},
        {"sponsor": "CV Bahari Parepare", "sponsor_id": 9},
        "camat_soreang",  # no employment
        "polres_officer",
        id="sponsor.repeated_violations-employment",
    ),
    pytest.param(
        "person.entry_ban",
        {
            "entry_ban_id": 12,
            "listed_on": "2025-06-30",
            "ban_until": "2035-06-30",
            "matched_on": "document",
        },
        {"entry_ban_id": 13, "listed_on": "2024-03-01", "matched_on": "person"},
        "camat_soreang",  # no enforcement (TAK)
        "polres_officer",
        id="person.entry_ban-enforcement",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("rule", "evidence", "masked", "lacking", "reading"), DUTY_MASKED)
def test_duty_rule_reason_reads_the_same_whatever_the_masked_evidence(
    request, rule, evidence, masked, lacking, reading
):
    """Two flags differing only in evidence of a category the reader may not read give that
    reader the same text; a reader of that category sees them differ (the value is quoted)."""
    other = {**evidence, **masked}
    lacking_user = request.getfixturevalue(lacking)
    reading_user = request.getfixturevalue(reading)

    assert _reason_for(lacking_user, rule, evidence) == _reason_for(lacking_user, rule, other)
    assert _reason_for(reading_user, rule, evidence) != _reason_for(reading_user, rule, other)
    assert _reason_for(reading_user, rule, evidence) == _reason_for_language(rule, evidence)


def _reason_for_language(rule: str, evidence: dict) -> str:
    with translation.override("en"):
        return flag_reason_text(Flag(rule=rule, evidence=evidence))


@pytest.mark.parametrize(
    ("language", "key", "value", "shown"),
    [
        ("id", "fine_estimate", 3000000, "Rp 3.000.000"),
        ("en", "fine_estimate", 3000000, "Rp 3,000,000"),
        ("id", "deportation_recommended", True, "Ya"),
        ("en", "deportation_recommended", False, "No"),
        ("id", "visa_index", None, "—"),
        ("id", "valid_until", "2026-12-31", "31 Des 2026"),
        ("en", "valid_until", "2026-12-31", "31 Dec 2026"),
        ("en", "permit_kind", "ITAS", "Limited stay permit (ITAS)"),
        ("id", "permit_kind", "ITAS", "Izin Tinggal Terbatas (ITAS)"),
        ("en", "apparent_nationality", "JPN", "JPN — Japan"),
        ("en", "days_left", 1200, "1,200"),
    ],
)
def test_evidence_values_read_as_words_not_stored_codes(language, key, value, shown):
    from reports.reasons import evidence_value

    with translation.override(language):
        assert evidence_value(key, value) == shown
