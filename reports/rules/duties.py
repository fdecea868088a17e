"""The duties a Timpora watches beyond the permit's dates: reporting residence, taking up the
ITAS, keeping the ITAP alive, leaving after a cancellation, the sponsor's guarantee and the
entry-ban list. Each is a rule of its own, run by the daily scan.

Adding the rule for UU 6/2011 Pasal 75 ayat (2) huruf c and d (seen where an enforcement action
bars the person, or away from a residence it requires) needs no change here: it is one more
:class:`~.base.Rule` whose candidate query joins sightings to the enforcement actions, with
subject type ``sighting``, registered in :data:`reports.rules.RULES` and cited in
``docs/LEGAL_BASIS.md``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ..models import Flag
from .base import OPEN_STATES_SQL, Rule, RuleContext, iso, jsonb_kinds, jsonb_routes_with_agency
from .citations import Citation
from .coverage import SUPERVISED_KINDS, coverage_islands, present_on, present_since

SEV = Flag.Severity
UU6 = "UU 6/2011"


class ResidenceUnreported(Rule):
    """An ITAS holder in Indonesia has, more than 14 days (a setting) after the ITAS coverage
    began, no current residence on record or no SKTT issued for this ITAS.

    Legal basis: UU 6/2011 Pasal 71 huruf a (report the residence); UU 23/2006 Pasal 20 (the
    SKTT from the Disdukcapil). Subject: the person. Severity MEDIUM; routed to Disdukcapil and
    Imigrasi. Closes when both are recorded, the ITAS ends or an exit is recorded.
    """

    code = "residence.unreported"
    subject_type = Flag.SubjectType.FOREIGNER
    title = _("Residence or SKTT not reported")
    citations = (Citation(UU6, "71", letter="a"), Citation("UU 23/2006", "20"))
    routes = ("disdukcapil", "imigrasi")

    def candidates(self, ctx: RuleContext) -> tuple[str, dict]:
        islands = coverage_islands(
            """p.foreigner_id IN (
                SELECT e.foreigner_id FROM foreigners_staypermit e
                WHERE e.kind = 'ITAS' AND e.valid_until >= %(today)s::date
                  AND e.valid_from <= %(today)s::date)""",
            kinds="('ITAS')",
        )
        missing = """CASE WHEN m.no_residence AND m.no_sktt THEN '{both}'
                          WHEN m.no_residence THEN '{residence}' ELSE '{sktt}' END"""
        sql = f"""
            SELECT i.foreigner_id AS subject_id, i.foreigner_id, i.permit_id,
                   NULL::bigint AS document_id, NULL::bigint AS sighting_id,
                   {SEV.MEDIUM} AS severity, {jsonb_kinds(self.routes)} AS routed_to,
                   'Pemegang ITAS sejak ' || {iso("i.covered_from")} || ' belum melaporkan '
                     || {
            missing.format(both="tempat tinggal dan SKTT", residence="tempat tinggal", sktt="SKTT")
        }
                     || ' dalam ' || %(days)s || ' hari (' || %(cite)s || ').' AS reason,
                   'ITAS holder since ' || {iso("i.covered_from")} || ' has not reported '
                     || {
            missing.format(both="a residence and an SKTT", residence="a residence", sktt="an SKTT")
        }
                     || ' within ' || %(days)s || ' days (' || %(cite_en)s || ').' AS reason_en,
                   jsonb_build_object('itas_from', i.covered_from,
                                      'report_by', i.covered_from + %(days)s::int,
                                      'residence_missing', m.no_residence,
                                      'sktt_missing', m.no_sktt) AS evidence
            FROM {islands} i
            -- Each looked up once per person: as NOT EXISTS in a lateral select list, the
            -- planner copied the lookups into every expression that names them (six times).
            LEFT JOIN LATERAL (
                SELECT TRUE AS found FROM foreigners_residence r
                WHERE r.foreigner_id = i.foreigner_id
                  AND (r.to_date IS NULL OR r.to_date >= %(today)s::date)
                LIMIT 1
            ) residence ON TRUE
            LEFT JOIN LATERAL (
                SELECT TRUE AS found FROM foreigners_sktt k
                WHERE k.foreigner_id = i.foreigner_id
                  AND (k.issued_on >= i.covered_from OR k.valid_until >= %(today)s::date)
                LIMIT 1
            ) sktt ON TRUE
            CROSS JOIN LATERAL (
                SELECT residence.found IS NULL AS no_residence, sktt.found IS NULL AS no_sktt
            ) m
            WHERE i.covered_from <= %(today)s::date AND i.covered_until >= %(today)s::date
              AND %(today)s::date > i.covered_from + %(days)s::int
              AND (m.no_residence OR m.no_sktt)
              AND {present_on("i.foreigner_id", "%(today)s::date")}
        """
        return sql, {
            **self.cite_params(),
            "today": ctx.today,
            "days": ctx.settings.residence_report_days,
        }


class ItasNotTakenUp(Rule):
    """An entry on a limited-stay visa (VITAS), the person still in Indonesia since, and no ITAS
    on record more than 30 days (a setting) after the entry.

    Legal basis: PP 31/2013 Pasal 143 as amended. Subject: the entry. Severity MEDIUM; routed to
    Imigrasi. Closes when an ITAS is recorded or an exit.
    """

    code = "permit.itas_missing"
    subject_type = Flag.SubjectType.MOVEMENT
    title = _("No ITAS after entry on a limited-stay visa")
    citations = (Citation("PP 31/2013", "143"),)
    routes = ("imigrasi",)

    def candidates(self, ctx: RuleContext) -> tuple[str, dict]:
        sql = f"""
            SELECT m.id AS subject_id, m.foreigner_id, NULL::bigint AS permit_id,
                   NULL::bigint AS document_id, NULL::bigint AS sighting_id,
                   {SEV.MEDIUM} AS severity, {jsonb_kinds(self.routes)} AS routed_to,
                   'Masuk dengan visa tinggal terbatas pada ' || {iso("m.occurred_on")}
                     || ' melalui ' || m.port || ', tetapi belum ada ITAS yang tercatat dalam '
                     || %(days)s || ' hari (' || %(cite)s || ').' AS reason,
                   'Entered on a limited-stay visa on ' || {iso("m.occurred_on")}
                     || ' through ' || m.port || ', but no ITAS is recorded within '
                     || %(days)s || ' days (' || %(cite_en)s || ').' AS reason_en,
                   jsonb_build_object('entered_on', m.occurred_on,
                                      'itas_by', m.occurred_on + %(days)s::int) AS evidence
            FROM foreigners_movement m
            WHERE m.kind = 'entry' AND m.visa_kind = 'limited_stay'
              AND %(today)s::date > m.occurred_on + %(days)s::int
              AND {present_since("m.foreigner_id", "m.occurred_on", "%(today)s::date")}
              AND NOT EXISTS (
                  SELECT 1 FROM foreigners_staypermit p
                  WHERE p.foreigner_id = m.foreigner_id AND p.kind = 'ITAS'
                    AND p.status <> 'cancelled' AND p.valid_until >= m.occurred_on)
        """
        return sql, {
            **self.cite_params(),
            "today": ctx.today,
            "days": ctx.settings.itas_after_visa_days,
        }


class ItapLapsed(Rule):
    """A person's latest active ITAP has lapsed: it ended without an extension (an ITAP runs
    5 years and must be extended), or the holder has been abroad more than a year (a setting)
    since leaving while it was valid.

    Legal basis: UU 6/2011 Pasal 62. Subject: the ITAP. Severity MEDIUM; routed to Imigrasi and
    Disdukcapil (the ITAP holder's KTP follows the permit). Closes when a later permit is
    recorded, the holder re-enters within the year, or the permit's status is updated.
    """

    code = "permit.itap_lapsed"
    subject_type = Flag.SubjectType.PERMIT
    title = _("ITAP lapsed")
    citations = (Citation(UU6, "62"),)
    routes = ("imigrasi", "disdukcapil")

    def candidates(self, ctx: RuleContext) -> tuple[str, dict]:
        abroad = """(lm.kind = 'exit' AND lm.occurred_on <= p.valid_until
                     AND %(today)s::date - lm.occurred_on > %(abroad)s)"""
        sql = f"""
            SELECT p.id AS subject_id, p.foreigner_id, p.id AS permit_id,
                   NULL::bigint AS document_id, NULL::bigint AS sighting_id,
                   {SEV.MEDIUM} AS severity, {jsonb_kinds(self.routes)} AS routed_to,
                   'ITAP nomor ' || p.number || ' gugur: '
                     || CASE WHEN {abroad}
                        THEN 'pemegang berada di luar Indonesia sejak '
                             || {iso("lm.occurred_on")} || ', lebih dari ' || %(abroad)s
                             || ' hari'
                        ELSE 'berakhir pada ' || {iso("p.valid_until")}
                             || ' tanpa perpanjangan' END
                     || ' (' || %(cite)s || ').' AS reason,
                   'ITAP number ' || p.number || ' has lapsed: '
                     || CASE WHEN {abroad}
                        THEN 'the holder has been outside Indonesia since '
                             || {iso("lm.occurred_on")} || ', more than ' || %(abroad)s
                             || ' days'
                        ELSE 'it ended on ' || {iso("p.valid_until")} || ' without an extension'
                        END
                     || ' (' || %(cite_en)s || ').' AS reason_en,
                   jsonb_build_object('valid_until', p.valid_until,
                                      'left_on', CASE WHEN {abroad} THEN lm.occurred_on END)
                     AS evidence
            FROM (
                SELECT DISTINCT ON (p.foreigner_id) p.id, p.foreigner_id, p.number,
                       p.valid_until
                FROM foreigners_staypermit p
                WHERE p.kind = 'ITAP' AND p.status = 'active'
                ORDER BY p.foreigner_id, p.valid_until DESC, p.id DESC
            ) p
            LEFT JOIN LATERAL (
                SELECT m.kind, m.occurred_on FROM foreigners_movement m
                WHERE m.foreigner_id = p.foreigner_id AND m.occurred_on <= %(today)s::date
                ORDER BY m.occurred_on DESC, m.id DESC LIMIT 1
            ) lm ON TRUE
            WHERE (p.valid_until < %(today)s::date OR {abroad})
              AND NOT EXISTS (
                  SELECT 1 FROM foreigners_staypermit q
                  WHERE q.foreigner_id = p.foreigner_id AND q.id <> p.id
                    AND q.status <> 'cancelled' AND q.kind IN {SUPERVISED_KINDS}
                    AND q.valid_until > p.valid_until)
        """
        return sql, {
            **self.cite_params(),
            "today": ctx.today,
            "abroad": ctx.settings.itap_abroad_days,
        }


class CancelledPermitPresent(Rule):
    """A person's permit was cancelled, no permit has been recorded since, and the person is
    still in Indonesia (no exit recorded after the cancellation). A cancellation with no date
    on record counts from the permit's start.

    Legal basis: UU 6/2011 Pasal 48 ayat (1) (a foreigner in Indonesia must hold a stay
    permit) with Pasal 75 ayat (2) (cancellation as an administrative action, and deportation).
    Subject: the cancelled permit (the latest per person). Severity HIGH; routed to Imigrasi and
    Polres. Closes when an exit or a new permit is recorded.
    """

    code = "permit.cancelled_present"
    subject_type = Flag.SubjectType.PERMIT
    title = _("Permit cancelled, holder still in Indonesia")
    citations = (Citation(UU6, "48", "1"), Citation(UU6, "75", "2"))
    routes = ("imigrasi", "polres")

    def candidates(self, ctx: RuleContext) -> tuple[str, dict]:
        sql = f"""
            SELECT c.id AS subject_id, c.foreigner_id, c.id AS permit_id,
                   NULL::bigint AS document_id, NULL::bigint AS sighting_id,
                   {SEV.HIGH} AS severity, {jsonb_kinds(self.routes)} AS routed_to,
                   'Izin tinggal ' || c.kind || ' nomor ' || c.number || ' dibatalkan'
                     || COALESCE(' pada ' || {iso("c.cancelled_on")}, '')
                     || ', tanpa izin baru, dan pemegangnya tidak tercatat keluar dari '
                     || 'Indonesia (' || %(cite)s || ').' AS reason,
                   'Stay permit ' || c.kind || ' number ' || c.number || ' was cancelled'
                     || COALESCE(' on ' || {iso("c.cancelled_on")}, '')
                     || ', no new permit is recorded and the holder has no recorded exit from '
                     || 'Indonesia (' || %(cite_en)s || ').' AS reason_en,
                   jsonb_build_object('cancelled_on', c.cancelled_on, 'permit_kind', c.kind)
                     AS evidence
            FROM (
                SELECT DISTINCT ON (p.foreigner_id) p.id, p.foreigner_id, p.kind, p.number,
                       p.cancelled_on, COALESCE(p.cancelled_on, p.valid_from) AS since
                FROM foreigners_staypermit p
                WHERE p.status = 'cancelled' AND p.kind IN {SUPERVISED_KINDS}
                  AND COALESCE(p.cancelled_on, p.valid_from) < %(today)s::date
                  AND COALESCE(p.cancelled_on, p.valid_from) <= p.valid_until
                ORDER BY p.foreigner_id, COALESCE(p.cancelled_on, p.valid_from) DESC, p.id DESC
            ) c
            WHERE NOT EXISTS (
                  SELECT 1 FROM foreigners_staypermit q
                  WHERE q.foreigner_id = c.foreigner_id AND q.status <> 'cancelled'
                    AND q.kind IN {SUPERVISED_KINDS}
                    AND q.valid_until >= c.since AND q.valid_from <= %(today)s::date)
              AND {present_since("c.foreigner_id", "c.since", "%(today)s::date")}
        """
        return sql, {**self.cite_params(), "today": ctx.today}


class EntryWithoutPermit(Rule):
    """An entry recorded more than a day (a setting) ago, the person in Indonesia since, and no
    stay permit at all on record for the stay: a data-quality flag (the permit granted at the
    border was not recorded). Without it, the days of the stay would look uncovered. Entries on
    a limited-stay visa have their own rule (``permit.itas_missing``).

    Legal basis: UU 6/2011 Pasal 48 ayat (1). Subject: the entry. Severity LOW; routed to
    Imigrasi. Closes when a permit is recorded or an exit.
    """

    code = "movement.entry_without_permit"
    subject_type = Flag.SubjectType.MOVEMENT
    title = _("Entry with no stay permit on record")
    citations = (Citation(UU6, "48", "1"),)
    routes = ("imigrasi",)

    def candidates(self, ctx: RuleContext) -> tuple[str, dict]:
        sql = f"""
            SELECT m.id AS subject_id, m.foreigner_id, NULL::bigint AS permit_id,
                   NULL::bigint AS document_id, NULL::bigint AS sighting_id,
                   {SEV.LOW} AS severity, {jsonb_kinds(self.routes)} AS routed_to,
                   'Masuk ke Indonesia pada ' || {iso("m.occurred_on")} || ' melalui ' || m.port
                     || ', tetapi tidak ada izin tinggal yang tercatat untuk masa tinggal ini. '
                     || 'Periksa dan catat izin tinggalnya (' || %(cite)s || ').' AS reason,
                   'Entered Indonesia on ' || {iso("m.occurred_on")} || ' through ' || m.port
                     || ', but no stay permit is recorded for this stay. Check and record the '
                     || 'permit (' || %(cite_en)s || ').' AS reason_en,
                   jsonb_build_object('entered_on', m.occurred_on) AS evidence
            FROM (
                -- The entries with no permit first (a probe of the permit index each), then
                -- whether the person is still here: left to itself the planner asked the
                -- second of every entry, half a million movement lookups to find none.
                WITH unpermitted AS MATERIALIZED (
                    SELECT m.* FROM foreigners_movement m
                    WHERE m.kind = 'entry' AND m.visa_kind <> 'limited_stay'
                      AND %(today)s::date - m.occurred_on > %(grace)s
                      AND NOT EXISTS (
                          SELECT 1 FROM foreigners_staypermit p
                          WHERE p.foreigner_id = m.foreigner_id AND p.status <> 'cancelled'
                            AND p.valid_until >= m.occurred_on
                            AND p.valid_from <= %(today)s::date)
                )
                SELECT * FROM unpermitted
            ) m
            WHERE {present_since("m.foreigner_id", "m.occurred_on", "%(today)s::date")}
        """
        return sql, {
            **self.cite_params(),
            "today": ctx.today,
            "grace": ctx.settings.entry_permit_grace_days,
        }


# The open flags that count against the sponsor of the permit they name (Pasal 63: the sponsor
# guarantees the person's presence and activities match the permit, and their departure).
SPONSOR_VIOLATION_RULES = [
    "permit.overstay",
    "permit.cancelled_present",
    "residence.unreported",
    "sighting.after_expiry",
    "sighting.activity_mismatch",
]


class SponsorRepeatedViolations(Rule):
    """A sponsor whose sponsored people have open violations (overstay, seen after expiry,
    activity not allowed, cancelled permit, residence unreported) — at least 3 people (a
    setting). Reads the open flags of those rules, so it runs after them.

    Legal basis: UU 6/2011 Pasal 63. Subject: the sponsor. Severity MEDIUM, HIGH from twice
    the threshold; routed to Imigrasi and the agency that registered the sponsor.
    """

    code = "sponsor.repeated_violations"
    subject_type = Flag.SubjectType.SPONSOR
    title = _("Sponsor with several open violations")
    citations = (Citation(UU6, "63"),)
    routes = ("imigrasi",)
    reads_flags = True

    def candidates(self, ctx: RuleContext) -> tuple[str, dict]:
        sql = f"""
            SELECT sp.id AS subject_id, NULL::bigint AS foreigner_id, NULL::bigint AS permit_id,
                   NULL::bigint AS document_id, NULL::bigint AS sighting_id,
                   CASE WHEN a.people >= 2 * %(min)s THEN {SEV.HIGH} ELSE {SEV.MEDIUM} END
                     AS severity,
                   {jsonb_routes_with_agency(self.routes, "sp.registered_by_id")} AS routed_to,
                   'Penjamin ' || sp.name || ' menjamin sedikitnya ' || %(min)s
                     || ' orang asing dengan pelanggaran yang masih terbuka. Penjamin '
                     || 'bertanggung jawab atas keberadaan dan kegiatan orang asing yang '
                     || 'dijaminnya (' || %(cite)s || ').' AS reason,
                   'Sponsor ' || sp.name || ' sponsors at least ' || %(min)s
                     || ' foreign nationals with open violations. A sponsor answers for the '
                     || 'presence and activities of the people it sponsors (' || %(cite_en)s
                     || ').' AS reason_en,
                   jsonb_build_object('sponsor', sp.name, 'sponsor_id', sp.id,
                                      'min_violations', %(min)s::int) AS evidence
            FROM (
                SELECT p.sponsor_id, count(DISTINCT f.foreigner_id) AS people
                FROM reports_flag f
                JOIN foreigners_staypermit p ON p.id = f.permit_id
                WHERE f.state IN {OPEN_STATES_SQL} AND f.rule = ANY(%(rules)s::text[])
                  AND p.sponsor_id IS NOT NULL
                GROUP BY p.sponsor_id
                HAVING count(DISTINCT f.foreigner_id) >= %(min)s
            ) a
            JOIN foreigners_sponsor sp ON sp.id = a.sponsor_id
        """
        return sql, {
            **self.cite_params(),
            "min": ctx.settings.sponsor_min_violations,
            "rules": SPONSOR_VIOLATION_RULES,
        }


class EntryBanListed(Rule):
    """A registered person matches an active entry on the entry-ban list kept by the Kanim: by
    a travel document (number and issuing country) or by name and date of birth (and
    nationality, when the entry gives one).

    Legal basis: UU 6/2011 Pasal 102 as amended by UU 63/2024 (penangkalan). Subject: the
    person. Severity CRITICAL; routed to Imigrasi and Polres. Closes when the ban is lifted or
    expires.
    """

    code = "person.entry_ban"
    subject_type = Flag.SubjectType.FOREIGNER
    title = _("On the entry-ban list")
    citations = (Citation(UU6, "102"),)
    routes = ("imigrasi", "polres")

    def candidates(self, ctx: RuleContext) -> tuple[str, dict]:
        active = """b.listed_on <= %(today)s::date
            AND (b.until IS NULL OR b.until >= %(today)s::date)
            AND (b.lifted_on IS NULL OR b.lifted_on > %(today)s::date)"""
        sql = f"""
            SELECT DISTINCT ON (x.foreigner_id)
                   x.foreigner_id AS subject_id, x.foreigner_id, NULL::bigint AS permit_id,
                   x.document_id, NULL::bigint AS sighting_id, {SEV.CRITICAL} AS severity,
                   {jsonb_kinds(self.routes)} AS routed_to,
                   'Orang asing ini cocok dengan daftar penangkalan ('
                     || CASE WHEN x.document_id IS NULL THEN 'nama dan tanggal lahir'
                             ELSE 'dokumen perjalanan ' || b.document_country || ' '
                                  || b.document_number END
                     || '; tercatat ' || {iso("b.listed_on")}
                     || COALESCE(', keputusan ' || NULLIF(b.decision_number, ''), '')
                     || '). Orang yang ditangkal dilarang masuk wilayah Indonesia ('
                     || %(cite)s || ' sebagaimana diubah UU 63/2024).' AS reason,
                   'This foreign national matches the entry-ban list ('
                     || CASE WHEN x.document_id IS NULL THEN 'name and date of birth'
                             ELSE 'travel document ' || b.document_country || ' '
                                  || b.document_number END
                     || '; listed ' || {iso("b.listed_on")}
                     || COALESCE(', decision ' || NULLIF(b.decision_number, ''), '')
                     || '). A person under an entry ban may not enter Indonesia ('
                     || %(cite_en)s || ' as amended by Law 63/2024).' AS reason_en,
                   jsonb_build_object('entry_ban_id', b.id, 'listed_on', b.listed_on,
                                      'ban_until', b.until,
                                      'matched_on', CASE WHEN x.document_id IS NULL
                                                         THEN 'person' ELSE 'document' END)
                     AS evidence
            FROM (
                SELECT b.id AS ban_id, d.foreigner_id, d.id AS document_id
                FROM foreigners_entryban b
                JOIN foreigners_traveldocument d
                  ON d.issuing_country = b.document_country AND d.number = b.document_number
                WHERE b.document_number <> '' AND {active}
                UNION ALL
                SELECT b.id, fo.id, NULL::bigint
                FROM foreigners_entryban b
                JOIN foreigners_foreigner fo
                  ON fo.search_name = b.search_name AND fo.birth_date = b.birth_date
                 AND (b.nationality = '' OR b.nationality = fo.nationality)
                WHERE b.family_name <> '' AND b.birth_date IS NOT NULL AND {active}
            ) x
            JOIN foreigners_entryban b ON b.id = x.ban_id
            ORDER BY x.foreigner_id, x.document_id NULLS LAST, b.listed_on DESC, b.id
        """
        return sql, {**self.cite_params(), "today": ctx.today}
