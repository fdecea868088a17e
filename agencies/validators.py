"""Bounds on the dates people type, shared by every app's models and forms.

A date outside them is a typing slip or an attack (year 1 became a BC timestamp after the time
zone shift and broke every page showing it), never a fact the portal records.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
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
