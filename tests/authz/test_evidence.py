"""Flag evidence is masked key by key (reports.evidence.EVIDENCE); a key the rules
write must be classified there, or nobody but the system admin sees it."""

import re
from pathlib import Path

import pytest

from agencies.access import Access
from reports.evidence import EVIDENCE, evidence_label, visible_evidence
from reports.models import Flag
from reports.rules import rules_run
from tests.reports.conftest import TODAY
from tests.reports.world import build_world

RULES = Path(__file__).resolve().parents[2] / "reports" / "rules"
BLOCK = re.compile(r"jsonb_build_object\((.*?)\)\s+AS evidence", re.S)
KEY = re.compile(r"(?:^|,)\s*'([a-z_]+)'\s*,")


def rule_evidence_keys() -> set[str]:
    keys = set()
    for path in RULES.glob("*.py"):
        for block in BLOCK.findall(path.read_text()):
            keys |= set(KEY.findall(block))
    return keys


def test_every_evidence_key_the_rules_write_is_classified():
    keys = rule_evidence_keys()
    assert len(keys) >= 10  # the pattern still finds the rules' evidence
    assert keys - set(EVIDENCE) == set()


def test_evidence_is_masked_by_category_and_unknown_keys_are_hidden():
    evidence = {"permit_kind": "ITAS", "registered_kecamatan": "73.72.03", "as_of": "x", "new": 1}
    kemenag = Access(user_id=1, agency_id=1, levels={"identity": "read", "flag": "read"})
    polres = Access(
        user_id=2,
        agency_id=2,
        levels={"permit.status": "read", "residence": "read"},
        scope_codes=("73.72",),
    )
    root = Access(user_id=3, scope_codes=None, is_system_admin=True)
    assert dict(visible_evidence(kemenag, evidence)) == {"as_of": "x"}
    assert dict(visible_evidence(polres, evidence)) == {
        "permit_kind": "ITAS",
        "registered_kecamatan": "73.72.03",
        "as_of": "x",
    }
    assert dict(visible_evidence(root, evidence)) == evidence


@pytest.mark.django_db
def test_every_key_the_rules_actually_write_is_declared_with_a_label(regions):
    """Beside reading the rules' SQL: run every rule on a world that fires each of them."""
    build_world(TODAY)
    results = rules_run(today=TODAY)
    assert all(r.opened for r in results)
    written = set()
    for evidence in Flag.objects.values_list("evidence", flat=True):
        written |= set(evidence)
    assert len(written) >= 10
    assert written - set(EVIDENCE) == set()
    assert all(evidence_label(key) != key for key in written)


def test_evidence_quoting_a_record_is_masked_unless_the_reader_sees_it():
    """A residence outside the reader's scope, a sighting the reader cannot open and sightings
    aggregated over kecamatan outside the scope are not shown, whatever the categories."""
    camat = Access(
        user_id=4,
        agency_id=4,
        levels={"residence": "read", "sighting": "read", "flag": "read"},
        subsets={"sighting": ("*",)},
        scope_codes=("73.72.03",),
    )
    quoted = {"reference": "LAP-1", "activity": "work", "as_of": "x"}
    assert dict(visible_evidence(camat, quoted)) == quoted
    assert dict(visible_evidence(camat, quoted, quoted_visible=False)) == {"as_of": "x"}
    elsewhere = {"registered_kecamatan": "73.72.02", "kecamatan": ["73.72.03"], "sightings": 3}
    assert dict(visible_evidence(camat, elsewhere)) == {"kecamatan": ["73.72.03"], "sightings": 3}
    away = {"kecamatan": ["73.72.03", "73.72.04"], "sightings": 3}
    assert dict(visible_evidence(camat, away)) == {}
