"""Exports of the working lists (foreigners, permits, sightings, flags, tasks, operations) to CSV
and XLSX: the list's current filtered view, only the columns the viewer's policy allows, every
export audited with the ids it contained.

How it fits together:
- :data:`SOURCES` names, per resource, its columns (each with the data category it reveals) and
  the function that returns the filtered, policy-scoped queryset from the request's list filters.
  **That function is the one place to switch to the read path's FilterSets** (issue 8:
  ``<Resource>FilterSet(params, visible_*(user)).qs``) when they land.
- :func:`export_audit` records the export in the access log through ``audit_read`` like every
  other read: the ids of the rows it contained and of the people they name (so "who accessed
  this record" lists exports too), route ``export``, and in ``detail`` the resource, format, row
  count and the names of the filters.
- Rows are read with ``values_list(...).iterator()`` and written row by row (CSV as a streamed
  response; XLSX through XlsxWriter's constant-memory mode into a temporary file), so memory stays
  flat whatever the row count. Exports above ``EXPORT_SYNC_MAX_ROWS`` rows run as a Celery task
  (:func:`export_job_run`) with a progress bar and a download link.
- Cells that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab
  or carriage return) are neutralised with a leading apostrophe (OWASP "CSV injection").

Library: XlsxWriter (pure Python, one wheel, no dependencies; its constant-memory mode writes
each row to disk as it comes). openpyxl's write-only mode streams too, but without lxml (a C
extension) it wrote 10,000 rows six times slower on this machine (bench/bench_coordination.py);
openpyxl stays a test dependency, to read the files back.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import xlsxwriter
from django.core.files import File
from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from agencies.access import Access, Category, access_for
from agencies.audit import audit_read
from foreigners.filters import foreigners_filtered
from foreigners.models import StayPermit, TravelDocument
from foreigners.selectors import visible_foreigners

from .coordination.selectors import visible_operations, visible_tasks
from .filters import flags_filtered, sightings_filtered
from .models import AgencyTask, Flag, ReportJob

C = Category
FORMATS = ("csv", "xlsx")
CHUNK = 2000


@dataclass(frozen=True)
class Column:
    """One exported column: its header, the data category it reveals (``None``: no personal
    data) and the ``values_list`` path or annotation that reads it."""

    name: str
    label: Promise
    category: str | None
    path: str
    # An annotation the path needs, given the viewer's access and the viewer (added only when
    # the column is).
    annotate: Callable[[Access, object], object] | None = None


@dataclass(frozen=True)
class Source:
    resource: str
    columns: tuple[Column, ...]
    # (user, list filter parameters) -> the filtered, policy-scoped queryset. Switch point for
    # the read path's FilterSets.
    rows: Callable[[object, QueryDict], QuerySet]
    # A category without which the resource cannot be exported at all.
    requires: str | None = None


class ExportRefused(Exception):
    """The viewer may not export this resource (answered 403)."""


# --- column helpers ---------------------------------------------------------------------------


def _in_scope(field: str) -> Callable[[Access, object], object]:
    """The region code when it lies in the viewer's scope, else empty: a related row keeps its
    own scope (a camat exports the residence of a person seen in their kecamatan only when the
    residence is in the kecamatan too)."""

    def build(access: Access, user):
        if access.scope_codes is None:  # unrestricted (system admin)
            return F(field)
        return Case(
            When(access.region_q(field), then=F(field)),
            default=Value(""),
            output_field=CharField(),
        )

    return build


def _current_document(access: Access, user):
    return Subquery(
        TravelDocument.objects.filter(foreigner=OuterRef("pk"))
        .order_by("-expires_on", "-id")
        .values("number")[:1]
    )


def _person_if_visible(access: Access, user):
    """The record number of the person a sighting or flag names, only when the viewer sees that
    person (a record can be visible while its person is not: the pages say "restricted", the API
    leaves the number out)."""
    return Case(
        When(
            Exists(visible_foreigners(user).filter(pk=OuterRef("foreigner_id"))),
            then=F("foreigner_id"),
        ),
        default=Value(None),
        output_field=IntegerField(),
    )


# The person a sighting or flag names, as far as the viewer sees them.
PERSON_COLUMN = Column(
    "foreigner", _("Record number of the person"), C.IDENTITY, "person_shown", _person_if_visible
)


def _current_permit(field: str):
    def build(access: Access, user):
        return Subquery(
            StayPermit.objects.filter(foreigner=OuterRef("pk"), status=StayPermit.Status.ACTIVE)
            .order_by("-valid_until", "-id")
            .values(field)[:1]
        )

    return build


# --- the row functions (current list filters; switch to FilterSets here) ----------------------


def _foreigner_rows(user, params: QueryDict) -> QuerySet:
    # The list's one filter set (foreigners.filters): a criterion of a category the viewer may
    # not read is refused there, so the export of a refused view is empty, as the page is.
    qs, errors = foreigners_filtered(user, params)
    return qs.none() if errors else qs


def _permit_rows(user, params: QueryDict) -> QuerySet:
    people = _foreigner_rows(user, params)
    return StayPermit.objects.filter(foreigner__in=people.values("pk"))


def _sighting_rows(user, params: QueryDict) -> QuerySet:
    qs, errors = sightings_filtered(user, params)
    return qs.none() if errors else qs


def _flag_rows(user, params: QueryDict) -> QuerySet:
    qs, errors = flags_filtered(user, params)
    if errors:
        return qs.none()
    return qs if params.get("state") else qs.filter(state__in=Flag.OPEN_STATES)


def _task_rows(user, params: QueryDict) -> QuerySet:
    qs = visible_tasks(user)
    state = params.get("state", "")
    if not state:
        qs = qs.filter(state__in=AgencyTask.OPEN_STATES)
    elif state in AgencyTask.State.values:
        qs = qs.filter(state=state)
    if params.get("mine") in ("on", "true", "1"):
        qs = qs.filter(assignee_id=access_for(user).agency_id)
    return qs


def _operation_rows(user, params: QueryDict) -> QuerySet:
    return visible_operations(user)


SOURCES: dict[str, Source] = {
    "foreigners": Source(
        "foreigners",
        (
            Column("id", _("Record number"), None, "pk"),
            Column("family_name", _("Family name"), C.IDENTITY, "family_name"),
            Column("given_names", _("Given names"), C.IDENTITY, "given_names"),
            Column("sex", _("Sex"), C.IDENTITY, "sex"),
            Column("birth_date", _("Date of birth"), C.IDENTITY, "birth_date"),
            Column("nationality", _("Nationality"), C.IDENTITY, "nationality"),
            Column(
                "document_number",
                _("Passport number"),
                C.DOCUMENT,
                "x_document",
                _current_document,
            ),
            Column(
                "permit_kind",
                _("Permit kind"),
                C.PERMIT_STATUS,
                "x_permit_kind",
                _current_permit("kind"),
            ),
            Column(
                "permit_valid_until",
                _("Permit valid until"),
                C.PERMIT_STATUS,
                "x_permit_until",
                _current_permit("valid_until"),
            ),
            Column(
                "residence_region",
                _("Residence (region code)"),
                C.RESIDENCE,
                "x_residence",
                _in_scope("residence_region"),
            ),
            Column("occupation", _("Occupation"), C.EMPLOYMENT, "occupation"),
        ),
        _foreigner_rows,
        requires=C.IDENTITY,
    ),  # fmt: skip
    "permits": Source(
        "permits",
        (
            Column("id", _("Permit record"), None, "pk"),
            Column("foreigner", _("Record number"), None, "foreigner_id"),
            Column("nationality", _("Nationality"), C.IDENTITY, "foreigner__nationality"),
            Column("kind", _("Permit kind"), C.PERMIT_STATUS, "kind"),
            Column("visa_index", _("Visa index"), C.PERMIT, "visa_index"),
            Column("number", _("Permit number"), C.PERMIT, "number"),
            Column("issued_on", _("Issued on"), C.PERMIT, "issued_on"),
            Column("valid_from", _("Valid from"), C.PERMIT_STATUS, "valid_from"),
            Column("valid_until", _("Valid until"), C.PERMIT_STATUS, "valid_until"),
            Column("status", _("Status"), C.PERMIT_STATUS, "status"),
        ),
        # Type and validity are permit.status (a camat's too); number, index and issue date detail.
        _permit_rows,
        requires=C.PERMIT_STATUS,
    ),
    "sightings": Source(
        "sightings",
        (
            Column("id", _("Number"), None, "pk"),
            Column("reference", _("Reference number"), C.SIGHTING, "reference"),
            Column("observed_at", _("Observed at"), C.SIGHTING, "observed_at"),
            Column("region", _("Region code"), C.SIGHTING, "region_id"),
            Column("place", _("Place"), C.SIGHTING, "place"),
            Column("activity", _("Activity"), C.SIGHTING, "activity"),
            Column("description", _("Description"), C.SIGHTING, "description"),
            Column("review_status", _("Review status"), C.SIGHTING, "review_status"),
            Column("nationality", _("Apparent nationality"), C.SIGHTING, "apparent_nationality"),
            Column("persons", _("Number of persons"), C.SIGHTING, "person_count"),
            Column("agency", _("Reporting agency"), C.SIGHTING, "reporting_agency__short_name"),
            PERSON_COLUMN,
        ),
        _sighting_rows,
        requires=C.SIGHTING,
    ),
    "flags": Source(
        "flags",
        (
            Column("id", _("Number"), None, "pk"),
            Column("rule", _("Rule"), C.FLAG, "rule"),
            Column("severity", _("Severity"), C.FLAG, "severity"),
            Column("state", _("State"), C.FLAG, "state"),
            Column("opened_at", _("Opened"), C.FLAG, "opened_at"),
            Column("closed_at", _("Closed"), C.FLAG, "closed_at"),
            PERSON_COLUMN,
            Column("sighting", _("Sighting number"), C.SIGHTING, "sighting_id"),
        ),
        _flag_rows,
        requires=C.FLAG,
    ),
    "tasks": Source(
        "tasks",
        (
            Column("id", _("Number"), None, "pk"),
            Column("title", _("Task"), None, "title"),
            Column("assignee", _("Assigned to"), None, "assignee__short_name"),
            Column("assigned_by", _("Assigned by"), None, "assigned_by__short_name"),
            Column("region", _("Region code"), None, "region_id"),
            Column("due_on", _("Due date"), None, "due_on"),
            Column("state", _("State"), None, "state"),
            Column("acknowledged_at", _("Acknowledged at"), None, "acknowledged_at"),
            Column("closed_at", _("Closed at"), None, "closed_at"),
            Column("result", _("Result"), None, "result"),
        ),
        _task_rows,
    ),
    "operations": Source(
        "operations",
        (
            Column("id", _("Number"), None, "pk"),
            Column("title", _("Name"), None, "title"),
            Column("date", _("Date"), None, "operation_date"),
            Column("region", _("Region code"), None, "region_id"),
            Column("order_number", _("Supervision order number"), None, "order_number"),
            Column("state", _("State"), None, "state"),
            Column("persons_checked", _("Persons checked"), None, "persons_checked"),
            Column("violations_found", _("Violations found"), None, "violations_found"),
            Column("actions_taken", _("Actions taken"), None, "actions_taken"),
        ),
        _operation_rows,
    ),
}


# --- the export itself ------------------------------------------------------------------------


class ExportLog:
    """What an export contained, row by row, for the access log: the exported records and the
    people named by the record-number column (when the viewer's columns have it)."""

    def __init__(self, source: Source, columns: list[Column], record_type: str):
        self.resource = source.resource
        self.record_type = record_type
        names = [c.name for c in columns]
        self._person = names.index("foreigner") if "foreigner" in names else None
        self.ids: list[int] = []
        self.people: set[int] = set()

    def add(self, row) -> None:
        self.ids.append(row[0])
        if self._person is not None and row[self._person] is not None:
            self.people.add(row[self._person])

    def shown(self) -> dict[str, list[int]]:
        shown = {self.record_type: self.ids}
        if self.people:
            shown["foreigner"] = sorted(self.people)
        return shown


def allowed_columns(source: Source, access: Access) -> list[Column]:
    return [c for c in source.columns if c.category is None or access.can_read(c.category)]


def export_queryset(
    source: Source, user, params: QueryDict
) -> tuple[list[Column], QuerySet, ExportLog]:
    """The columns the viewer may see, the filtered rows as a ``values_list`` queryset whose
    first value is the primary key, and the log the rows are counted into as they are written."""
    access = access_for(user)
    if not access.is_active or (source.requires and not access.can_read(source.requires)):
        raise ExportRefused(source.resource)
    columns = allowed_columns(source, access)
    qs = source.rows(user, params)
    annotations = {c.path: c.annotate(access, user) for c in columns if c.annotate}
    if annotations:
        qs = qs.annotate(**annotations)
    log = ExportLog(source, columns, qs.model._meta.model_name)
    return columns, qs.order_by("pk").values_list(*[c.path for c in columns]), log


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A cell value safe to open in a spreadsheet: text that would start a formula gets a
    leading apostrophe; aware datetimes become WITA wall-clock time (XLSX has no time zones)."""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_START) else value
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def _cells(values: Iterable) -> list:
    return [neutralise(v) for v in values]


class _Echo:
    def write(self, value):
        return value


def csv_stream(columns: list[Column], rows: Iterator, log: ExportLog) -> Iterator[str]:
    """CSV lines (UTF-8 with a byte-order mark, so spreadsheet programs read the accents)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([str(c.label) for c in columns])
    for row in rows:
        log.add(row)
        yield writer.writerow(["" if v is None else v for v in _cells(row)])


def xlsx_write(
    columns: list[Column], rows: Iterator, log: ExportLog, out, *, progress=None, title=""
) -> None:
    """Write the rows to ``out`` (a path or binary file) as one sheet, row by row."""
    workbook = xlsx_workbook(out)
    sheet = workbook.add_worksheet((title or "Data")[:31])
    bold = workbook.add_format({"bold": True})
    for col, column in enumerate(columns):
        sheet.write_string(0, col, str(column.label), bold)
    for count, row in enumerate(rows, start=1):
        log.add(row)
        xlsx_row(workbook, sheet, count, _cells(row))
        if progress and count % CHUNK == 0:
            progress(count)
    workbook.close()


def xlsx_workbook(out) -> xlsxwriter.Workbook:
    """A workbook that writes rows straight to disk and never turns a text into a formula, a
    link or a number (the cells are data, whatever they start with)."""
    return xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )


def xlsx_row(workbook: xlsxwriter.Workbook, sheet, row: int, values: list) -> None:
    formats = _formats(workbook)
    for col, value in enumerate(values):
        if value is None or value == "":
            continue
        if isinstance(value, str):
            sheet.write_string(row, col, value)
        elif isinstance(value, bool):
            sheet.write_boolean(row, col, value)
        elif isinstance(value, dt.datetime):
            sheet.write_datetime(row, col, value, formats["datetime"])
        elif isinstance(value, dt.date):
            sheet.write_datetime(row, col, value, formats["date"])
        elif isinstance(value, int | float):
            sheet.write_number(row, col, value)
        else:
            sheet.write_string(row, col, str(value))


def _formats(workbook: xlsxwriter.Workbook) -> dict:
    formats = getattr(workbook, "_timpora_formats", None)
    if formats is None:
        formats = {
            "date": workbook.add_format({"num_format": "dd-mm-yyyy"}),
            "datetime": workbook.add_format({"num_format": "dd-mm-yyyy hh:mm"}),
        }
        workbook._timpora_formats = formats
    return formats


def xlsx_tempfile(columns, rows, log, **kwargs):
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    xlsx_write(columns, rows, log, handle, **kwargs)
    handle.seek(0)
    return handle


def export_audit(request, *, log: ExportLog, fmt: str, params: dict, user=None) -> None:
    """Record the export in the access log (UU 27/2022 Pasal 31) as the read it is: the ids it
    contained, and how (resource, format, count, the criteria's names) in ``detail``. ``request`` is None
    for a background export (then ``user``)."""
    audit_read(
        request,
        user=user,
        route="export",
        shown=log.shown(),
        detail={
            "resource": log.resource,
            "format": fmt,
            "count": len(log.ids),
            # The names of the criteria, not their values (a name searched is personal data).
            "filters": sorted(params),
        },
    )


def filename(resource: str, fmt: str) -> str:
    return f"timpora-{resource}-{timezone.localdate():%Y%m%d}.{fmt}"


def rows_iter(qs: QuerySet) -> Iterator:
    return qs.iterator(chunk_size=CHUNK)


# --- background exports ------------------------------------------------------------------------


def export_job_run(*, job_id: int) -> None:
    """Build a large export for its user (Celery): the same columns, rows and audit as a direct
    download, progress written every few thousand rows for the progress bar."""
    job = ReportJob.objects.select_related("user").get(pk=job_id)
    if job.state == ReportJob.State.DONE:
        return  # a redelivered task: the file is there already
    ReportJob.objects.filter(pk=job.pk).update(state=ReportJob.State.RUNNING, progress=0)
    params = QueryDict(mutable=True)
    for key, values in job.params.items():
        params.setlist(key, values)
    try:
        columns, qs, log = export_queryset(SOURCES[job.resource], job.user, params)
        total = max(qs.count(), 1)

        def progress(done: int) -> None:
            ReportJob.objects.filter(pk=job.pk).update(
                progress=min(99, 100 * done // total), rows=done
            )

        with tempfile.TemporaryFile() as handle:
            if job.fmt == "csv":
                for line in csv_stream(columns, rows_iter(qs), log):
                    handle.write(line.encode("utf-8"))
                    if len(log.ids) % CHUNK == 0 and log.ids:
                        progress(len(log.ids))
            else:
                xlsx_write(
                    columns, rows_iter(qs), log, handle, progress=progress, title=job.resource
                )
            handle.seek(0)
            job.file.save(filename(job.resource, job.fmt), File(handle), save=False)
        export_audit(None, user=job.user, log=log, fmt=job.fmt, params=job.params)
        job.state, job.progress, job.rows = ReportJob.State.DONE, 100, len(log.ids)
        job.finished_at = timezone.now()
        job.save(update_fields=["file", "state", "progress", "rows", "finished_at"])
    except ExportRefused:
        ReportJob.objects.filter(pk=job.pk).update(
            state=ReportJob.State.FAILED, error="refused", finished_at=timezone.now()
        )
