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
    "fine_per_day": EvidenceKey(None, _("Fine per day (Rupiah)")),
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
    "days_after_expiry": EvidenceKey(Category.PERMIT, _("Days after the permit ended")),
    "days_left": EvidenceKey(Category.PERMIT, _("Days left")),
    "days_overstayed": EvidenceKey(Category.PERMIT, _("Days overstayed")),
    "deportation_recommended": EvidenceKey(Category.PERMIT, _("Deportation recommended")),
    "fine_estimate": EvidenceKey(Category.PERMIT, _("Estimated fine (Rupiah)")),
    "permit_kind": EvidenceKey(Category.PERMIT, _("Permit kind")),
    "permit_valid_until": EvidenceKey(Category.PERMIT, _("Permit valid until")),
    "valid_until": EvidenceKey(Category.PERMIT, _("Valid until")),
    "visa_index": EvidenceKey(Category.PERMIT, _("Visa index")),
    "expires_on": EvidenceKey(Category.DOCUMENT, _("Expires on")),
    "registered_kecamatan": EvidenceKey(Category.RESIDENCE, _("Registered kecamatan")),
}


def evidence_label(key: str) -> str:
    """The translated label of an evidence key; an unknown key shows as is."""
    spec = EVIDENCE.get(key)
    return str(spec.label) if spec else key


def _evidence_key_readable(access, key: str) -> bool:
    if access.is_system_admin:
        return True
    if key not in EVIDENCE:
        return False  # an unclassified key is masked
    category = EVIDENCE[key].category
    return category is None or access.can_read(category)


def visible_evidence(access, evidence) -> list[tuple[str, object]]:
    if not isinstance(evidence, dict):
        return []
    return sorted(
        (key, value) for key, value in evidence.items() if _evidence_key_readable(access, key)
    )


def reason_visible(access, evidence) -> bool:
    """A flag's reason sentence quotes its evidence (permit kind, days overstayed, …), so it is
    shown only to a user who may read every evidence key of that flag."""
    keys = evidence.keys() if isinstance(evidence, dict) else ()
    return all(_evidence_key_readable(access, key) for key in keys)


def reasons_readable(access) -> bool:
    """Whether ``access`` may read every flag's reason whatever its rule: every category the
    evidence of any rule draws on. Alerts written in bulk use this conservative test."""
    return access.is_system_admin or all(
        access.can_read(category)
        for category in {k.category for k in EVIDENCE.values()}
        if category
    )
