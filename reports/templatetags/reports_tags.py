"""Template helpers of the report pages."""

from django import template
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from agencies.access import access_for
from reports.reasons import flag_reason_text
from reports.rules import RULES
from reports.selectors import flag_quoted_visible, reason_visible

register = template.Library()


@register.filter
def rule_title(code: str) -> str:
    """The translated title of a flag rule (``permit.overstay`` → "Overstay"); the code itself
    for a rule that no longer exists."""
    rule = RULES.get(code)
    return str(rule.title) if rule is not None and rule.title else code


@register.simple_tag(takes_context=True)
def flag_reason(context, flag, chars: int = 0) -> str:
    """The flag's reason rendered from its evidence in the current language (reports.reasons),
    or a "restricted" note when it quotes evidence the user may not read
    (reports.selectors.reason_visible)."""
    access = access_for(context["request"].user)
    if not reason_visible(access, flag.evidence, quoted_visible=flag_quoted_visible(flag)):
        return str(_("Details restricted: they quote data your agency may not read."))
    text = flag_reason_text(flag)
    return Truncator(text).chars(chars) if chars else text


# Labels of the keys rules write into Flag.evidence (reports/rules/); an unknown key shows as is.
EVIDENCE_LABELS = {
    "activity": _("Activity"),
    "apparent_nationality": _("Apparent nationality"),
    "as_of": _("As of"),
    "days_after_expiry": _("Days after the permit ended"),
    "days_left": _("Days left"),
    "days_overstayed": _("Days overstayed"),
    "deportation_recommended": _("Deportation recommended"),
    "expires_on": _("Expires on"),
    "fine_estimate": _("Estimated fine (Rupiah)"),
    "fine_per_day": _("Fine per day (Rupiah)"),
    "kecamatan": _("Kecamatan"),
    "last_seen": _("Last seen"),
    "observed_on": _("Observed on"),
    "permit_kind": _("Permit kind"),
    "permit_valid_until": _("Permit valid until"),
    "reference": _("Reference"),
    "region": _("Region"),
    "registered_kecamatan": _("Registered kecamatan"),
    "sightings": _("Sightings"),
    "valid_until": _("Valid until"),
    "visa_index": _("Visa index"),
    "window": _("Election watch window"),
    "window_id": _("Election watch window"),
}


@register.filter
def evidence_label(key: str) -> str:
    return str(EVIDENCE_LABELS.get(key, key))
