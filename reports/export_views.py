"""Export downloads and background report jobs (progress bar, download link).

Thin: :mod:`reports.exports` decides the columns and rows; small exports stream straight to the
browser, large ones become a :class:`~reports.models.ReportJob` built by Celery.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from . import exports
from .models import ReportJob
from .tasks import report_job_run

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _params(request) -> dict:
    return {
        key: request.GET.getlist(key)[:5] for key in request.GET if key not in ("after", "before")
    }


def _audited(lines, request, log, fmt):
    """The export's lines, recording the read once the last one has been sent, or when the
    download was cut short (the response closes this generator): what was sent is recorded."""
    try:
        yield from lines
    finally:
        exports.export_audit(request, log=log, fmt=fmt, params=_params(request))


@login_required
@require_GET
def export(request, resource: str, fmt: str):
    source = exports.SOURCES.get(resource)
    if source is None or fmt not in exports.FORMATS:
        raise Http404
    try:
        columns, qs, log = exports.export_queryset(source, request.user, request.GET)
    except exports.ExportRefused as exc:
        raise PermissionDenied from exc
    if qs.count() > settings.EXPORT_SYNC_MAX_ROWS:
        job = ReportJob.objects.create(
            user=request.user, kind=ReportJob.Kind.EXPORT, resource=resource, fmt=fmt,
            params=_params(request),
        )  # fmt: skip
        transaction.on_commit(lambda: report_job_run.delay(job.pk))
        return redirect("report-job", pk=job.pk)
    name = exports.filename(resource, fmt)
    if fmt == "csv":
        lines = exports.csv_stream(columns, exports.rows_iter(qs), log)
        response = StreamingHttpResponse(
            _audited(lines, request, log, fmt), content_type=CONTENT_TYPES[fmt]
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    else:
        handle = exports.xlsx_tempfile(columns, exports.rows_iter(qs), log, title=resource)
        exports.export_audit(request, log=log, fmt=fmt, params=_params(request))
        response = FileResponse(
            handle, as_attachment=True, filename=name, content_type=CONTENT_TYPES[fmt]
        )
    response["Cache-Control"] = "private, no-store"
    return response


def _own_job(request, pk: int) -> ReportJob:
    # Only its owner sees a job: anyone else gets the same 404 as for a missing one.
    return get_object_or_404(ReportJob.objects.filter(user=request.user), pk=pk)


@login_required
@require_GET
def report_job(request, pk: int):
    job = _own_job(request, pk)
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "state": job.state,
                "progress": job.progress,
                "rows": job.rows,
                "done": job.state == "done",
            }
        )
    return render(request, "reports/report_job.html", {"job": job})


@login_required
@require_GET
def report_job_download(request, pk: int, which: str):
    job = _own_job(request, pk)
    field = {"file": job.file, "pdf": job.pdf}.get(which)
    if job.state != ReportJob.State.DONE or not field:
        raise Http404
    response = FileResponse(
        field.open("rb"), as_attachment=True, filename=field.name.rsplit("/", 1)[-1]
    )
    response["Cache-Control"] = "private, no-store"
    return response
