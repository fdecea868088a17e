"""Template helpers of the report pages."""

from django import template

from reports.rules import RULES

register = template.Library()


@register.filter
def rule_title(code: str) -> str:
    """The translated title of a flag rule (``permit.overstay`` → "Overstay"); the code itself
    for a rule that no longer exists."""
    rule = RULES.get(code)
    return str(rule.title) if rule is not None and rule.title else code
