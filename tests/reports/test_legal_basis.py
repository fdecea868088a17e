"""Each rule's citations are data, listed with their source text in docs/LEGAL_BASIS.md, and
rendered in the reader's language."""

import re
from pathlib import Path

import pytest

from reports.rules import RULES
from reports.rules.citations import Citation

DOC = Path(__file__).resolve().parents[2] / "docs" / "LEGAL_BASIS.md"


def _table_first_column(heading: str) -> set[str]:
    text = DOC.read_text()
    section = text.split(f"## {heading}", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([^`]+)` \|", section, re.M))


def test_every_rule_cites_at_least_one_provision():
    assert all(rule.citations for rule in RULES.values())


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_citation_of_every_rule_names_its_source_text(code):
    listed = _table_first_column("Provisions cited")
    assert {c.key for c in RULES[code].citations} <= listed


def test_every_rule_is_in_the_legal_basis_table():
    assert set(RULES) == _table_first_column("Rules and what they cite")


def test_overstay_fee_is_pasal_78_ayat_1_and_deportation_ayat_3():
    keys = [c.key for c in RULES["permit.overstay"].citations]
    assert "UU 6/2011 78(1)" in keys and "UU 6/2011 78(3)" in keys
    assert "UU 6/2011 78(2)" not in keys


@pytest.mark.parametrize(
    ("citation", "indonesian", "english"),
    [
        (Citation("UU 6/2011", "78", "1"), "UU 6/2011 Pasal 78 ayat (1)", "Law 6/2011 Art. 78(1)"),
        (
            Citation("UU 6/2011", "122", letter="a"),
            "UU 6/2011 Pasal 122 huruf a",
            "Law 6/2011 Art. 122(a)",
        ),
        (
            Citation("PP 31/2013", "143"),
            "PP 31/2013 Pasal 143",
            "Government Regulation 31/2013 Art. 143",
        ),
    ],
)
def test_citation_is_shown_in_the_readers_language(citation, indonesian, english):
    assert citation.text("id") == indonesian
    assert citation.text("en") == english


def test_an_unknown_instrument_kind_is_refused():
    with pytest.raises(ValueError):
        Citation("Perpres 1/2020", "1")


def test_rule_settings_help_cites_the_right_paragraph():
    from reports.models import RuleSettings

    help_text = str(RuleSettings._meta.get_field("overstay_fine_per_day").help_text)
    assert "Pasal 78 ayat (1)" in help_text and "PP 45/2024" in help_text
    assert "78(2)" not in help_text and "PP 28/2019" not in help_text
