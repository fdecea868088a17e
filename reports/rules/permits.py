"""Rules on stay permits and travel documents, run by the daily scan over each person's
coverage intervals and stay (:mod:`.coverage`)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from ..models import Flag, RuleSettings
from .base import (
    Rule,
    RuleContext,
    iso,
    jsonb_kinds,
    jsonb_routes_with_agency,
    rupiah,
    rupiah_en,
)
from .citations import Citation
from .coverage import (
    COVERING,
    SUPERVISED_KINDS,
    coverage_islands,
    latest_coverage_ends,
    present_on,
    present_since,
)

K_SEVERITY = Flag.Severity
UU6 = "UU 6/2011"
# The PNBP tariff regulation in force for the overstay fee (replaced PP 28/2019 on 18 Dec 2024);
# the amount itself is a rule setting.
TARIFF_REGULATION = "PP 45/2024"


def _date(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None


def _extended_sql(p: str) -> str:
    """Coverage of permit ``p``'s holder now runs past ``p``'s end without a gap."""
    return f"""EXISTS (
        SELECT 1 FROM foreigners_staypermit q
        WHERE q.foreigner_id = {p}.foreigner_id AND q.id <> {p}.id
          AND q.status <> 'cancelled' AND q.kind IN ('ITK', 'ITAS', 'ITAP')
          AND q.valid_from <= {p}.valid_until + 1 AND q.valid_until > {p}.valid_until)"""


class PermitExpiring(Rule):
    """The coverage interval that covers today ends within the notice window (default 30 / 14 /
    7 days: the severity rises as the end nears), and the person is in Indonesia.

    Judged on the merged coverage, not on one permit row: an extension that follows without a
    gap moves the end; a later permit that leaves a gap does not silence the notice. Subject:
    the permit whose end is the end of the coverage (one per person). Diplomatic and service
    permits are outside this supervision.

    Legal basis: UU 6/2011 Pasal 78 ayat (1) — each day past the permit costs a fee, so the
    holder is reminded to extend before the end. Routed to Imigrasi.
    Closes when the coverage is extended, an exit is recorded, or the permit ends (then
    ``permit.overstay`` takes over).
    """

    code = "permit.expiring"
    version = 2
    subject_type = Flag.SubjectType.PERMIT
    title = _("Stay permit about to expire")
    citations = (Citation(UU6, "78", "1"),)
    routes = ("imigrasi",)

    def candidates(self, ctx: RuleContext) -> tuple[str, dict]:
        s = ctx.settings
        days = "(i.covered_until - %(today)s::date)"
        # Only people with a permit ending in the window can have coverage ending in it.
        islands = coverage_islands(
            """p.foreigner_id IN (
                SELECT e.foreigner_id FROM foreigners_staypermit e
                WHERE e.valid_until BETWEEN %(today)s::date
                                        AND %(today)s::date + %(notice)s::int)"""
        )
        sql = f"""
            SELECT i.permit_id AS subject_id, i.foreigner_id, i.permit_id,
                   NULL::bigint AS document_id, NULL::bigint AS sighting_id,
                   CASE WHEN {days} <= %(urgent)s THEN {K_SEVERITY.HIGH}
                        WHEN {days} <= %(warning)s THEN {K_SEVERITY.MEDIUM}
                        ELSE {K_SEVERITY.LOW} END AS severity,
                   {jsonb_kinds(self.routes)} AS routed_to,
                   'Izin tinggal ' || p.kind || ' nomor ' || p.number || ' berakhir pada '
                     || {iso("i.covered_until")} || ' tanpa izin lanjutan yang tercatat. '
                     || 'Perpanjangan perlu diajukan sebelum izin berakhir; setiap hari '
                     || 'melebihi masa izin dikenai biaya beban (' || %(cite)s || ').' AS reason,
                   'Stay permit ' || p.kind || ' number ' || p.number || ' ends on '
                     || {iso("i.covered_until")} || ' with no following permit on record. '
                     || 'An extension must be filed before it ends; each day beyond the permit '
                     || 'incurs a fee (' || %(cite_en)s || ').' AS reason_en,
                   jsonb_build_object('valid_until', i.covered_until,
                                      'covered_from', i.covered_from,
                                      'permit_kind', p.kind, 'as_of', %(today)s::date)
                     AS evidence
            FROM {islands} i
            JOIN foreigners_staypermit p ON p.id = i.permit_id
            WHERE i.covered_from <= %(today)s::date
              AND i.covered_until BETWEEN %(today)s::date AND %(today)s::date + %(notice)s::int
              AND {present_on("i.foreigner_id", "%(today)s::date")}
        """
        return sql, {
            **self.cite_params(),
            "today": ctx.today,
            "notice": s.expiring_notice_days,
            "warning": s.expiring_warning_days,
            "urgent": s.expiring_urgent_days,
        }

    def live_figures(self, evidence: dict, *, today: dt.date, settings: RuleSettings) -> dict:
        end = _date(evidence.get("valid_until"))
        return {} if end is None else {"days_left": (end - today).days}

    def close_reason(self, ctx: RuleContext) -> tuple[str, list]:
        sql = f"""COALESCE((
            SELECT CASE
                WHEN {_extended_sql("p")}
                    THEN 'Izin diperpanjang atau diganti / Permit extended or replaced'
                WHEN NOT {present_on("p.foreigner_id", "%s::date")}
                    THEN 'Keluar dari Indonesia tercatat / Exit from Indonesia recorded'
                WHEN p.status = 'cancelled' THEN 'Izin dibatalkan / Permit cancelled'
                WHEN p.valid_until < %s::date THEN 'Izin telah berakhir / The permit has ended'
                ELSE 'Kondisi tidak lagi terpenuhi / The condition no longer holds' END
            FROM foreigners_staypermit p WHERE p.id = f.permit_id),
            'Izin dihapus / Permit removed')"""
        # present_on() names its day twice.
        return sql, [ctx.today, ctx.today, ctx.today]


class PermitOverstay(Rule):
    """A person in Indonesia whom no permit covers today, after a coverage interval of the
    current stay ended: one flag per person and stay, whatever the number of permit rows.

    Overstay counts from the day after the coverage ends. Days abroad are not overstay (an exit
    since the end clears it; an entry since the end with no permit is a data-quality flag
    instead). A permit dated in the future does not cover today. Diplomatic and service permits
    are outside this supervision. When a cancelled permit ran past the end of the coverage, the
    person is judged by ``permit.cancelled_present`` instead (deportation, not a fee).

    Legal basis: UU 6/2011 Pasal 78 ayat (1) — up to 60 days, a fee per day (tariff PP 45/2024,
    a rule setting); ayat (3) — more than 60 days, deportation and an entry ban; Pasal 63 — the
    sponsor answers for the person it sponsors. Severity HIGH; CRITICAL past the deportation
    threshold. Routed to Imigrasi, Polres and the agency that registered the sponsor. Days
    overstayed and the fee are computed when shown (:meth:`live_figures`).
    Closes when a permit covering today is recorded, or an exit.
    """

    code = "permit.overstay"
    version = 2
    subject_type = Flag.SubjectType.FOREIGNER
    title = _("Overstay")
    citations = (Citation(UU6, "78", "1"), Citation(UU6, "78", "3"), Citation(UU6, "63"))
    routes = ("imigrasi", "polres")

    def candidates(self, ctx: RuleContext) -> tuple[str, dict]:
        deport = "(%(today)s::date - c.covered_until) > %(deport)s"
        sql = f"""
            SELECT c.foreigner_id AS subject_id, c.foreigner_id, c.permit_id,
                   NULL::bigint AS document_id, NULL::bigint AS sighting_id,
                   CASE WHEN {deport} THEN {K_SEVERITY.CRITICAL} ELSE {K_SEVERITY.HIGH} END
                     AS severity,
                   {jsonb_routes_with_agency(self.routes, "sp.registered_by_id")} AS routed_to,
                   'Izin tinggal ' || p.kind || ' nomor ' || p.number || ' berakhir pada '
                     || {iso("c.covered_until")} || '; sejak itu tidak ada izin tinggal yang '
                     || 'berlaku dan tidak tercatat keluar dari Indonesia. '
                     || CASE WHEN {deport}
                        THEN 'Lebih dari ' || %(deport)s || ' hari: direkomendasikan deportasi '
                             || 'dan penangkalan (' || %(cite_deport)s || ').'
                        ELSE 'Biaya beban ' || {rupiah("%(fine)s::bigint")} || ' per hari ('
                             || %(cite_fee)s || '; tarif ' || %(tariff)s || ').' END
                     || COALESCE(' Penjamin: ' || sp.name || ' (' || %(cite_sponsor)s || ').', '')
                     AS reason,
                   'Stay permit ' || p.kind || ' number ' || p.number || ' ended on '
                     || {iso("c.covered_until")} || '; since then no stay permit is valid and no '
                     || 'exit from Indonesia is recorded. '
                     || CASE WHEN {deport}
                        THEN 'More than ' || %(deport)s || ' days: deportation and an entry '
                             || 'ban are recommended (' || %(cite_deport_en)s || ').'
                        ELSE 'A fee of ' || {rupiah_en("%(fine)s::bigint")} || ' per day ('
                             || %(cite_fee_en)s || '; tariff ' || %(tariff)s || ').' END
                     || COALESCE(' Sponsor: ' || sp.name || ' (' || %(cite_sponsor_en)s || ').',
                                 '')
                     AS reason_en,
                   jsonb_build_object(
                       'valid_until', c.covered_until, 'permit_kind', p.kind,
                       'fine_per_day', %(fine)s::bigint, 'as_of', %(today)s::date,
                       'sponsor', sp.name, 'sponsor_id', sp.id
                   ) AS evidence
            -- The end of the coverage begun by today: if it is before today, nothing covers
            -- today and the overstay starts the day after it.
            FROM {latest_coverage_ends("%(today)s::date")} c
            JOIN foreigners_staypermit p ON p.id = c.permit_id
            LEFT JOIN foreigners_sponsor sp ON sp.id = p.sponsor_id
            WHERE c.covered_until < %(today)s::date
              AND {present_since("c.foreigner_id", "c.covered_until", "%(today)s::date")}
              -- Coverage that ended by a cancellation is permit.cancelled_present's case.
              AND NOT EXISTS (
                  SELECT 1 FROM foreigners_staypermit q
                  WHERE q.foreigner_id = c.foreigner_id AND q.status = 'cancelled'
                    AND q.kind IN {SUPERVISED_KINDS} AND q.valid_from <= %(today)s::date
                    AND q.valid_until > c.covered_until)
        """
        fee, deportation, sponsor = self.citations
        return sql, {
            "today": ctx.today,
            "deport": ctx.settings.overstay_deport_after_days,
            "fine": ctx.settings.overstay_fine_per_day,
            "tariff": TARIFF_REGULATION,
            "cite_fee": fee.text("id"),
            "cite_fee_en": fee.text("en"),
            "cite_deport": deportation.text("id"),
            "cite_deport_en": deportation.text("en"),
            "cite_sponsor": sponsor.text("id"),
            "cite_sponsor_en": sponsor.text("en"),
        }

    def live_figures(self, evidence: dict, *, today: dt.date, settings: RuleSettings) -> dict:
        end = _date(evidence.get("valid_until"))
        if end is None:
            return {}
        days = (today - end).days
        deport = days > settings.overstay_deport_after_days
        return {
            "days_overstayed": days,
            "deportation_recommended": deport,
            # Past the threshold the sanction is deportation (ayat 3), not a fee (ayat 1).
            "fine_estimate": None if deport else days * settings.overstay_fine_per_day,
            "fine_per_day": settings.overstay_fine_per_day,
        }

    def close_reason(self, ctx: RuleContext) -> tuple[str, list]:
        sql = f"""CASE
            WHEN f.subject_type <> 'foreigner'
                THEN 'Diganti satu tanda per orang / Replaced by one flag per person'
            WHEN EXISTS (SELECT 1 FROM foreigners_staypermit p
                         WHERE p.foreigner_id = f.foreigner_id AND {COVERING}
                           AND p.valid_from <= %s::date AND p.valid_until >= %s::date)
                THEN 'Izin tinggal yang berlaku tercatat / A valid stay permit is recorded'
            WHEN NOT {present_on("f.foreigner_id", "%s::date")}
                THEN 'Keluar dari Indonesia tercatat / Exit from Indonesia recorded'
            ELSE 'Kondisi tidak lagi terpenuhi / The condition no longer holds' END"""
        return sql, [ctx.today] * 4


class DocumentExpired(Rule):
    """The person's latest travel document has expired while a stay permit covers today and
    the person is in Indonesia.

    Legal basis: UU 6/2011 Pasal 71 — a foreigner must show a valid travel document on request;
    Pasal 75 — administrative action (TAK) if not. Severity MEDIUM, routed to Imigrasi.
    Closes when a newer document is recorded, the permit ends, or an exit is recorded.
    """

    code = "document.expired"
    version = 2
    subject_type = Flag.SubjectType.DOCUMENT
    title = _("Travel document expired")
    citations = (Citation(UU6, "71"), Citation(UU6, "75"))
    routes = ("imigrasi",)

    def candidates(self, ctx: RuleContext) -> tuple[str, dict]:
        sql = f"""
            SELECT d.id AS subject_id, d.foreigner_id, p.id AS permit_id, d.id AS document_id,
                   NULL::bigint AS sighting_id, {K_SEVERITY.MEDIUM} AS severity,
                   {jsonb_kinds(self.routes)} AS routed_to,
                   'Dokumen perjalanan ' || d.issuing_country || ' ' || d.number
                     || ' habis berlaku pada ' || {iso("d.expires_on")}
                     || ', sedangkan izin tinggal ' || p.kind || ' ' || p.number
                     || ' masih berlaku sampai ' || {iso("p.valid_until")}
                     || '. Orang asing wajib memiliki dan memperlihatkan dokumen perjalanan '
                     || 'yang sah (' || %(cite)s || ').' AS reason,
                   'Travel document ' || d.issuing_country || ' ' || d.number
                     || ' expired on ' || {iso("d.expires_on")} || ' while stay permit '
                     || p.kind || ' ' || p.number || ' is valid until '
                     || {iso("p.valid_until")} || '. A foreigner must hold and show a valid '
                     || 'travel document (' || %(cite_en)s || ').' AS reason_en,
                   jsonb_build_object('expires_on', d.expires_on, 'permit_valid_until',
                                      p.valid_until) AS evidence
            FROM foreigners_traveldocument d
            JOIN LATERAL (
                SELECT p.id, p.kind, p.number, p.valid_from, p.valid_until
                FROM foreigners_staypermit p
                WHERE p.foreigner_id = d.foreigner_id AND {COVERING}
                  AND p.valid_from <= %(today)s::date AND p.valid_until >= %(today)s::date
                ORDER BY p.valid_until DESC LIMIT 1
            ) p ON TRUE
            WHERE d.expires_on < %(today)s::date
              AND NOT EXISTS (
                  SELECT 1 FROM foreigners_traveldocument d2
                  WHERE d2.foreigner_id = d.foreigner_id AND d2.id <> d.id
                    AND d2.expires_on > d.expires_on)
              AND {present_on("d.foreigner_id", "%(today)s::date")}
        """
        return sql, {**self.cite_params(), "today": ctx.today}

    def close_reason(self, ctx: RuleContext) -> tuple[str, list]:
        sql = """COALESCE((
            SELECT CASE
                WHEN EXISTS (SELECT 1 FROM foreigners_traveldocument d2
                             WHERE d2.foreigner_id = d.foreigner_id AND d2.id <> d.id
                               AND d2.expires_on > d.expires_on)
                    THEN 'Dokumen perjalanan baru tercatat / New travel document recorded'
                ELSE 'Tidak ada izin tinggal yang masih berlaku atau keluar tercatat / '
                     || 'No valid stay permit any more, or exit recorded' END
            FROM foreigners_traveldocument d WHERE d.id = f.document_id),
            'Dokumen dihapus / Document removed')"""
        return sql, []
