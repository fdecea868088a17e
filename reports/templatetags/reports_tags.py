"""Template helpers of the report pages."""

from django import template
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from agencies.access import access_for
from foreigners.models import COUNTRY_LABELS, StayPermit
from reports.evidence import evidence_label as _evidence_label
from reports.figures import flag_evidence_live
from reports.models import RuleSettings
from reports.models import rule_title as models_rule_title
from reports.reasons import evidence_value as _evidence_value
from reports.reasons import flag_reason_for
from reports.rules import RULES
from reports.selectors import flag_quoted_visible

register = template.Library()


rule_title = register.filter("rule_title", models_rule_title)


@register.filter
def bar_label(value: str, field: str) -> str:
    """The reader's words for a dashboard bar's key: a country's name for a nationality code,
    the permit kind's label for a kind, a rule's title for a rule code."""
    if field == "nationality":
        return str(COUNTRY_LABELS.get(value, value))
    if field == "kind":
        return str(dict(StayPermit.Kind.choices).get(value, value))
    if field == "rule":
        return rule_title(value)
    return value


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


@register.filter
def evidence_value(value, key: str) -> str:
    """``{{ value|evidence_value:key }}``: the value in the reader's words, never a stored code,
    ``True`` or a bare number (reports.reasons.evidence_value)."""
    return _evidence_value(key, value)
