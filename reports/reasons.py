"""Flag reasons rendered at display time from the evidence, in the reader's language.

A reason is a function of its flag's evidence (the rule writes facts, not sentences), so the same
flag reads in Bahasa Indonesia or English through gettext, and a reader sees it only where they
may read every fact it quotes (``reports.selectors.reason_visible``). A rule without a renderer
here (or evidence a renderer does not understand) falls back to the sentences stored with the
flag by older rule versions.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.formats import number_format
from django.utils.translation import get_language, gettext


def _money(value) -> str:
    return number_format(int(value), force_grouping=True)


def _permit_expiring(e: dict) -> str:
    return gettext(
        "The %(kind)s stay permit ends on %(until)s, in %(days)s days; the holder must extend it "
        "or leave (UU 6/2011 Art. 78)."
    ) % {"kind": e["permit_kind"], "until": e["valid_until"], "days": e["days_left"]}


def _permit_overstay(e: dict) -> str:
    text = gettext(
        "The stay permit ended on %(until)s and no exit is recorded: %(days)s days of overstay, "
        "an estimated fee of Rp %(fine)s (UU 6/2011 Art. 78(1))."
    ) % {
        "until": e["valid_until"],
        "days": e["days_overstayed"],
        "fine": _money(e["fine_estimate"]),
    }
    if e.get("deportation_recommended"):
        text += " " + gettext("Over 60 days: deportation and an entry ban (Art. 78(3)).")
    return text


def _document_expired(e: dict) -> str:
    return gettext(
        "The travel document expired on %(expires)s while the stay permit is valid until "
        "%(until)s (UU 6/2011 Art. 71, Art. 75)."
    ) % {"expires": e["expires_on"], "until": e["permit_valid_until"]}


def _sighting_unregistered(e: dict) -> str:
    return gettext(
        "Report %(reference)s: a foreign national with no record in the register was seen on "
        "%(day)s (UU 6/2011 Art. 71, Art. 75)."
    ) % {"reference": e["reference"], "day": e["observed_on"]}


def _sighting_after_expiry(e: dict) -> str:
    return gettext(
        "Report %(reference)s: the foreign national was seen on %(day)s, %(days)s days after "
        "the stay permit ended on %(until)s (UU 6/2011 Art. 78)."
    ) % {
        "reference": e["reference"],
        "day": e["observed_on"],
        "days": e["days_after_expiry"],
        "until": e["permit_valid_until"],
    }


def _sighting_activity_mismatch(e: dict) -> str:
    return gettext(
        "Report %(reference)s: the foreign national was seen doing %(activity)s activity on "
        "%(day)s, which the %(kind)s permit does not allow (UU 6/2011 Art. 122(a), Art. 75)."
    ) % {
        "reference": e["reference"],
        "activity": e["activity"],
        "day": e["observed_on"],
        "kind": e["permit_kind"],
    }


def _sighting_outside_area(e: dict) -> str:
    return gettext(
        "Seen %(n)s times outside the kecamatan of the registered residence (%(home)s), last on "
        "%(last)s: a possible unreported change of address (UU 6/2011 Art. 71(a))."
    ) % {"n": e["sightings"], "home": e["registered_kecamatan"], "last": e["last_seen"]}


def _sighting_political_watch(e: dict) -> str:
    return gettext(
        "Report %(reference)s: political activity by a foreign national on %(day)s during the "
        "watch window %(window)s (UU 6/2011 Art. 75, Art. 122(a))."
    ) % {"reference": e["reference"], "day": e["observed_on"], "window": e["window"]}


REASONS: dict[str, Callable[[dict], str]] = {
    "permit.expiring": _permit_expiring,
    "permit.overstay": _permit_overstay,
    "document.expired": _document_expired,
    "sighting.unregistered": _sighting_unregistered,
    "sighting.after_expiry": _sighting_after_expiry,
    "sighting.activity_mismatch": _sighting_activity_mismatch,
    "sighting.outside_area": _sighting_outside_area,
    "sighting.political_watch": _sighting_political_watch,
}


def flag_reason_text(flag) -> str:
    """The flag's reason in the active language, from its evidence."""
    render = REASONS.get(flag.rule)
    if render is not None and isinstance(flag.evidence, dict):
        try:
            return render(flag.evidence)
        except (KeyError, TypeError, ValueError):
            pass  # evidence of an older rule version: the stored sentence below
    english = (get_language() or "").startswith("en") and flag.reason_en
    return flag.reason_en if english else flag.reason
