"""The meeting pack: what the Kanim presents at a Timpora meeting, for a period and an area, as a
PDF and an XLSX in Indonesian.

Every figure is an aggregate over the ``visible_*`` selectors of the viewer, narrowed to the
chosen area (which must lie inside the viewer's scope): a camat's pack covers their kecamatan,
and a section whose category the viewer cannot read is left out (its title says so). Each
section is one aggregate query.

Libraries (pure-Python wheels, no system libraries): XlsxWriter for the XLSX (as the exports);
fpdf2 for the PDF, drawing the weekly-sightings chart with its own vector primitives — black
outlines, grey fills and a printed value on each bar, legible when printed in black and white —
with no plotting library (matplotlib would add numpy and C extensions for one bar chart).
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db.models import Count, Sum
from django.db.models.functions import Substr, TruncWeek
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from fpdf import FPDF

from agencies.access import Category, access_for
from agencies.models import Region, region_prefix_q
from foreigners.countries import COUNTRIES
from foreigners.models import StayPermit
from foreigners.selectors import visible_foreigners

from ..exports import xlsx_row, xlsx_workbook
from ..models import ReportJob
from ..rules import RULES
from ..selectors import visible_flags, visible_sightings
from .models import EnforcementAction
from .selectors import (
    task_on_time_rates,
    visible_enforcement_actions,
    visible_operations,
)

PACK_LANGUAGE = "id"


@dataclass
class Section:
    key: str
    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    note: str = ""
    chart: list[tuple[str, int]] | None = None  # (label, value) bars


@dataclass
class Pack:
    area: Region
    start: dt.date
    end: dt.date
    generated_at: dt.datetime
    sections: list[Section]

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)


def _restricted(key: str, title: str) -> Section:
    return Section(key, title, [], note=_("Not shown: your agency may not read these data."))


def pack_area_check(user, region: Region | None) -> None:
    access = access_for(user)
    if region is None or not access.is_active or not access.in_scope(region.code):
        raise ValidationError({"region": _("Choose an area inside your own jurisdiction.")})


def pack_build(
    user,
    *,
    region: Region,
    start: dt.date,
    end: dt.date,
    progress: Callable[[int], None] | None = None,
) -> Pack:
    """Compute every section of the pack for ``user`` (see the module docstring)."""
    pack_area_check(user, region)
    if end < start:
        raise ValidationError({"end": _("The end of the period is before its start.")})
    access = access_for(user)
    code = region.code
    sections: list[Section] = []
    step = iter(range(10, 100, 10))

    def done(section: Section) -> None:
        sections.append(section)
        if progress:
            progress(next(step, 95))

    # Foreign nationals living in the area (their current residence), as the viewer sees them.
    people = visible_foreigners(user)
    if access.can_read(Category.RESIDENCE):
        people = people.filter(region_prefix_q("residence_region", code))
    people_note = (
        ""
        if access.can_read(Category.RESIDENCE)
        else _(
            "Your agency may not read residences: every foreign national you can see is counted."
        )
    )
    by_nat = people.values("nationality").annotate(n=Count("id")).order_by("-n", "nationality")
    done(
        Section(
            "nationality",
            _("Foreign nationals by nationality"),
            [_("Nationality"), _("Number")],
            [
                [f"{r['nationality']} — {COUNTRIES.get(r['nationality'], '')}", r["n"]]
                for r in by_nat
            ],
            note=people_note,
        )
    )

    if access.can_read(Category.PERMIT):
        active = StayPermit.objects.filter(
            foreigner__in=people.values("pk"),
            status=StayPermit.Status.ACTIVE,
            valid_from__lte=end,
            valid_until__gte=end,
        )
        kinds = dict(StayPermit.Kind.choices)
        done(
            Section(
                "permit_kind",
                _("Foreign nationals by permit kind (valid at the end of the period)"),
                [_("Permit kind"), _("Number")],
                [
                    [str(kinds.get(r["kind"], r["kind"])), r["n"]]
                    for r in active.values("kind").annotate(n=Count("id")).order_by("kind")
                ],
            )
        )
        permits = StayPermit.objects.filter(foreigner__in=people.values("pk"))
        issued = permits.filter(issued_on__range=(start, end)).count()
        expired = permits.filter(valid_until__range=(start, end)).count()
        soon = permits.filter(
            status=StayPermit.Status.ACTIVE,
            valid_until__gt=end,
            valid_until__lte=end + dt.timedelta(days=30),
        ).count()
        done(
            Section(
                "permits",
                _("Stay permits issued and expiring"),
                [_("Figure"), _("Number")],
                [
                    [_("Issued in the period"), issued],
                    [_("Ended in the period"), expired],
                    [_("Ending within 30 days after the period"), soon],
                ],
            )
        )
    else:
        done(_restricted("permit_kind", _("Foreign nationals by permit kind")))
        done(_restricted("permits", _("Stay permits issued and expiring")))

    if access.can_read(Category.RESIDENCE):
        names = dict(
            Region.objects.filter(level=Region.Level.KECAMATAN).values_list("code", "name")
        )
        # Kemendagri codes are fixed-width: "73.72.03" is the kecamatan of "73.72.03.1001".
        rows = dict(
            people.filter(residence_region__isnull=False)
            .annotate(kec=Substr("residence_region", 1, 8))
            .values_list("kec")
            .annotate(n=Count("id"))
            .values_list("kec", "n")
        )
        done(
            Section(
                "kecamatan",
                _("Foreign nationals by kecamatan"),
                [_("Kecamatan"), _("Number")],
                [[f"{names.get(k, k)} ({k})", n] for k, n in sorted(rows.items())],
            )
        )
    else:
        done(_restricted("kecamatan", _("Foreign nationals by kecamatan")))

    if access.can_read(Category.FLAG):
        flags = visible_flags(user).filter(
            region_prefix_q("foreigner__residence_region", code)
            | region_prefix_q("sighting__region", code)
        )
        opened = dict(
            flags.filter(opened_at__date__range=(start, end))
            .values_list("rule")
            .annotate(n=Count("id"))
            .values_list("rule", "n")
        )
        closed = dict(
            flags.filter(closed_at__date__range=(start, end))
            .values_list("rule")
            .annotate(n=Count("id"))
            .values_list("rule", "n")
        )
        done(
            Section(
                "flags",
                _("Flags opened and closed by rule"),
                [_("Rule"), _("Opened"), _("Closed")],
                [
                    [_rule_title(rule), opened.get(rule, 0), closed.get(rule, 0)]
                    for rule in sorted(set(opened) | set(closed))
                ],
            )
        )
    else:
        done(_restricted("flags", _("Flags opened and closed by rule")))

    if access.can_read(Category.SIGHTING):
        week0 = start - dt.timedelta(days=start.weekday())
        per_week = {
            (w.date() if hasattr(w, "date") else w): n
            for w, n in visible_sightings(user)
            .filter(region_prefix_q("region", code), observed_at__date__range=(start, end))
            .annotate(week=TruncWeek("observed_at"))
            .values_list("week")
            .annotate(n=Count("id"))
            .values_list("week", "n")
        }
        weeks = []
        monday = week0
        while monday <= end:
            weeks.append((monday, per_week.get(monday, 0)))
            monday += dt.timedelta(days=7)
        done(
            Section(
                "sightings",
                _("Sightings per week"),
                [_("Week starting"), _("Sightings")],
                [[w.strftime("%d-%m-%Y"), n] for w, n in weeks],
                chart=[(w.strftime("%d/%m"), n) for w, n in weeks],
            )
        )
    else:
        done(_restricted("sightings", _("Sightings per week")))

    operations = (
        visible_operations(user)
        .filter(region_prefix_q("region", code), operation_date__range=(start, end))
        .order_by("operation_date", "id")
    )
    op_rows = [
        [
            o.operation_date.strftime("%d-%m-%Y"),
            o.title,
            o.order_number,
            o.persons_checked if o.persons_checked is not None else "-",
            o.violations_found if o.violations_found is not None else "-",
            o.actions_taken if o.actions_taken is not None else "-",
        ]
        for o in operations
    ]
    totals = operations.aggregate(
        p=Sum("persons_checked"), v=Sum("violations_found"), a=Sum("actions_taken")
    )
    if op_rows:
        op_rows.append([_("Total"), "", "", totals["p"] or 0, totals["v"] or 0, totals["a"] or 0])
    done(
        Section(
            "operations",
            _("Joint operation results"),
            [
                _("Date"),
                _("Operation"),
                _("Order number"),
                _("Persons checked"),
                _("Violations found"),
                _("Actions taken"),
            ],
            op_rows,
        )
    )

    if access.can_read(Category.ENFORCEMENT):
        actions = visible_enforcement_actions(user).filter(decided_on__range=(start, end))
        if access.can_read(Category.RESIDENCE):
            actions = actions.filter(region_prefix_q("foreigner__residence_region", code))
        kinds = dict(EnforcementAction.Kind.choices)
        counts = dict(actions.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
        rows = [[str(kinds[k]), counts[k]] for k in EnforcementAction.Kind.values if k in counts]
        rows.append([_("Deportations"), counts.get(EnforcementAction.Kind.DEPORTATION, 0)])
        done(
            Section(
                "enforcement",
                _("Enforcement actions (TAK) and deportations"),
                [_("Action"), _("Number")],
                rows,
            )
        )
    else:
        done(_restricted("enforcement", _("Enforcement actions (TAK) and deportations")))

    rates = task_on_time_rates(user, since=start, until=end, region=code)
    done(
        Section(
            "tasks",
            _("Task on-time rate per agency"),
            [_("Agency"), _("Due"), _("On time"), _("Late"), _("Still open"), _("On-time rate")],
            [
                [
                    r["agency"],
                    r["due"],
                    r["on_time"],
                    r["late"],
                    r["overdue"],
                    f"{r['rate']}%" if r["rate"] is not None else "-",
                ]
                for r in rates
            ],
        )  # fmt: skip
    )
    return Pack(region, start, end, timezone.now(), sections)


def _rule_title(code: str) -> str:
    rule = RULES.get(code)
    return f"{rule.title} ({code})" if rule is not None and rule.title else code


# --- rendering ---------------------------------------------------------------------------------


def _heading(pack: Pack) -> tuple[str, str]:
    title = _("Timpora meeting pack")
    subtitle = _("%(area)s, %(start)s to %(end)s") % {
        "area": f"{pack.area.name} ({pack.area.code})",
        "start": pack.start.strftime("%d-%m-%Y"),
        "end": pack.end.strftime("%d-%m-%Y"),
    }
    return title, subtitle


def pack_xlsx(pack: Pack, out) -> None:
    """A summary sheet, then one sheet per section; figures are numbers (so they add up)."""
    workbook = xlsx_workbook(out)
    bold = workbook.add_format({"bold": True})
    big = workbook.add_format({"bold": True, "font_size": 14})
    summary = workbook.add_worksheet(_("Summary")[:31])
    title, subtitle = _heading(pack)
    summary.write_string(0, 0, title, big)
    summary.write_string(1, 0, subtitle)
    summary.write_string(2, 0, _("Generated at"))
    summary.write_string(2, 1, timezone.localtime(pack.generated_at).strftime("%d-%m-%Y %H:%M"))
    for index, section in enumerate(pack.sections, start=4):
        summary.write_string(index, 0, section.title)
        if section.note:
            summary.write_string(index, 1, section.note)
        sheet = workbook.add_worksheet(section.key[:31])
        sheet.write_string(0, 0, section.title, bold)
        row = 1
        if section.note:
            sheet.write_string(row, 0, section.note)
            row += 1
        if section.headers:
            for col, header in enumerate(section.headers):
                sheet.write_string(row, col, str(header), bold)
            row += 1
        for values in section.rows:
            xlsx_row(workbook, sheet, row, list(values))
            row += 1
    workbook.close()


def _latin(text) -> str:
    # The PDF core fonts cover Latin-1; replace anything else rather than fail.
    return str(text).encode("latin-1", "replace").decode("latin-1")


class _PackPDF(FPDF):
    footer_text = ""

    def footer(self):
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.cell(0, 8, _latin(f"{self.footer_text} — {self.page_no()}"), align="C")


def _table(pdf: FPDF, section: Section) -> None:
    if not section.headers:
        return
    width = pdf.epw / len(section.headers)
    widths = [width] * len(section.headers)
    if len(section.headers) > 2:
        widths = [pdf.epw * 0.3] + [pdf.epw * 0.7 / (len(section.headers) - 1)] * (
            len(section.headers) - 1
        )
    pdf.set_font("Helvetica", "B", 9)
    for w, h in zip(widths, section.headers, strict=True):
        pdf.cell(w, 7, _latin(h), border=1)
    pdf.ln()
    pdf.set_font("Helvetica", size=9)
    if not section.rows:
        pdf.cell(pdf.epw, 7, _latin(_("No data in this period.")), border=1)
        pdf.ln()
    for row in section.rows:
        for w, value in zip(widths, row, strict=True):
            text = _latin(value)
            while text and pdf.get_string_width(text) > w - 2:
                text = text[:-1]
            align = "R" if isinstance(value, int | float) else "L"
            pdf.cell(w, 6, text, border=1, align=align)
        pdf.ln()


def _chart(pdf: FPDF, bars: list[tuple[str, int]]) -> None:
    """A bar chart in black and grey: outlined bars, the value printed above each bar, a
    baseline and labels under it."""
    if not bars:
        return
    height, top = 50.0, pdf.get_y() + 6
    left, width = pdf.l_margin + 8, pdf.epw - 8
    peak = max(n for _label, n in bars) or 1
    step = width / len(bars)
    bar_w = max(min(step * 0.7, 14), 1.5)
    pdf.set_draw_color(0)
    pdf.set_line_width(0.3)
    pdf.line(left, top + height, left + width, top + height)
    pdf.set_font("Helvetica", size=7)
    for i, (label, n) in enumerate(bars):
        x = left + i * step + (step - bar_w) / 2
        h = height * n / peak
        pdf.set_fill_color(170)
        if h > 0:
            pdf.rect(x, top + height - h, bar_w, h, style="DF")
        pdf.set_xy(x - 2, top + height - h - 4)
        pdf.cell(bar_w + 4, 4, str(n), align="C")
        if len(bars) <= 16 or i % 2 == 0:
            pdf.set_xy(x - 3, top + height + 1)
            pdf.cell(bar_w + 6, 4, _latin(label), align="C")
    pdf.set_y(top + height + 8)


def pack_pdf(pack: Pack, out) -> None:
    """A cover page with the area and period, then one block per section; the sightings chart
    is drawn as vector graphics."""
    title, subtitle = _heading(pack)
    pdf = _PackPDF(format="A4")
    pdf.footer_text = _latin(f"{title} — {subtitle}")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_title(_latin(title))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.multi_cell(0, 10, new_x="LMARGIN", new_y="NEXT", text=_latin(title))
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 8, new_x="LMARGIN", new_y="NEXT", text=_latin(subtitle))
    pdf.multi_cell(
        0,
        8,
        new_x="LMARGIN",
        new_y="NEXT",
        text=_latin(
            _("Generated at %(time)s from the figures your agency may see.")
            % {"time": timezone.localtime(pack.generated_at).strftime("%d-%m-%Y %H:%M")}
        ),
    )
    for section in pack.sections:
        if pdf.get_y() > pdf.h - 80:
            pdf.add_page()
        pdf.ln(4)
        pdf.set_font("Helvetica", "B", 12)
        pdf.multi_cell(0, 7, new_x="LMARGIN", new_y="NEXT", text=_latin(section.title))
        if section.note:
            pdf.set_font("Helvetica", "I", 9)
            pdf.multi_cell(0, 5, new_x="LMARGIN", new_y="NEXT", text=_latin(section.note))
        if section.chart is not None:
            if pdf.get_y() > pdf.h - 90:
                pdf.add_page()
            _chart(pdf, section.chart)
        _table(pdf, section)
    pdf.output(out)


def pack_job_run(*, job_id: int) -> None:
    """Build the pack of a :class:`ReportJob` (Celery), progress for the progress bar, in
    Indonesian whatever the language of the page that asked for it."""
    job = ReportJob.objects.select_related("user").get(pk=job_id)
    if job.state == ReportJob.State.DONE:
        return
    ReportJob.objects.filter(pk=job.pk).update(state=ReportJob.State.RUNNING, progress=1)

    def progress(value: int) -> None:
        ReportJob.objects.filter(pk=job.pk).update(progress=value)

    params = job.params
    try:
        with translation.override(PACK_LANGUAGE):
            pack = pack_build(
                job.user,
                region=Region.objects.filter(pk=params.get("region")).first(),
                start=dt.date.fromisoformat(params["start"]),
                end=dt.date.fromisoformat(params["end"]),
                progress=progress,
            )
            stem = f"paket-rapat-{pack.area.code}-{pack.start:%Y%m%d}-{pack.end:%Y%m%d}"
            with tempfile.TemporaryFile() as handle:
                pack_xlsx(pack, handle)
                handle.seek(0)
                job.file.save(f"{stem}.xlsx", File(handle), save=False)
            buffer = io.BytesIO()
            pack_pdf(pack, buffer)
            buffer.seek(0)
            job.pdf.save(f"{stem}.pdf", File(buffer), save=False)
    except ValidationError as exc:
        ReportJob.objects.filter(pk=job.pk).update(
            state=ReportJob.State.FAILED, error="; ".join(exc.messages), finished_at=timezone.now()
        )
        return
    job.state, job.progress, job.finished_at = ReportJob.State.DONE, 100, timezone.now()
    job.save(update_fields=["file", "pdf", "state", "progress", "finished_at"])
