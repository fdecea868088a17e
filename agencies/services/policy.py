"""Writes to the access policy (DESIGN.md §4.1)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..access import access_changed
from ..categories import Category, Level
from ..models import Agency, PolicyChange, PolicyRule
from ..policy_defaults import default_rules


@transaction.atomic
def policy_seed() -> int:
    """Create the policy rows of DESIGN.md §4 that do not exist yet; never overwrites a cell the
    system admin changed. Returns how many rows it created."""
    existing = set(PolicyRule.objects.values_list("agency_kind", "category"))
    rows = [
        PolicyRule(agency_kind=kind, category=category, level=level, subset=subset)
        for kind, category, level, subset in default_rules()
        if (kind, category) not in existing
    ]
    PolicyRule.objects.bulk_create(rows)
    if rows:
        access_changed()
    return len(rows)


@transaction.atomic
def policy_set(
    *,
    agency_kind: str,
    category: str,
    level: str,
    subset: list[str] | None = None,
    changed_by=None,
):
    """Set one cell of the policy and log the change (who, when, old → new) in the same
    transaction. Setting a cell to what it is records nothing."""
    if agency_kind not in Agency.Kind.values:
        raise ValidationError({"agency_kind": _("Unknown agency kind.")})
    if category not in Category.ALL:
        raise ValidationError({"category": _("Unknown data category.")})
    if level not in Level.ORDER:
        raise ValidationError({"level": _("Unknown level.")})
    rule = (
        PolicyRule.objects.select_for_update()
        .filter(agency_kind=agency_kind, category=category)
        .first()
    )
    old_level = rule.level if rule else Level.NONE
    old_subset = list(rule.subset) if rule else []
    new_subset = old_subset if subset is None else [s.strip() for s in subset if s.strip()]
    if rule is None:
        rule = PolicyRule(agency_kind=agency_kind, category=category)
    if (old_level, old_subset) == (level, new_subset) and rule.pk:
        return rule
    rule.level, rule.subset = level, new_subset
    rule.save()
    PolicyChange.objects.create(
        agency_kind=agency_kind,
        category=category,
        old_level=old_level,
        new_level=level,
        old_subset=old_subset,
        new_subset=new_subset,
        changed_by=changed_by,
    )
    return rule
