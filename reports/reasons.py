"""Flag reasons rendered at display time from the evidence, in the reader's language.

A reason is a function of its flag's evidence (the rule writes facts, not sentences), so the same
flag reads in Bahasa Indonesia or English through gettext, and a reader sees it only where they
may read every fact it quotes (``reports.evidence.reason_visible``): :func:`flag_reason_for`.
Evidence a renderer does not understand (written by an older rule version) falls back to the
sentences stored with the flag, for readers of every category only.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import get_language, gettext, ngettext

from agencies.formats import moment_text
from foreigners.models import COUNTRY_LABELS, StayPermit

from .evidence import reason_visible, reasons_readable
from .models import Sighting
from .rules import RULES


def _money(value) -> str:
    return number_format(int(value), force_grouping=True)


def _day(value) -> str:
    """A day of the evidence (ISO text in the JSON: a date, or a moment taken as its WITA day)
    in the reader's language: 31 Des 2026. The text is kept per day, language and zone
    (agencies.formats): an inbox page formats two days for each of its 50 flags."""
    moment = value if isinstance(value, dt.date) else dt.datetime.fromisoformat(str(value))
    if isinstance(moment, dt.datetime):
        moment = (timezone.localtime(moment) if timezone.is_aware(moment) else moment).date()
    return moment_text(moment, "j M Y")


_MONEY_KEYS = frozenset({"fine_per_day", "fine_estimate"})
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}([T ][0-9:.+-]+Z?)?$")


def evidence_value(key: str, value) -> str:
    """One evidence value in the reader's words: yes/no, a dash for nothing, Rupiah with the
    language's grouping (Rp 1.000.000), days as "31 Des 2026", a permit kind, activity or
    country by its label; lists joined."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, list | tuple):
        return ", ".join(evidence_value(key, v) for v in value)
    if key in _MONEY_KEYS and isinstance(value, int | float | str) and str(value).isdigit():
        return f"Rp {_money(value)}"
    if isinstance(value, int | float):
        return number_format(value, force_grouping=True)
    if isinstance(value, dt.date) or (isinstance(value, str) and _ISO_DAY.match(value)):
        try:
            return _day(value)
        except ValueError:
            return str(value)
    labels = _VALUE_LABELS.get(key)
    if labels is not None:
        return str(labels().get(value, value))
    return str(value)


_VALUE_LABELS = {
    "permit_kind": lambda: dict(StayPermit.Kind.choices),
    "activity": lambda: dict(Sighting.Activity.choices),
    "apparent_nationality": lambda: COUNTRY_LABELS,
}


def _law(code: str) -> str:
    """The provisions rule ``code`` applies, in the reader's language (citations are data the
    rule declares, reports.rules.citations)."""
    return RULES[code].legal_basis


def _permit_expiring(e: dict) -> str:
    return gettext(
        "The %(kind)s stay permit ends on %(until)s, in %(days)s days; the holder must extend it "
        "or leave (UU 6/2011 Art. 78)."
    ) % {"kind": e["permit_kind"], "until": _day(e["valid_until"]), "days": e["days_left"]}


def _permit_overstay(e: dict) -> str:
    values = {"until": _day(e["valid_until"]), "days": e["days_overstayed"]}
    if e.get("deportation_recommended"):
        # Past the threshold the sanction is deportation (ayat 3), not a fee (the live figures
        # give no fee then).
        text = gettext(
            "The stay permit ended on %(until)s and no exit is recorded: %(days)s days of "
            "overstay (UU 6/2011 Art. 78)."
        )
        deport = gettext("Over 60 days: deportation and an entry ban (Art. 78(3)).")
        return f"{text % values} {deport}"
    return gettext(
        "The stay permit ended on %(until)s and no exit is recorded: %(days)s days of overstay, "
        "an estimated fee of Rp %(fine)s (UU 6/2011 Art. 78(1))."
    ) % {**values, "fine": _money(e["fine_estimate"])}


def _document_expired(e: dict) -> str:
    return gettext(
        "The travel document expired on %(expires)s while the stay permit is valid until "
        "%(until)s (UU 6/2011 Art. 71, Art. 75)."
    ) % {"expires": _day(e["expires_on"]), "until": _day(e["permit_valid_until"])}


def _sighting_unregistered(e: dict) -> str:
    return gettext(
        "Report %(reference)s: a foreign national with no record in the register was seen on "
        "%(day)s (UU 6/2011 Art. 71, Art. 75)."
    ) % {"reference": e["reference"], "day": _day(e["observed_on"])}


def _sighting_after_expiry(e: dict) -> str:
    return gettext(
        "Report %(reference)s: the foreign national was seen on %(day)s, %(days)s days after "
        "the stay permit ended on %(until)s (UU 6/2011 Art. 78)."
    ) % {
        "reference": e["reference"],
        "day": _day(e["observed_on"]),
        "days": e["days_after_expiry"],
        "until": _day(e["permit_valid_until"]),
    }


def _sighting_activity_mismatch(e: dict) -> str:
    return gettext(
        "Report %(reference)s: the foreign national was seen doing %(activity)s activity on "
        "%(day)s, which the %(kind)s permit does not allow (UU 6/2011 Art. 122(a), Art. 75)."
    ) % {
        "reference": e["reference"],
        "activity": e["activity"],
        "day": _day(e["observed_on"]),
        "kind": e["permit_kind"],
    }


def _sighting_outside_area(e: dict) -> str:
    return gettext(
        "Seen %(n)s times outside the kecamatan of the registered residence (%(home)s), last on "
        "%(last)s: a possible unreported change of address (UU 6/2011 Art. 71(a))."
    ) % {"n": e["sightings"], "home": e["registered_kecamatan"], "last": _day(e["last_seen"])}


def _sighting_political_watch(e: dict) -> str:
    return gettext(
        "Report %(reference)s: political activity by a foreign national on %(day)s during the "
        "watch window %(window)s (UU 6/2011 Art. 75, Art. 122(a))."
    ) % {"reference": e["reference"], "day": _day(e["observed_on"]), "window": e["window"]}


def _residence_unreported(e: dict) -> str:
    if e["residence_missing"] and e["sktt_missing"]:
        text = gettext(
            "The holder of an ITAS since %(since)s has reported neither a residence nor an SKTT, "
            "due by %(due)s (%(law)s)."
        )
    elif e["residence_missing"]:
        text = gettext(
            "The holder of an ITAS since %(since)s has not reported a residence, due by %(due)s "
            "(%(law)s)."
        )
    elif e["sktt_missing"]:
        text = gettext(
            "The holder of an ITAS since %(since)s has no SKTT issued for it, due by %(due)s "
            "(%(law)s)."
        )
    else:
        raise ValueError("nothing is missing")
    return text % {
        "since": _day(e["itas_from"]),
        "due": _day(e["report_by"]),
        "law": _law("residence.unreported"),
    }


def _itas_missing(e: dict) -> str:
    return gettext(
        "Entered on a limited-stay visa on %(entered)s, and no ITAS is recorded; it was due by "
        "%(due)s (%(law)s)."
    ) % {
        "entered": _day(e["entered_on"]),
        "due": _day(e["itas_by"]),
        "law": _law("permit.itas_missing"),
    }


def _itap_lapsed(e: dict) -> str:
    values = {"until": _day(e["valid_until"]), "law": _law("permit.itap_lapsed")}
    if e.get("left_on"):
        return gettext(
            "The ITAP valid until %(until)s has lapsed: the holder has been outside Indonesia "
            "since %(left)s, longer than an ITAP allows (%(law)s)."
        ) % {**values, "left": _day(e["left_on"])}
    text = gettext("The ITAP ended on %(until)s without an extension and has lapsed (%(law)s).")
    return text % values


def _cancelled_present(e: dict) -> str:
    values = {
        "kind": StayPermit.Kind(e["permit_kind"]).label,
        "law": _law("permit.cancelled_present"),
    }
    if e.get("cancelled_on"):
        return gettext(
            "%(kind)s cancelled on %(day)s: no new permit is recorded and the holder has no "
            "recorded exit from Indonesia (%(law)s)."
        ) % {**values, "day": _day(e["cancelled_on"])}
    text = gettext(
        "%(kind)s cancelled: no new permit is recorded and the holder has no recorded exit "
        "from Indonesia (%(law)s)."
    )
    return text % values


def _entry_without_permit(e: dict) -> str:
    return gettext(
        "Entered Indonesia on %(day)s, but no stay permit is recorded for this stay: check and "
        "record the permit (%(law)s)."
    ) % {"day": _day(e["entered_on"]), "law": _law("movement.entry_without_permit")}


def _sponsor_repeated_violations(e: dict) -> str:
    n = int(e["min_violations"])
    return ngettext(
        "Sponsor %(sponsor)s sponsors at least %(n)s foreign national with open violations; a "
        "sponsor answers for the presence and activities of the people it sponsors (%(law)s).",
        "Sponsor %(sponsor)s sponsors at least %(n)s foreign nationals with open violations; a "
        "sponsor answers for the presence and activities of the people it sponsors (%(law)s).",
        n,
    ) % {"sponsor": e["sponsor"], "n": n, "law": _law("sponsor.repeated_violations")}


def _entry_ban(e: dict) -> str:
    matched = {
        "person": gettext("by name and date of birth"),
        "document": gettext("by travel document"),
    }[e["matched_on"]]
    values = {"matched": matched, "listed": _day(e["listed_on"]), "law": _law("person.entry_ban")}
    if e.get("ban_until"):
        return gettext(
            "This foreign national matches the entry-ban list %(matched)s (listed on %(listed)s, "
            "until %(until)s): a person under an entry ban may not enter Indonesia (%(law)s as "
            "amended by Law 63/2024)."
        ) % {**values, "until": _day(e["ban_until"])}
    text = gettext(
        "This foreign national matches the entry-ban list %(matched)s (listed on %(listed)s, for "
        "life): a person under an entry ban may not enter Indonesia (%(law)s as amended by Law "
        "63/2024)."
    )
    return text % values


REASONS: dict[str, Callable[[dict], str]] = {
    "permit.expiring": _permit_expiring,
    "permit.overstay": _permit_overstay,
    "document.expired": _document_expired,
    "sighting.unregistered": _sighting_unregistered,
    "sighting.after_expiry": _sighting_after_expiry,
    "sighting.activity_mismatch": _sighting_activity_mismatch,
    "sighting.outside_area": _sighting_outside_area,
    "sighting.political_watch": _sighting_political_watch,
    "residence.unreported": _residence_unreported,
    "permit.itas_missing": _itas_missing,
    "permit.itap_lapsed": _itap_lapsed,
    "permit.cancelled_present": _cancelled_present,
    "movement.entry_without_permit": _entry_without_permit,
    "sponsor.repeated_violations": _sponsor_repeated_violations,
    "person.entry_ban": _entry_ban,
}


def _rendered(flag, evidence) -> str | None:
    render = REASONS.get(flag.rule)
    if render is None or not isinstance(evidence, dict):
        return None
    try:
        return render(evidence)
    except (KeyError, TypeError, ValueError):
        return None  # evidence of an older rule version


def _stored(flag) -> str:
    english = (get_language() or "").startswith("en") and flag.reason_en
    return flag.reason_en if english else flag.reason


def flag_reason_text(flag, *, evidence: dict | None = None) -> str:
    """The flag's reason in the active language, from ``evidence`` (the flag's evidence with
    its live figures, reports.figures.flag_evidence_live; the stored evidence by default), or
    the sentence stored with the flag where no renderer reads that evidence."""
    text = _rendered(flag, flag.evidence if evidence is None else evidence)
    return _stored(flag) if text is None else text


def flag_reason_for(access, flag, *, evidence: dict, quoted_visible: bool) -> str | None:
    """The flag's reason as ``access`` may read it, in the active language, or None where it
    quotes what the reader may not read. ``evidence``: the flag's evidence with its live
    figures; ``quoted_visible``: whether the reader sees the record it quotes
    (reports.selectors.flag_quoted_visible)."""
    if not reason_visible(access, evidence, quoted_visible=quoted_visible):
        return None
    text = _rendered(flag, evidence)
    if text is None:
        # A sentence stored by an older rule version quotes what it liked (permit numbers,
        # ports, document numbers) beyond the evidence keys, so no key's category covers it:
        # only a reader of every category sees it.
        if not reasons_readable(access):
            return None
        text = _stored(flag)
    return text
