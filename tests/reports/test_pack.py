"""The meeting pack: built by a Celery task from one click, its XLSX figures checked against an
independent count of the fixture data, its PDF text extracted, and a camat's pack limited to
the camat's kecamatan."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from agencies.models import Agency, Officer
from reports.coordination.models import AgencyTask, EnforcementAction, JointOperation
from reports.models import Flag, ReportJob
from tests.factories import (
    AgencyFactory,
    ForeignerFactory,
    OfficerFactory,
    SightingFactory,
    StayPermitFactory,
)

START, END = dt.date(2026, 7, 1), dt.date(2026, 9, 30)
WITA = dt.timezone(dt.timedelta(hours=8))


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=WITA)


@pytest.fixture
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


@pytest.fixture
def world(regions):
    """People, permits, sightings, flags, an operation, TAK and tasks in Soreang (73.72.03) and
    Ujung (73.72.02); ``expected`` is counted here, from the lists, not by the code under test."""
    kanim = AgencyFactory(kind=Agency.Kind.IMIGRASI, jurisdiction=["73.72", "73.15"])
    polres = AgencyFactory(kind=Agency.Kind.POLRES, name="Polres Parepare", short_name="Polres")
    chief = OfficerFactory(agency=kanim, role=Officer.Role.SUPERVISOR).user
    camat = OfficerFactory(
        agency=AgencyFactory(kind=Agency.Kind.KECAMATAN, region_id="73.72.03"),
        kecamatan_id="73.72.03",
    ).user
    people = {
        "soreang": [("CHN", "73.72.03.1001")] * 3 + [("MYS", "73.72.03.1002")],
        "ujung": [("USA", "73.72.02.1001")] * 2 + [("CHN", "73.72.02.1002")],
    }
    made = {
        k: [ForeignerFactory(nationality=n, residence_region_id=r) for n, r in v]
        for k, v in people.items()
    }
    s0, s1, s2, s3 = made["soreang"]
    u0, u1, u2 = made["ujung"]
    # Permits: kind and validity at the end of the period, issued/ended inside it.
    StayPermitFactory(
        foreigner=s0,
        kind="ITAS",
        issued_on=dt.date(2026, 8, 1),
        valid_from=dt.date(2026, 8, 1),
        valid_until=dt.date(2027, 8, 1),
    )
    StayPermitFactory(
        foreigner=s1,
        kind="ITK",
        visa_index="C1",
        issued_on=dt.date(2026, 6, 1),
        valid_from=dt.date(2026, 6, 1),
        valid_until=dt.date(2026, 8, 15),
    )
    StayPermitFactory(
        foreigner=s2,
        kind="ITAP",
        issued_on=dt.date(2025, 1, 1),
        valid_from=dt.date(2025, 1, 1),
        valid_until=dt.date(2026, 10, 20),
    )
    StayPermitFactory(foreigner=u0, kind="ITAS", issued_on=dt.date(2026, 9, 1),
                      valid_from=dt.date(2026, 9, 1), valid_until=dt.date(2027, 9, 1))  # fmt: skip
    # Sightings: weeks of 6 Jul (2 in Soreang), 3 Aug (1 Soreang, 1 Ujung); one before the period.
    reporter = AgencyFactory(kind=Agency.Kind.POLRES)
    for day, region in [
        (dt.date(2026, 7, 6), "73.72.03.1001"),
        (dt.date(2026, 7, 8), "73.72.03.1002"),
        (dt.date(2026, 8, 4), "73.72.03.1001"),
        (dt.date(2026, 8, 5), "73.72.02.1001"),
        (dt.date(2026, 6, 20), "73.72.03.1001"),
    ]:
        SightingFactory(reporting_agency=reporter, region_id=region, observed_at=_at(day))
    # Flags: two opened in the period in Soreang (one of them closed in it), one in Ujung.
    for person, rule, opened, closed in [
        (s0, "permit.expiring", dt.date(2026, 7, 10), None),
        (s1, "permit.overstay", dt.date(2026, 8, 16), dt.date(2026, 9, 2)),
        (u0, "permit.overstay", dt.date(2026, 9, 3), None),
    ]:
        Flag.objects.create(
            rule=rule, subject_type="foreigner", subject_id=person.pk, foreigner=person,
            state="closed" if closed else "open", opened_at=_at(opened),
            closed_at=_at(closed) if closed else None, reason="r", routed_to=["imigrasi"],
        )  # fmt: skip
    for region, order, checked, violations, actions in [
        ("73.72.03", "SP-1", 12, 2, 1),
        ("73.72.02", "SP-2", 7, 1, 0),
    ]:
        JointOperation.objects.create(
            title=f"Operasi {order}", operation_date=dt.date(2026, 8, 20), region_id=region,
            order_number=order, organiser=kanim, created_by=chief, state="done",
            persons_checked=checked, violations_found=violations, actions_taken=actions,
            result_summary="ok", completed_at=timezone.now(),
        )  # fmt: skip
    for person, kind in [(s1, "deportation"), (s3, "place_ban"), (u1, "deportation")]:
        EnforcementAction.objects.create(
            foreigner=person, kind=kind, legal_basis="UU 6/2011", case_review_on=dt.date(2026, 9, 1),
            decided_on=dt.date(2026, 9, 5), decision="d", agency=kanim, created_by=chief,
            region_id="73.72.03" if kind == "place_ban" else None,
        )  # fmt: skip
    for region, due, closed in [
        ("73.72.03.1001", dt.date(2026, 8, 10), _at(dt.date(2026, 8, 9))),  # on time
        ("73.72.03.1001", dt.date(2026, 8, 10), _at(dt.date(2026, 8, 12))),  # late
        ("73.72.02.1001", dt.date(2026, 8, 10), None),  # still open, overdue
    ]:
        AgencyTask.objects.create(
            title="t", origin="manual", region_id=region, assignee=polres, assigned_by=kanim,
            created_by=chief, due_on=due, state="closed" if closed else "acknowledged",
            acknowledged_at=_at(dt.date(2026, 8, 1)), closed_at=closed, result="r" if closed else "",
        )  # fmt: skip
    return {"chief": chief, "camat": camat, "made": made}


def _make_pack(client, user, region, django_capture_on_commit_callbacks):
    client.force_login(user)
    data = {"region": region, "start": START.isoformat(), "end": END.isoformat()}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("pack-create"), data)
    job = ReportJob.objects.filter(user=user).latest("id")
    assert response.status_code == 302 and response["Location"] == reverse(
        "report-job", args=[job.pk]
    )
    job.refresh_from_db()
    assert job.state == "done" and job.progress == 100, job.error
    xlsx = client.get(reverse("report-job-download", args=[job.pk, "file"]))
    pdf = client.get(reverse("report-job-download", args=[job.pk, "pdf"]))
    book = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    text = "\n".join(
        p.extract_text() for p in PdfReader(io.BytesIO(b"".join(pdf.streaming_content))).pages
    )
    return book, text


def _rows(book, sheet: str) -> list[list]:
    """The data rows of a section's sheet (after its title, note and header rows)."""
    rows = [list(r) for r in book[sheet].iter_rows(values_only=True)]
    header = next((i for i, row in enumerate(rows) if len(row) > 1 and row[1] is not None), None)
    if header is None:
        return []
    return [row for row in rows[header + 1 :] if row and row[0] is not None]


def _table(book, sheet: str) -> dict:
    """{first cell: the other cells} of a section's data rows."""
    return {row[0]: row[1:] for row in _rows(book, sheet)}


@pytest.mark.django_db
def test_kota_pack_figures_match_an_independent_count(
    client, world, media, django_capture_on_commit_callbacks
):
    book, text = _make_pack(client, world["chief"], "73.72", django_capture_on_commit_callbacks)
    everyone = world["made"]["soreang"] + world["made"]["ujung"]
    expected_nat = {}
    for person in everyone:
        expected_nat[person.nationality] = expected_nat.get(person.nationality, 0) + 1
    nat = {k.split(" ")[0]: v[0] for k, v in _table(book, "nationality").items()}
    assert nat == expected_nat == {"CHN": 4, "MYS": 1, "USA": 2}

    # Valid on 30 Sep: s0 ITAS, s2 ITAP, u0 ITAS (s1's ITK ended 15 Aug).
    kinds = {k: v[0] for k, v in _table(book, "permit_kind").items()}
    assert sorted(kinds.values()) == [1, 2] and sum(kinds.values()) == 3
    permits = list(_table(book, "permits").values())
    assert [row[0] for row in permits] == [2, 1, 1]  # issued s0,u0; ended s1; ending soon s2

    kec = {k[-9:-1]: v[0] for k, v in _table(book, "kecamatan").items()}
    assert kec == {"73.72.02": 3, "73.72.03": 4}

    flags = {k.rsplit("(", 1)[1].rstrip(")"): v for k, v in _table(book, "flags").items()}
    assert flags == {"permit.expiring": [1, 0], "permit.overstay": [2, 1]}

    weeks = {k: v[0] for k, v in _table(book, "sightings").items()}
    assert sum(weeks.values()) == 4  # the June sighting is outside the period
    assert weeks["06-07-2026"] == 2 and weeks["03-08-2026"] == 2 and len(weeks) == 14

    operations = _rows(book, "operations")
    assert sorted(row[2] for row in operations[:-1]) == ["SP-1", "SP-2"]
    assert operations[-1][-3:] == [19, 3, 1]  # the total row

    enforcement = {k: v[0] for k, v in _table(book, "enforcement").items()}
    assert enforcement["Deportasi"] == 2 and sum(enforcement.values()) == 2 + 1 + 2

    tasks = {k: v for k, v in _table(book, "tasks").items()}
    assert tasks["Polres"][:4] == [3, 1, 1, 1] and tasks["Polres"][4] == "33%"

    # The PDF: Indonesian, the cover, every section title, the chart's values and the area.
    assert "Paket rapat Timpora" in text
    assert "Kota Parepare" in text and "01-07-2026" in text and "30-09-2026" in text
    for title in (
        "menurut kewarganegaraan",
        "operasi gabungan",
        "tindakan administratif",
        "laporan keberadaan per minggu",
    ):
        assert title.lower() in text.lower(), title


@pytest.mark.django_db
def test_camat_pack_has_nothing_outside_the_kecamatan(
    client, world, media, django_capture_on_commit_callbacks
):
    book, text = _make_pack(client, world["camat"], "73.72.03", django_capture_on_commit_callbacks)
    nat = {k.split(" ")[0]: v[0] for k, v in _table(book, "nationality").items()}
    assert nat == {"CHN": 3, "MYS": 1}  # the Ujung residents (USA, CHN) are not counted
    kec = {k[-9:-1]: v[0] for k, v in _table(book, "kecamatan").items()}
    assert kec == {"73.72.03": 4}
    weeks = {k: v[0] for k, v in _table(book, "sightings").items()}
    assert sum(weeks.values()) == 3
    ops = _rows(book, "operations")
    assert [row[2] for row in ops[:-1]] == ["SP-1"]
    assert "SP-2" not in text and "USA" not in text and "73.72.02" not in text
    # The camat reads no enforcement: the section says so and holds no figure.
    assert _table(book, "enforcement") == {}


@pytest.mark.django_db
def test_pack_outside_the_scope_is_refused_with_a_form_error(client, world):
    client.force_login(world["camat"])
    data = {"region": "73.72.02", "start": START.isoformat(), "end": END.isoformat()}
    response = client.post(reverse("pack-create"), data)
    assert response.status_code == 400 and not ReportJob.objects.exists()
    data = {"region": "73.72.03", "start": END.isoformat(), "end": START.isoformat()}
    assert client.post(reverse("pack-create"), data).status_code == 400
