"""Rules on sightings: run right after a sighting is saved (scoped to it) and in the daily scan.

Dismissed sightings never raise a flag, and dismissing one closes its flags.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Flag
from .base import SIGHTING_DAY, Rule, RuleContext, iso, jsonb_kinds, jsonb_routes_with_agency
from .citations import Citation
from .coverage import coverage_before, covering_permit, present_since

SEV = Flag.Severity


def sightings_in_scope(ctx: RuleContext, where: str = "TRUE") -> tuple[str, dict]:
    """The sightings a run looks at, with their observed day (WITA) as ``day``."""
    scope = "AND s.id = ANY(%(ids)s::bigint[])" if ctx.sighting_ids is not None else ""
    sql = f"""(SELECT s.*, {SIGHTING_DAY} AS day FROM reports_sighting s
               WHERE s.review_status <> 'dismissed' AND {where} {scope})"""
    return sql, {"ids": ctx.sighting_ids}


SIGHTING_CLOSE_REASON = """COALESCE((
    SELECT CASE
        WHEN s.review_status = 'dismissed' THEN 'Laporan ditolak / Sighting dismissed'
        WHEN s.foreigner_id IS NOT NULL AND f.foreigner_id IS NULL
            THEN 'Dikaitkan dengan orang asing terdaftar / Linked to a registered foreign national'
        WHEN s.foreigner_id IS DISTINCT FROM f.foreigner_id
            THEN 'Dikaitkan dengan orang lain / Linked to another person'
        ELSE %s END
    FROM reports_sighting s WHERE s.id = f.sighting_id),
    'Laporan dihapus / Sighting removed')"""


def _where(place: str = "s") -> str:
    return (
        f"'di ' || {place}.place || ' (' || {place}.region_id || ') pada ' || {iso(f'{place}.day')}"
    )


def _where_en(place: str = "s") -> str:
    return (
        f"'at ' || {place}.place || ' (' || {place}.region_id || ') on ' || {iso(f'{place}.day')}"
    )


class SightingRule(Rule):
    subject_type = Flag.SubjectType.SIGHTING
    sighting_scoped = True
    default_close = "Kondisi tidak lagi terpenuhi / The condition no longer holds"

    def close_reason(self, ctx: RuleContext) -> tuple[str, list]:
        return SIGHTING_CLOSE_REASON, [self.default_close]


class SightingUnregistered(SightingRule):
    """A sighting of a foreigner who matches no record (not linked to a registered person).

    Legal basis: UU 6/2011 Pasal 71 (duty to show documents and report), Pasal 75 (TAK).
    Severity MEDIUM; routed to Imigrasi and Polres to check identity and documents.
    Closes when the sighting is linked to a registered person or dismissed.
    """

    code = "sighting.unregistered"
    title = _("Unregistered foreign national seen")
    citations = (Citation("UU 6/2011", "71"), Citation("UU 6/2011", "75"))
    routes = ("imigrasi", "polres")

    def candidates(self, ctx: RuleContext) -> tuple[str, dict]:
        scoped, params = sightings_in_scope(ctx, "s.foreigner_id IS NULL")
        sql = f"""
            SELECT s.id AS subject_id, NULL::bigint AS foreigner_id, NULL::bigint AS permit_id,
                   NULL::bigint AS document_id, s.id AS sighting_id,
                   {SEV.MEDIUM} AS severity, {jsonb_kinds(self.routes)} AS routed_to,
                   'Laporan ' || s.reference || ': ' || s.person_count
                     || ' orang asing terlihat ' || {_where()}
                     || ' tanpa data yang cocok dalam catatan. Periksa identitas, dokumen '
                     || 'perjalanan dan izin tinggal (' || %(cite)s || ').' AS reason,
                   'Report ' || s.reference || ': ' || s.person_count
                     || ' foreign national(s) seen ' || {_where_en()}
                     || ' matching no record. Check identity, travel document and stay permit '
                     || '(' || %(cite_en)s || ').' AS reason_en,
                   jsonb_build_object('reference', s.reference, 'activity', s.activity,
                                      'region', s.region_id, 'observed_on', s.day,
                                      'apparent_nationality', s.apparent_nationality)
                     AS evidence
            FROM {scoped} s
        """
        return sql, {**params, **self.cite_params()}


class SightingAfterExpiry(SightingRule):
    """A registered person seen on a day no stay permit covered, in a stay that a permit had
    covered: the coverage ended before the day and the person was not recorded leaving (nor
    entering again with no permit) since. Diplomatic and service permits are not judged.

    Legal basis: UU 6/2011 Pasal 78 ayat (1) and (3) (fee, or deportation after 60 days);
    Pasal 63 (the sponsor). Severity HIGH, CRITICAL when seen more than the deportation
    threshold after the end. Routed to Imigrasi, Polres and the agency that registered the
    sponsor. Closes when a permit covering the day is recorded, the sighting is linked to
    someone else, or dismissed.
    """

    code = "sighting.after_expiry"
    version = 2
    title = _("Seen after the stay permit ended")
    citations = (
        Citation("UU 6/2011", "78", "1"),
        Citation("UU 6/2011", "78", "3"),
        Citation("UU 6/2011", "63"),
    )
    routes = ("imigrasi", "polres")
    default_close = "Izin tinggal yang berlaku tercatat / A valid stay permit is now recorded"

    def candidates(self, ctx: RuleContext) -> tuple[str, dict]:
        scoped, params = sightings_in_scope(ctx, "s.foreigner_id IS NOT NULL")
        days = "(s.day - lp.valid_until)"
        sql = f"""
            SELECT s.id AS subject_id, s.foreigner_id, lp.id AS permit_id,
                   NULL::bigint AS document_id, s.id AS sighting_id,
                   CASE WHEN {days} > %(deport)s THEN {SEV.CRITICAL} ELSE {SEV.HIGH} END
                     AS severity,
                   {jsonb_routes_with_agency(self.routes, "sp.registered_by_id")} AS routed_to,
                   'Laporan ' || s.reference || ': orang asing terlihat ' || {_where()}
                     || ', ' || {days} || ' hari setelah izin tinggal ' || lp.kind || ' '
                     || lp.number || ' berakhir (' || {iso("lp.valid_until")}
                     || '), tanpa izin baru. Melebihi masa izin: biaya beban, atau deportasi '
                     || 'bila lebih dari ' || %(deport)s || ' hari (' || %(cite)s || ').'
                     || COALESCE(' Penjamin: ' || sp.name || '.', '') AS reason,
                   'Report ' || s.reference || ': the foreign national was seen '
                     || {_where_en()} || ', ' || {days} || ' days after stay permit '
                     || lp.kind || ' ' || lp.number || ' ended (' || {iso("lp.valid_until")}
                     || '), with no new permit. Overstay: a fee, or deportation beyond '
                     || %(deport)s || ' days (' || %(cite_en)s || ').'
                     || COALESCE(' Sponsor: ' || sp.name || '.', '') AS reason_en,
                   jsonb_build_object('reference', s.reference, 'observed_on', s.day,
                                      'permit_valid_until', lp.valid_until,
                                      'days_after_expiry', {days},
                                      'sponsor', sp.name, 'sponsor_id', sp.id) AS evidence
            FROM {scoped} s
            JOIN LATERAL {coverage_before("s.foreigner_id", "s.day")} lp ON TRUE
            LEFT JOIN foreigners_sponsor sp ON sp.id = lp.sponsor_id
            WHERE lp.valid_until < s.day
              AND {present_since("s.foreigner_id", "lp.valid_until", "s.day")}
        """
        return sql, {
            **params,
            **self.cite_params(),
            "deport": ctx.settings.overstay_deport_after_days,
        }


# What a sighting's activity needs from the visa index: (entitlement column, Indonesian and
# English wording). Attending worship and every other activity need nothing.
ACTIVITY_ENTITLEMENTS = {
    "work": ("may_work", "bekerja", "work"),
    "religious": ("may_religious_work", "kerja keagamaan (rohaniwan)", "religious work"),
}


class SightingActivityMismatch(SightingRule):
    """A registered person seen doing what the permit covering that day does not allow, by the
    visa-index reference table (``foreigners.VisaIndex``): work without a work entitlement,
    religious work (preaching, leading worship) without a religious one, any political
    activity. A permit whose index the table does not know (or that has none) is judged by its
    kind alone: an ITK allows neither work nor religious work; an ITAS or ITAP of unknown
    purpose is not flagged (UU 6/2011 Pasal 61 lets some of them work). Attending worship is
    not religious work and never flags.

    Legal basis: UU 6/2011 Pasal 122 huruf a (activity not matching the purpose of the permit),
    Pasal 61 (who may work), Pasal 75 (TAK). Routed by activity: work → Imigrasi, Disnaker,
    Polres; religious work → Imigrasi, Kemenag, Polres; political → Imigrasi, Kesbangpol,
    Polres.
    """

    code = "sighting.activity_mismatch"
    version = 2
    title = _("Activity not allowed by the permit")
    citations = (
        Citation("UU 6/2011", "122", letter="a"),
        Citation("UU 6/2011", "61"),
        Citation("UU 6/2011", "75"),
    )
    routes = ("imigrasi", "disnaker", "kemenag", "kesbangpol", "polres")

    def candidates(self, ctx: RuleContext) -> tuple[str, dict]:
        scoped, params = sightings_in_scope(
            ctx, "s.foreigner_id IS NOT NULL AND s.activity IN ('work', 'religious', 'political')"
        )
        work_id, religious_id = (ACTIVITY_ENTITLEMENTS[a][1] for a in ("work", "religious"))
        work_en, religious_en = (ACTIVITY_ENTITLEMENTS[a][2] for a in ("work", "religious"))
        sql = f"""
            SELECT s.id AS subject_id, s.foreigner_id, p.id AS permit_id,
                   NULL::bigint AS document_id, s.id AS sighting_id,
                   CASE s.activity WHEN 'religious' THEN {SEV.MEDIUM} ELSE {SEV.HIGH} END
                     AS severity,
                   CASE s.activity
                     WHEN 'work' THEN {jsonb_kinds(["imigrasi", "disnaker", "polres"])}
                     WHEN 'religious' THEN {jsonb_kinds(["imigrasi", "kemenag", "polres"])}
                     ELSE {jsonb_kinds(["imigrasi", "kesbangpol", "polres"])} END AS routed_to,
                   'Laporan ' || s.reference || ': orang asing terlihat melakukan kegiatan '
                     || CASE s.activity WHEN 'work' THEN '{work_id}'
                          WHEN 'religious' THEN '{religious_id}' ELSE 'politik' END
                     || ' ' || {_where()} || ', padahal izin tinggal ' || p.kind
                     || COALESCE(' indeks ' || NULLIF(p.visa_index, ''), '') || ' ' || p.number
                     || ' tidak mengizinkannya. Kegiatan tidak sesuai maksud dan tujuan izin '
                     || 'tinggal (' || %(cite)s || ').' AS reason,
                   'Report ' || s.reference || ': the foreign national was seen doing '
                     || CASE s.activity WHEN 'work' THEN '{work_en}'
                          WHEN 'religious' THEN '{religious_en}' ELSE 'political activity' END
                     || ' ' || {_where_en()} || ', which stay permit ' || p.kind
                     || COALESCE(' index ' || NULLIF(p.visa_index, ''), '') || ' ' || p.number
                     || ' does not allow. Activity not matching the purpose of the permit '
                     || '(' || %(cite_en)s || ').' AS reason_en,
                   jsonb_build_object('reference', s.reference, 'activity', s.activity,
                                      'permit_kind', p.kind, 'visa_index', p.visa_index,
                                      'observed_on', s.day) AS evidence
            FROM {scoped} s
            JOIN LATERAL {covering_permit("s.foreigner_id", "s.day")} p ON TRUE
            LEFT JOIN LATERAL (
                -- The longest code of the reference table the permit's index starts with.
                SELECT v.may_work, v.may_religious_work FROM foreigners_visaindex v
                WHERE p.visa_index <> ''
                  AND v.code IN (p.visa_index, left(p.visa_index, 3), left(p.visa_index, 2))
                ORDER BY length(v.code) DESC LIMIT 1
            ) v ON TRUE
            WHERE (s.activity = 'work' AND NOT COALESCE(v.may_work, p.kind <> 'ITK'))
               OR (s.activity = 'religious'
                   AND NOT COALESCE(v.may_religious_work, p.kind <> 'ITK'))
               OR s.activity = 'political'
        """
        return sql, {**params, **self.cite_params()}


class SightingOutsideArea(Rule):
    """A registered person seen at least N times (default 2) in the last M days (default 30)
    outside the kecamatan of the registered residence: a possible unreported change of address.

    Legal basis: UU 6/2011 Art. 71 huruf a (duty to report a change of address).
    Subject: the person. Severity LOW, MEDIUM from twice the threshold. Routed to Imigrasi,
    Disdukcapil, Polres and the camat. Closes when the sightings age out of the window or the
    registered address changes.
    """

    code = "sighting.outside_area"
    subject_type = Flag.SubjectType.FOREIGNER
    sighting_scoped = True
    title = _("Repeatedly seen outside the registered kecamatan")
    citations = (Citation("UU 6/2011", "71", letter="a"),)
    routes = ("imigrasi", "disdukcapil", "polres", "kecamatan")

    def _since(self, ctx: RuleContext) -> dt.datetime:
        start = ctx.today - dt.timedelta(days=ctx.settings.outside_area_window_days)
        return timezone.make_aware(dt.datetime.combine(start, dt.time.min))

    def candidates(self, ctx: RuleContext) -> tuple[str, dict]:
        scope = ""
        if ctx.sighting_ids is not None:
            scope = """AND s.foreigner_id IN (SELECT x.foreigner_id FROM reports_sighting x
                                              WHERE x.id = ANY(%(ids)s::bigint[]))"""
        sql = f"""
            SELECT fo.id AS subject_id, fo.id AS foreigner_id, NULL::bigint AS permit_id,
                   NULL::bigint AS document_id, NULL::bigint AS sighting_id,
                   CASE WHEN a.n >= 2 * %(min)s THEN {SEV.MEDIUM} ELSE {SEV.LOW} END AS severity,
                   {jsonb_kinds(self.routes)} AS routed_to,
                   'Terlihat ' || a.n || ' kali dalam ' || %(window)s
                     || ' hari terakhir di luar kecamatan tempat tinggal terdaftar ('
                     || COALESCE(r.name || ', ', '') || left(fo.residence_region_id, 8)
                     || '): di ' || array_to_string(a.kecs, ', ')
                     || '. Kemungkinan perubahan alamat yang belum dilaporkan '
                     || '(' || %(cite)s || ').' AS reason,
                   'Seen ' || a.n || ' times in the last ' || %(window)s
                     || ' days outside the kecamatan of the registered residence ('
                     || COALESCE(r.name || ', ', '') || left(fo.residence_region_id, 8)
                     || '): in ' || array_to_string(a.kecs, ', ')
                     || '. Possibly an unreported change of address (' || %(cite_en)s || ').'
                     AS reason_en,
                   jsonb_build_object('sightings', a.n, 'kecamatan', to_jsonb(a.kecs),
                                      'registered_kecamatan', left(fo.residence_region_id, 8),
                                      'last_seen', a.last_seen) AS evidence
            FROM (
                SELECT s.foreigner_id, count(*) AS n,
                       array_agg(DISTINCT left(s.region_id, 8)) AS kecs,
                       max(s.observed_at) AS last_seen
                FROM reports_sighting s
                JOIN foreigners_foreigner fo ON fo.id = s.foreigner_id
                WHERE s.observed_at >= %(since)s AND s.review_status <> 'dismissed'
                  AND length(fo.residence_region_id) >= 8 AND length(s.region_id) >= 8
                  AND left(s.region_id, 8) <> left(fo.residence_region_id, 8)
                  {scope}
                GROUP BY s.foreigner_id
                HAVING count(*) >= %(min)s
            ) a
            JOIN foreigners_foreigner fo ON fo.id = a.foreigner_id
            LEFT JOIN agencies_region r ON r.code = left(fo.residence_region_id, 8)
        """
        return sql, {
            **self.cite_params(),
            "ids": ctx.sighting_ids,
            "since": self._since(ctx),
            "min": ctx.settings.outside_area_min_sightings,
            "window": ctx.settings.outside_area_window_days,
        }

    def flag_scope(self, ctx: RuleContext) -> tuple[str, dict]:
        if ctx.sighting_ids is None:
            return "TRUE", {}
        return (
            """f.subject_id IN (SELECT x.foreigner_id FROM reports_sighting x
                                WHERE x.id = ANY(%(_scope_ids)s::bigint[])
                                  AND x.foreigner_id IS NOT NULL)""",
            {"_scope_ids": ctx.sighting_ids},
        )

    def close_reason(self, ctx: RuleContext) -> tuple[str, list]:
        return (
            "%s",
            [
                "Tidak lagi terlihat berulang di luar kecamatan terdaftar, atau alamat "
                "diperbarui / No longer seen repeatedly outside the registered kecamatan, "
                "or the address was updated"
            ],
        )


class SightingPoliticalWatch(SightingRule):
    """Political activity by a foreign national (identified or not) inside an active election
    watch window (e.g. Pilkada 27 November 2024), in the window's region if it has one.

    Legal basis: UU 6/2011 Art. 75 (TAK for activities endangering security and public order)
    and Art. 122 huruf a. Severity HIGH; routed to the window's agencies (default Imigrasi,
    Kesbangpol, Polres, Kodim).
    """

    code = "sighting.political_watch"
    title = _("Political activity during an election watch")
    citations = (Citation("UU 6/2011", "75"), Citation("UU 6/2011", "122", letter="a"))
    routes = ("imigrasi", "kesbangpol", "polres", "kodim")
    default_close = "Di luar masa pengawasan / Outside any watch window"

    def candidates(self, ctx: RuleContext) -> tuple[str, dict]:
        scoped, params = sightings_in_scope(ctx, "s.activity = 'political'")
        sql = f"""
            SELECT DISTINCT ON (s.id)
                   s.id AS subject_id, s.foreigner_id, NULL::bigint AS permit_id,
                   NULL::bigint AS document_id, s.id AS sighting_id, {SEV.HIGH} AS severity,
                   w.routed_to AS routed_to,
                   'Laporan ' || s.reference || ': kegiatan politik oleh orang asing '
                     || {_where()} || ' dalam masa pengawasan ' || w.name || ' ('
                     || {iso("w.starts_on")} || ' s.d. ' || {iso("w.ends_on")}
                     || '). Orang asing dilarang berkegiatan politik; dapat dikenai tindakan '
                     || 'administratif keimigrasian (' || %(cite)s || ').' AS reason,
                   'Report ' || s.reference || ': political activity by a foreign national '
                     || {_where_en()} || ' during the watch window ' || w.name || ' ('
                     || {iso("w.starts_on")} || ' to ' || {iso("w.ends_on")}
                     || '). Foreigners may not take part in politics; administrative action '
                     || 'may follow (' || %(cite_en)s || ').' AS reason_en,
                   jsonb_build_object('reference', s.reference, 'window', w.name,
                                      'window_id', w.id, 'observed_on', s.day) AS evidence
            FROM {scoped} s
            JOIN reports_watchwindow w
              ON w.is_active AND s.day BETWEEN w.starts_on AND w.ends_on
             AND (w.region_id IS NULL OR s.region_id = w.region_id
                  OR s.region_id LIKE w.region_id || '.%%')
            ORDER BY s.id, w.starts_on, w.id
        """
        return sql, {**params, **self.cite_params()}
