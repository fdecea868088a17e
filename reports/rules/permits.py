"""Rules on stay permits and travel documents, run by the daily scan."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ..models import Flag
from .base import (
    Rule,
    RuleContext,
    has_left_since,
    iso,
    jsonb_kinds,
    newer_permit_exists,
    rupiah,
    rupiah_en,
)

K_SEVERITY = Flag.Severity


class PermitExpiring(Rule):
    """A current permit ends within the notice window (default 30 / 14 / 7 days: the severity
    rises as the end nears). Not raised when a newer permit exists or the person has left.

    Legal basis: UU 6/2011 Art. 78 — staying past the permit costs Rp1,000,000 a day, so the
    holder is reminded to extend before the end.
    Closes when the permit is extended or replaced, an exit is recorded, or the permit ends
    (then ``permit.overstay`` takes over).
    """

    code = "permit.expiring"
    version = 1
    subject_type = Flag.SubjectType.PERMIT
    title = _("Stay permit about to expire")
    legal_basis = "UU 6/2011 Pasal 78"

    def candidates(self, ctx: RuleContext) -> tuple[str, dict]:
        s = ctx.settings
        days = "(p.valid_until - %(today)s::date)"
        sql = f"""
            SELECT p.id AS subject_id, p.foreigner_id, p.id AS permit_id,
                   NULL::bigint AS document_id, NULL::bigint AS sighting_id,
                   CASE WHEN {days} <= %(urgent)s THEN {K_SEVERITY.HIGH}
                        WHEN {days} <= %(warning)s THEN {K_SEVERITY.MEDIUM}
                        ELSE {K_SEVERITY.LOW} END AS severity,
                   {jsonb_kinds(["imigrasi"])} AS routed_to,
                   'Izin tinggal ' || p.kind || ' nomor ' || p.number || ' berakhir pada '
                     || {iso("p.valid_until")} || ' (' || {days} || ' hari lagi). '
                     || 'Perpanjangan perlu diajukan sebelum izin berakhir; tinggal melebihi '
                     || 'masa izin dikenai biaya beban atau deportasi (UU 6/2011 Pasal 78).'
                     AS reason,
                   'Stay permit ' || p.kind || ' number ' || p.number || ' ends on '
                     || {iso("p.valid_until")} || ' (in ' || {days} || ' days). '
                     || 'An extension must be filed before it ends; staying beyond the permit '
                     || 'incurs a fine or deportation (Law 6/2011 Art. 78).' AS reason_en,
                   jsonb_build_object('valid_until', p.valid_until, 'days_left', {days},
                                      'permit_kind', p.kind) AS evidence
            FROM foreigners_staypermit p
            WHERE p.status = 'active'
              AND p.valid_until BETWEEN %(today)s::date AND %(today)s::date + %(notice)s::int
              AND NOT {newer_permit_exists("p")}
              AND NOT {has_left_since("p.foreigner_id", "p.valid_from")}
        """
        return sql, {
            "today": ctx.today,
            "notice": s.expiring_notice_days,
            "warning": s.expiring_warning_days,
            "urgent": s.expiring_urgent_days,
        }

    def close_reason(self, ctx: RuleContext) -> tuple[str, list]:
        return permit_close_reason(ctx, ended="Izin telah berakhir / The permit has ended")


def permit_close_reason(ctx: RuleContext, *, ended: str) -> tuple[str, list]:
    """Why a permit flag cleared, checked in the order an officer would."""
    sql = f"""COALESCE((
        SELECT CASE
            WHEN {newer_permit_exists("p")}
                THEN 'Izin diperpanjang atau diganti / Permit extended or replaced'
            WHEN {has_left_since("p.foreigner_id", "p.valid_from")}
                THEN 'Keluar dari Indonesia tercatat / Exit from Indonesia recorded'
            WHEN p.status = 'cancelled' THEN 'Izin dibatalkan / Permit cancelled'
            WHEN p.valid_until < %s::date THEN %s
            ELSE 'Kondisi tidak lagi terpenuhi / The condition no longer holds' END
        FROM foreigners_staypermit p WHERE p.id = f.permit_id),
        'Izin dihapus / Permit removed')"""
    return sql, [ctx.today, ended]


class PermitOverstay(Rule):
    """The person's latest permit has ended, no newer permit exists and no exit is recorded.

    Legal basis: UU 6/2011 Art. 78 — up to 60 days over: a charge of Rp1,000,000 a day
    (PP 28/2019); more than 60 days: deportation and an entry ban (Art. 78(3), Art. 75 TAK).
    Severity HIGH; CRITICAL once past the deportation threshold. The fine estimate is the
    configured amount × days overstayed, as of the day the flag was opened or re-graded.
    Closes when a permit extension or new permit is recorded, or an exit.
    """

    code = "permit.overstay"
    version = 1
    subject_type = Flag.SubjectType.PERMIT
    title = _("Overstay")
    legal_basis = "UU 6/2011 Pasal 78; PP 28/2019"

    def candidates(self, ctx: RuleContext) -> tuple[str, dict]:
        deport = "p.days_over > %(deport)s"
        fine = "(p.days_over::bigint * %(fine)s::bigint)"
        sql = f"""
            SELECT p.id AS subject_id, p.foreigner_id, p.id AS permit_id,
                   NULL::bigint AS document_id, NULL::bigint AS sighting_id,
                   CASE WHEN {deport} THEN {K_SEVERITY.CRITICAL} ELSE {K_SEVERITY.HIGH} END
                     AS severity,
                   {jsonb_kinds(["imigrasi", "polres"])} AS routed_to,
                   'Izin tinggal ' || p.kind || ' nomor ' || p.number || ' berakhir pada '
                     || {iso("p.valid_until")} || ' tanpa perpanjangan atau catatan keluar: '
                     || 'melebihi masa izin ' || p.days_over || ' hari per '
                     || {iso("%(today)s::date")} || '. '
                     || CASE WHEN {deport}
                        THEN 'Lebih dari ' || %(deport)s || ' hari: direkomendasikan deportasi '
                             || 'dan penangkalan (UU 6/2011 Pasal 78 ayat 3, Pasal 75).'
                        ELSE 'Perkiraan biaya beban ' || {rupiah(fine)} || ' ('
                             || {rupiah("%(fine)s::bigint")} || ' per hari; UU 6/2011 Pasal 78 '
                             || 'ayat 2, PP 28/2019).' END AS reason,
                   'Stay permit ' || p.kind || ' number ' || p.number || ' ended on '
                     || {iso("p.valid_until")} || ' with no extension or recorded exit: '
                     || p.days_over || ' days overstayed as of ' || {iso("%(today)s::date")}
                     || '. '
                     || CASE WHEN {deport}
                        THEN 'More than ' || %(deport)s || ' days: deportation and an entry '
                             || 'ban are recommended (Law 6/2011 Art. 78(3), Art. 75).'
                        ELSE 'Estimated fine ' || {rupiah_en(fine)} || ' ('
                             || {rupiah_en("%(fine)s::bigint")} || ' per day; Law 6/2011 '
                             || 'Art. 78(2), PP 28/2019).' END AS reason_en,
                   jsonb_build_object(
                       'valid_until', p.valid_until, 'days_overstayed', p.days_over,
                       'fine_estimate', {fine}, 'fine_per_day', %(fine)s::bigint,
                       'deportation_recommended', {deport}, 'as_of', %(today)s::date
                   ) AS evidence
            FROM (
                SELECT p.*, (%(today)s::date - p.valid_until) AS days_over
                FROM foreigners_staypermit p
                WHERE p.valid_until < %(today)s::date AND p.status <> 'cancelled'
            ) p
            WHERE NOT {newer_permit_exists("p")}
              AND NOT {has_left_since("p.foreigner_id", "p.valid_from")}
        """
        return sql, {
            "today": ctx.today,
            "deport": ctx.settings.overstay_deport_after_days,
            "fine": ctx.settings.overstay_fine_per_day,
        }

    def close_reason(self, ctx: RuleContext) -> tuple[str, list]:
        return permit_close_reason(ctx, ended="Kondisi tidak lagi terpenuhi / Condition cleared")


class DocumentExpired(Rule):
    """The person's latest travel document has expired while a stay permit is still valid.

    Legal basis: UU 6/2011 Art. 71 — a foreigner must show a valid travel document on request;
    Art. 75 — administrative action (TAK) if not. Severity MEDIUM, routed to Imigrasi.
    Closes when a newer document is recorded, the permit ends, or an exit is recorded.
    """

    code = "document.expired"
    version = 1
    subject_type = Flag.SubjectType.DOCUMENT
    title = _("Travel document expired")
    legal_basis = "UU 6/2011 Pasal 71, Pasal 75"

    def candidates(self, ctx: RuleContext) -> tuple[str, dict]:
        sql = f"""
            SELECT d.id AS subject_id, d.foreigner_id, p.id AS permit_id, d.id AS document_id,
                   NULL::bigint AS sighting_id, {K_SEVERITY.MEDIUM} AS severity,
                   {jsonb_kinds(["imigrasi"])} AS routed_to,
                   'Dokumen perjalanan ' || d.issuing_country || ' ' || d.number
                     || ' habis berlaku pada ' || {iso("d.expires_on")}
                     || ', sedangkan izin tinggal ' || p.kind || ' ' || p.number
                     || ' masih berlaku sampai ' || {iso("p.valid_until")}
                     || '. Orang asing wajib memiliki dan memperlihatkan dokumen perjalanan '
                     || 'yang sah (UU 6/2011 Pasal 71, Pasal 75).' AS reason,
                   'Travel document ' || d.issuing_country || ' ' || d.number
                     || ' expired on ' || {iso("d.expires_on")} || ' while stay permit '
                     || p.kind || ' ' || p.number || ' is valid until '
                     || {iso("p.valid_until")} || '. A foreigner must hold and show a valid '
                     || 'travel document (Law 6/2011 Art. 71, Art. 75).' AS reason_en,
                   jsonb_build_object('expires_on', d.expires_on, 'permit_valid_until',
                                      p.valid_until) AS evidence
            FROM foreigners_traveldocument d
            JOIN LATERAL (
                SELECT p.id, p.kind, p.number, p.valid_from, p.valid_until
                FROM foreigners_staypermit p
                WHERE p.foreigner_id = d.foreigner_id AND p.status = 'active'
                  AND p.valid_from <= %(today)s::date AND p.valid_until >= %(today)s::date
                ORDER BY p.valid_until DESC LIMIT 1
            ) p ON TRUE
            WHERE d.expires_on < %(today)s::date
              AND NOT EXISTS (
                  SELECT 1 FROM foreigners_traveldocument d2
                  WHERE d2.foreigner_id = d.foreigner_id AND d2.id <> d.id
                    AND d2.expires_on > d.expires_on)
              AND NOT {has_left_since("d.foreigner_id", "p.valid_from")}
        """
        return sql, {"today": ctx.today}

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
