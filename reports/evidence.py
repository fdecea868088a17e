"""Flag evidence: the keys the rules write into ``Flag.evidence``, each declared once with the
data category it reveals and its label, and the masking built on them.

A key whose category the user may not read is not shown; a key missing here is not shown to
anyone but the system admin (deny by default: declare a new key when a rule starts writing it).
``None`` as category: the key reveals nothing about a person (dates of the run, tariffs).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from agencies.access import Category


@dataclass(frozen=True)
class EvidenceKey:
    category: str | None
    label: str | Promise


EVIDENCE: dict[str, EvidenceKey] = {
    "as_of": EvidenceKey(None, _("As of")),
    "fine_per_day": EvidenceKey(None, _("Fee per day (Rupiah)")),
    "window": EvidenceKey(None, _("Election watch window")),
    "window_id": EvidenceKey(None, _("Election watch window")),
    "activity": EvidenceKey(Category.SIGHTING, _("Activity")),
    "apparent_nationality": EvidenceKey(Category.SIGHTING, _("Apparent nationality")),
    "kecamatan": EvidenceKey(Category.SIGHTING, _("Kecamatan")),
    "last_seen": EvidenceKey(Category.SIGHTING, _("Last seen")),
    "observed_on": EvidenceKey(Category.SIGHTING, _("Observed on")),
    "reference": EvidenceKey(Category.SIGHTING, _("Reference")),
    "region": EvidenceKey(Category.SIGHTING, _("Region")),
    "sightings": EvidenceKey(Category.SIGHTING, _("Sightings")),
    "days_after_expiry": EvidenceKey(Category.PERMIT_STATUS, _("Days after the permit ended")),
    "days_left": EvidenceKey(Category.PERMIT_STATUS, _("Days left")),
    "days_overstayed": EvidenceKey(Category.PERMIT_STATUS, _("Days overstayed")),
    "deportation_recommended": EvidenceKey(Category.PERMIT_STATUS, _("Deportation recommended")),
    "fine_estimate": EvidenceKey(Category.PERMIT_STATUS, _("Estimated fee (Rupiah)")),
    "permit_kind": EvidenceKey(Category.PERMIT_STATUS, _("Permit kind")),
    "permit_valid_until": EvidenceKey(Category.PERMIT_STATUS, _("Permit valid until")),
    "valid_until": EvidenceKey(Category.PERMIT_STATUS, _("Valid until")),
    "visa_index": EvidenceKey(Category.PERMIT, _("Visa index")),
    "expires_on": EvidenceKey(Category.DOCUMENT, _("Expires on")),
    "registered_kecamatan": EvidenceKey(Category.RESIDENCE, _("Registered kecamatan")),
    # Stays, coverage and the duties (issue 11: reports/rules/permits.py, duties.py). Coverage
    # starts and the days counted from them follow from the kind, validity and state of each
    # permit (permit.status, the camat's "type and validity"); what comes from an entry or an
    # exit (its day, and the days counted from it) is movement data, permit.detail.
    "min_violations": EvidenceKey(None, _("Open violations needed")),
    "cancelled_on": EvidenceKey(Category.PERMIT_STATUS, _("Cancelled on")),
    "covered_from": EvidenceKey(Category.PERMIT_STATUS, _("Covered since")),
    "itas_from": EvidenceKey(Category.PERMIT_STATUS, _("ITAS since")),
    "report_by": EvidenceKey(Category.PERMIT_STATUS, _("Report due by")),
    "entered_on": EvidenceKey(Category.PERMIT, _("Entered on")),
    "itas_by": EvidenceKey(Category.PERMIT, _("ITAS due by")),
    "left_on": EvidenceKey(Category.PERMIT, _("Left Indonesia on")),
    "residence_missing": EvidenceKey(Category.RESIDENCE, _("Residence missing")),
    "sktt_missing": EvidenceKey(Category.RESIDENCE, _("SKTT missing")),
    "sponsor": EvidenceKey(Category.EMPLOYMENT, _("Sponsor")),
    "sponsor_id": EvidenceKey(Category.EMPLOYMENT, _("Sponsor")),
    # Listing a person on the entry-ban list is an immigration administrative action (UU 6/2011
    # Pasal 75 ayat (2) huruf a), and the list is kept under the enforcement category (its
    # admin needs it): a reader without it sees the flag's title, not the listing's details.
    "ban_until": EvidenceKey(Category.ENFORCEMENT, _("Entry ban until")),
    "entry_ban_id": EvidenceKey(Category.ENFORCEMENT, _("Entry-ban entry")),
    "listed_on": EvidenceKey(Category.ENFORCEMENT, _("Listed on")),
    "matched_on": EvidenceKey(Category.ENFORCEMENT, _("Matched on")),
}


def evidence_label(key: str) -> str:
    """The translated label of an evidence key; an unknown key shows as is."""
    spec = EVIDENCE.get(key)
    return str(spec.label) if spec else key


# Keys that quote the flag's sighting (its reference, place, activity, day): shown only to a
# reader who may see that sighting, whatever their categories.
EVIDENCE_QUOTES_SIGHTING = frozenset(
    {"reference", "activity", "apparent_nationality", "observed_on", "region"}
)
# Keys aggregated over several sightings (where, how often and when a person was seen): shown
# only to a reader who sees every sighting of the kecamatan they name.
EVIDENCE_AGGREGATES_SIGHTINGS = frozenset({"kecamatan", "sightings", "last_seen"})
# Keys holding a region code of a region-bound category: readable inside the reader's scope.
EVIDENCE_REGION_KEYS = {"registered_kecamatan": Category.RESIDENCE}


def _evidence_key_readable(access, key: str, evidence=None, quoted_visible: bool = True) -> bool:
    if access.is_system_admin:
        return True
    if key not in EVIDENCE:
        return False  # an unclassified key is masked
    category = EVIDENCE[key].category
    if category is not None and not access.can_read(category):
        return False
    if key in EVIDENCE_QUOTES_SIGHTING and not quoted_visible:
        return False
    value = evidence.get(key) if isinstance(evidence, dict) else None
    if key in EVIDENCE_AGGREGATES_SIGHTINGS:
        codes = (evidence or {}).get("kecamatan") or []
        codes = codes if isinstance(codes, list) else [codes]
        return access.sees_whole(Category.SIGHTING) and all(access.in_scope(str(c)) for c in codes)
    if key in EVIDENCE_REGION_KEYS:
        return access.in_scope(str(value)) if value else True
    return True


def visible_evidence(access, evidence, *, quoted_visible: bool = True) -> list[tuple[str, object]]:
    """The evidence keys the reader may see: each key's category, and for keys quoting a record
    (the flag's sighting, a residence, sightings elsewhere) that record's own visibility
    (``quoted_visible``: whether the reader sees the flag's sighting)."""
    if not isinstance(evidence, dict):
        return []
    return sorted(
        (key, value)
        for key, value in evidence.items()
        if _evidence_key_readable(access, key, evidence, quoted_visible)
    )


def reason_visible(access, evidence, *, quoted_visible: bool = True) -> bool:
    """A flag's reason sentence quotes its evidence (permit kind, days overstayed, the
    sighting's reference …), so it is shown only to a user who may read every evidence key of
    that flag, including the records it quotes."""
    keys = evidence.keys() if isinstance(evidence, dict) else ()
    return all(_evidence_key_readable(access, key, evidence, quoted_visible) for key in keys)


def reasons_readable(access) -> bool:
    """Whether ``access`` may read every flag's reason whatever its rule: every category the
    evidence of any rule draws on. Alerts written in bulk use this conservative test."""
    return access.is_system_admin or all(
        access.can_read(category)
        for category in {k.category for k in EVIDENCE.values()}
        if category
    )
