"""The apps depend one way, reports → foreigners → agencies (and devdata, timpora above them):
a lower app never names, imports or queries a higher app's models by any route. Imports are
checked by import-linter (the contracts in pyproject.toml); the routes around imports (a label
or table in a string, ``apps.get_model``, ``import_string``, a reverse relation's
``related_model``) by reading the lower apps' code."""

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[2]

# Each lower app and the apps above it, whose names it must not mention (the project package
# ``timpora`` is also the product's name in keys and logs: import-linter covers its imports).
HIGHER = {
    "agencies": ("foreigners", "reports", "devdata"),
    "foreigners": ("reports", "devdata"),
    "reports": ("devdata",),
}
# Calls that reach a model or module by a string: a lower app has no use for them.
BY_STRING = {"get_model", "import_string", "import_module", "related_model"}


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def reverse_query_names(app: str, higher: tuple[str, ...]) -> set[str]:
    """The query names of the relations higher apps' models point at ``app``'s models with
    (``Agency.sightings``): a lookup through them queries the higher app."""
    return {
        field.name
        for model in django_apps.get_app_config(app).get_models()
        for field in model._meta.get_fields()
        if field.auto_created and field.is_relation and field.related_model is not None
        if field.related_model._meta.app_label in higher
    }


def mentions(
    path: Path, higher: tuple[str, ...], root: Path = ROOT, reverse_names: frozenset = frozenset()
) -> list[str]:
    """The strings and names of ``path``'s code (docstrings and comments aside) that name a
    higher app: its label (``"reports"``), a model path (``reports.Sighting``), a table
    (``reports_flag``), a by-string lookup, or a lookup through a reverse relation
    (``sightings__pk=…``)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    skip = _docstrings(tree)
    names = "|".join(higher)
    # The label alone, or followed by a module, model or table name ("reports.Sighting",
    # "reports_flag"); prose that uses the word ("its own reports") is fine.
    label = re.compile(rf"^({names})$|\b({names})[._][A-Za-z]")
    by_string = set() if "migrations" in path.parts else BY_STRING
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            lookup = "__" in node.value and node.value.split("__")[0] in reverse_names
            if label.search(node.value) or lookup:
                found.append(f"{path.relative_to(root)}:{node.lineno}: {node.value!r}")
        elif isinstance(node, ast.keyword) and node.arg:
            if node.arg.split("__")[0] in reverse_names:
                found.append(f"{path.relative_to(root)}:{node.value.lineno}: {node.arg}=")
        elif isinstance(node, ast.Attribute | ast.Name):
            name = node.attr if isinstance(node, ast.Attribute) else node.id
            if name in by_string:
                found.append(f"{path.relative_to(root)}:{node.lineno}: {name}")
        elif isinstance(node, ast.Import | ast.ImportFrom):
            imported = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
            if any(label.search(n) for n in imported):
                found.append(f"{path.relative_to(root)}:{node.lineno}: import {imported}")
    return sorted(found, key=lambda line: int(line.split(":")[1]))


def test_import_contracts_hold():
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0


@pytest.mark.parametrize("app", sorted(HIGHER))
def test_lower_app_code_never_names_a_higher_app(app):
    reverse_names = frozenset(reverse_query_names(app, HIGHER[app]))
    assert app != "agencies" or "sightings" in reverse_names  # Agency.sightings (reports)
    found = []
    for path in sorted((ROOT / app).rglob("*.py")):
        found += mentions(path, HIGHER[app], reverse_names=reverse_names)
    assert found == []


def test_the_scan_finds_what_it_forbids(tmp_path):
    """The check itself: each route around an import is reported; docstrings are not."""
    source = tmp_path / "sample.py"
    source.write_text(
        '"""Mentions reports in prose only."""\n'
        "from django.apps import apps\n"
        'A = apps.get_model("reports.Sighting")\n'
        'B = "SELECT 1 FROM reports_flag"\n'
        'C = Foreigner._meta.get_field("sightings").related_model\n'
        "from reports import selectors\n"
        "D = Agency.objects.filter(sightings__pk=1).values('sightings__id')\n"
    )
    found = mentions(source, ("reports",), root=tmp_path, reverse_names=frozenset({"sightings"}))
    assert [line.split(":")[1] for line in found] == ["3", "3", "4", "5", "6", "7", "7"]
