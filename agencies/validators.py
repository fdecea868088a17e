"""Bounds on what people type (dates, control characters), shared by every app's models and
forms.

A date outside them is a typing slip or an attack (year 1 became a BC timestamp after the time
zone shift and broke every page showing it), never a fact the portal records.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
# Events the portal records as happening (sightings, share ends) are of this century.
EARLIEST_EVENT_YEAR = 2000


def validate_date_in_range(value: dt.date) -> None:
    """Between 1900-01-01 and 2100-12-31 (births, documents, permits, residences, movements)."""
    if value is not None and not (EARLIEST_DATE <= _as_date(value) <= LATEST_DATE):
        raise ValidationError(
            _("Enter a date between %(first)s and %(last)s."),
            code="date_out_of_range",
            params={"first": EARLIEST_DATE.isoformat(), "last": LATEST_DATE.isoformat()},
        )


def validate_not_in_future(value: dt.date) -> None:
    """Not after today (Parepare's date): births, issue dates, movements already happened."""
    if value is not None and _as_date(value) > timezone.localdate():
        raise ValidationError(_("This date cannot be in the future."), code="date_in_future")


def validate_event_time(value: dt.datetime) -> None:
    """A date and time from the year 2000 to 2100. Compared by the year as typed: converting a
    year-1 time to UTC overflows, which is the failure this prevents."""
    if value is not None and not (EARLIEST_EVENT_YEAR <= value.year <= LATEST_DATE.year):
        raise ValidationError(
            _("Enter a time between the years %(first)d and %(last)d."),
            code="time_out_of_range",
            params={"first": EARLIEST_EVENT_YEAR, "last": LATEST_DATE.year},
        )


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


# C0 controls other than tab, newline and carriage return, DEL, and C1 controls. Format
# characters (right-to-left marks, zero-width joiners of emoji) are text and stay allowed.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def unusable_text(value: str, max_chars: int | None = None) -> str | None:
    """The reason ``value`` cannot be accepted, or None."""
    if "\x00" in value:
        return gettext("Null characters are not allowed.")
    if CONTROL_CHARS.search(value):
        return gettext("Control characters are not allowed.")
    if max_chars is not None and len(value) > max_chars:
        return gettext("Ensure this value has at most %(limit)d characters (it has %(show)d).") % {
            "limit": max_chars,
            "show": len(value),
        }
    return None


def validate_no_control_characters(value: str) -> None:
    """A form field validator: no control characters (NUL is refused by Django's own
    ``ProhibitNullCharactersValidator``, which every ``CharField`` has)."""
    if isinstance(value, str) and CONTROL_CHARS.search(value.replace("\x00", "")):
        raise ValidationError(
            gettext("Control characters are not allowed."), code="control_characters"
        )
