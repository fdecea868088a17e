"""Template helpers of the report pages."""

from django import template
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from agencies.access import access_for
from reports.evidence import evidence_label as _evidence_label
from reports.figures import flag_evidence_live
from reports.models import RuleSettings
from reports.reasons import flag_reason_for
from reports.rules import RULES
from reports.selectors import flag_quoted_visible

register = template.Library()


@register.filter
def rule_title(code: str) -> str:
    """The translated title of a flag rule (``permit.overstay`` → "Overstay"); the code itself
    for a rule that no longer exists."""
    rule = RULES.get(code)
    return str(rule.title) if rule is not None and rule.title else code


@register.filter
def rule_legal_basis(code: str) -> str:
    """The provisions a rule applies, in the reader's language (its citations are data)."""
    rule = RULES.get(code)
    return rule.legal_basis if rule is not None else ""


@register.simple_tag(takes_context=True)
def flag_reason(context, flag, chars: int = 0) -> str:
    """The flag's reason rendered from its evidence and live figures in the current language,
    or a "restricted" note when it quotes evidence the user may not read
    (reports.reasons.flag_reason_for)."""
    access = access_for(context["request"].user)
    # One settings row per page, not per flag.
    if "rule_settings" not in context.render_context:
        context.render_context["rule_settings"] = RuleSettings.load()
    live = flag_evidence_live(flag, settings=context.render_context["rule_settings"])
    text = flag_reason_for(access, flag, evidence=live, quoted_visible=flag_quoted_visible(flag))
    if text is None:
        return str(_("Details restricted: they quote data your agency may not read."))
    return Truncator(text).chars(chars) if chars else text


@register.filter
def evidence_label(key: str) -> str:
    return _evidence_label(key)
