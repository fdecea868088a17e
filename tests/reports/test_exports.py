"""Exports of the working lists: policy columns, scope, neutralised cells, streaming, audit and
the background job for large exports."""

import csv
import io

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from agencies.access import access_for
from agencies.audit import record_accesses
from agencies.models import Agency, AuditEvent
from reports import export_views
from reports.exports import SOURCES
from reports.models import ReportJob
from tests.factories import (
    AgencyFactory,
    ForeignerFactory,
    OfficerFactory,
    SightingFactory,
    StayPermitFactory,
    TravelDocumentFactory,
)


def L(resource: str, name: str) -> str:
    """A column's header as the portal writes it by default (Indonesian)."""
    column = next(c for c in SOURCES[resource].columns if c.name == name)
    with translation.override("id"):
        return str(column.label)


def _csv(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)  # streamed, not built in memory
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def _xlsx(response) -> list[list]:
    data = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def people(regions):
    soreang = ForeignerFactory(residence_region_id="73.72.03.1001", occupation="Welder")
    TravelDocumentFactory(foreigner=soreang, number="X1234567")
    StayPermitFactory(foreigner=soreang, number="PERMIT-S")
    ujung = ForeignerFactory(residence_region_id="73.72.02.1001")
    StayPermitFactory(foreigner=ujung, number="PERMIT-U")
    # Lives in Ujung, seen in Soreang: the Soreang camat sees the person, not the residence.
    visitor = ForeignerFactory(residence_region_id="73.72.02.1002")
    SightingFactory(foreigner=visitor, region_id="73.72.03.1001")
    return {"soreang": soreang, "ujung": ujung, "visitor": visitor}


@pytest.mark.django_db
def test_kemenag_export_has_no_document_or_permit_column(client, kemenag_officer, people):
    client.force_login(kemenag_officer)
    rows = _csv(client.get(reverse("export", args=["foreigners", "csv"])))
    header = rows[0]
    F = "foreigners"
    assert L(F, "document_number") not in header and L(F, "permit_kind") not in header
    assert L(F, "occupation") not in header and L(F, "residence_region") not in header
    assert L(F, "family_name") in header
    body = "\n".join(",".join(r) for r in rows)
    assert "X1234567" not in body and "Welder" not in body
    assert client.get(reverse("export", args=["permits", "xlsx"])).status_code == 403


@pytest.mark.django_db
def test_kanim_export_has_every_column(client, kanim_officer, people):
    client.force_login(kanim_officer)
    rows = _xlsx(client.get(reverse("export", args=["foreigners", "xlsx"])))
    header = rows[0]
    F = "foreigners"
    assert {L(F, "document_number"), L(F, "permit_kind"), L(F, "occupation")} <= set(header)
    by_id = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert by_id[people["soreang"].pk][L(F, "document_number")] == "X1234567"
    assert len(by_id) == 3


@pytest.mark.django_db
def test_camat_export_holds_nothing_outside_the_kecamatan(client, camat_soreang, people):
    client.force_login(camat_soreang)
    rows = _csv(client.get(reverse("export", args=["foreigners", "csv"])))
    header, body = rows[0], rows[1:]
    got = {int(r[0]): dict(zip(header, r, strict=True)) for r in body}
    assert set(got) == {people["soreang"].pk, people["visitor"].pk}
    # The visitor lives in Ujung: that residence is outside the camat's scope and not exported.
    residence = L("foreigners", "residence_region")
    assert got[people["visitor"].pk][residence] == ""
    assert got[people["soreang"].pk][residence] == "73.72.03.1001"
    permits = _csv(client.get(reverse("export", args=["permits", "csv"])))
    # Permits of the people the camat sees: the Soreang resident's (the visitor has none).
    assert [r[1] for r in permits[1:]] == [str(people["soreang"].pk)]
    assert "PERMIT-U" not in "\n".join(",".join(r) for r in permits)
    # A kecamatan filter outside the scope answers no rows (as the list page does).
    outside = _csv(
        client.get(reverse("export", args=["foreigners", "csv"]) + "?kecamatan=73.72.02")
    )
    assert outside[1:] == []


@pytest.mark.django_db
def test_formula_cells_are_neutralised(client, kanim_officer, regions):
    polres = AgencyFactory(kind=Agency.Kind.POLRES)
    SightingFactory(reporting_agency=polres, place='=HYPERLINK("http://x","y")', description="+1")
    SightingFactory(reporting_agency=polres, place="@SUM(A1)", description="-2+3")
    client.force_login(kanim_officer)
    rows = _csv(client.get(reverse("export", args=["sightings", "csv"])))
    header = rows[0]
    places = sorted(r[header.index(L("sightings", "place"))] for r in rows[1:])
    descriptions = sorted(r[header.index(L("sightings", "description"))] for r in rows[1:])
    assert places == ['\'=HYPERLINK("http://x","y")', "'@SUM(A1)"]
    assert descriptions == ["'+1", "'-2+3"]
    cells = _xlsx(client.get(reverse("export", args=["sightings", "xlsx"])))
    assert all(not str(c).startswith(("=", "+", "-", "@")) for row in cells for c in row if c)


def _export_reads():
    return list(AuditEvent.objects.filter(action=AuditEvent.READ, route="export"))


@pytest.mark.django_db
def test_every_export_is_a_read_in_the_access_log_with_its_ids(client, kanim_officer, people):
    client.force_login(kanim_officer)
    nationality = people["soreang"].nationality
    url = reverse("export", args=["foreigners", "csv"]) + f"?nationality={nationality}&q="
    rows = _csv(client.get(url, REMOTE_ADDR="10.1.2.3"))
    assert len(rows) > 1
    [event] = _export_reads()
    assert event.shown == {"foreigner": sorted(int(r[0]) for r in rows[1:])}
    assert event.detail == {
        "resource": "foreigners",
        "format": "csv",
        "count": len(rows) - 1,
        # The criteria's names, never what was searched.
        "filters": ["nationality", "q"],
    }
    assert event.user == kanim_officer and event.ip == "10.1.2.3"
    assert not AuditEvent.objects.filter(action__startswith="export.").exists()


@pytest.mark.django_db
def test_exported_people_appear_in_who_accessed_the_record(client, kanim_officer, people):
    client.force_login(kanim_officer)
    rows = _xlsx(client.get(reverse("export", args=["sightings", "xlsx"])))
    [event] = _export_reads()
    assert event.shown["sighting"] == sorted(row[0] for row in rows[1:])
    # The sighting names the visitor: the export is one of the visitor's accesses.
    assert event.shown["foreigner"] == [people["visitor"].pk]
    assert event.detail["resource"] == "sightings" and event.detail["format"] == "xlsx"
    assert list(record_accesses(_system_admin(), "foreigner", people["visitor"].pk)) == [event]


@pytest.mark.django_db
def test_large_export_runs_as_a_job_with_progress_and_a_private_download(
    client, kanim_officer, people, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.EXPORT_SYNC_MAX_ROWS = 1
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    client.force_login(kanim_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("export", args=["foreigners", "xlsx"]))
    job = ReportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "report-job", args=[job.pk]
    )
    assert job.state == "done" and job.progress == 100 and job.rows == 3
    status = client.get(reverse("report-job", args=[job.pk]) + "?format=json").json()
    assert status == {"state": "done", "progress": 100, "rows": 3, "done": True}
    page = client.get(reverse("report-job", args=[job.pk]))
    assert b"download-file" in page.content
    rows = _xlsx(client.get(reverse("report-job-download", args=[job.pk, "file"])))
    assert len(rows) == 4
    # The job's read is in the log once (its download is that export, not another read).
    [event] = _export_reads()
    assert event.user == kanim_officer and len(event.shown["foreigner"]) == 3
    assert event.detail["format"] == "xlsx" and event.detail["count"] == 3
    # Another officer (even of the same agency) cannot see or download the job.
    other = OfficerFactory(agency=kanim_officer.officer.agency).user
    client.force_login(other)
    assert client.get(reverse("report-job", args=[job.pk])).status_code == 404
    assert client.get(reverse("report-job-download", args=[job.pk, "file"])).status_code == 404


@pytest.mark.django_db
def test_a_download_cut_short_records_what_was_sent(rf, kanim_officer, people):
    request = rf.get(reverse("export", args=["foreigners", "csv"]))
    request.user = kanim_officer
    response = export_views.export(request, "foreigners", "csv")
    lines = iter(response.streaming_content)
    next(lines)  # the header
    first = next(lines).decode("utf-8")
    assert _export_reads() == []  # nothing recorded while the download runs
    # The client went away: the server closes the response (here without closing the test's
    # database connection, as the test client does).
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    [event] = _export_reads()
    assert event.shown == {"foreigner": [int(first.split(",")[0])]}


def _system_admin():
    """Who may read every row of the access log (the panel's other readers see their agency's)."""
    from tests.factories import UserFactory

    return access_for(UserFactory(is_superuser=True))


@pytest.mark.django_db
def test_a_shared_sighting_exports_without_the_number_of_a_person_the_reader_cannot_see(
    client, camat_soreang, admin_user, regions
):
    """The sighting is shared with the camat; the person it names lives and was seen outside the
    kecamatan: the row is exported, the person's record number is not (as on the page and in
    the API)."""
    import datetime as dt

    from django.utils import timezone

    from foreigners.selectors import visible_foreigners
    from tests.authz.world import grant_rows

    away = ForeignerFactory(residence_region_id="73.11")
    sighting = SightingFactory(foreigner=away, region_id="73.11")
    grant_rows(
        subject_type="sighting",
        pk=sighting.pk,
        granter=admin_user,
        user=camat_soreang,
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    assert not visible_foreigners(camat_soreang).filter(pk=away.pk).exists()
    client.force_login(camat_soreang)
    rows = _csv(client.get(reverse("export", args=["sightings", "csv"])))
    header, body = rows[0], rows[1:]
    column = header.index(L("sightings", "foreigner"))
    [row] = [r for r in body if r[0] == str(sighting.pk)]
    assert row[column] == ""
    [event] = _export_reads()
    assert "foreigner" not in event.shown  # the log names no person the export did not show
