"""Template helpers of the report pages."""

from django import template
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from agencies.access import access_for
from reports.evidence import evidence_label as _evidence_label
from reports.evidence import reason_visible
from reports.rules import RULES

register = template.Library()


@register.filter
def rule_title(code: str) -> str:
    """The translated title of a flag rule (``permit.overstay`` → "Overstay"); the code itself
    for a rule that no longer exists."""
    rule = RULES.get(code)
    return str(rule.title) if rule is not None and rule.title else code


@register.simple_tag(takes_context=True)
def flag_reason(context, flag, chars: int = 0) -> str:
    """The flag's reason in the current language, or a "restricted" note when the sentence
    quotes evidence the user may not read (reports.evidence.reason_visible)."""
    if not reason_visible(access_for(context["request"].user), flag.evidence):
        return str(_("Details restricted: they quote data your agency may not read."))
    english = (get_language() or "").startswith("en") and flag.reason_en
    text = flag.reason_en if english else flag.reason
    return Truncator(text).chars(chars) if chars else text


@register.filter
def evidence_label(key: str) -> str:
    return _evidence_label(key)
