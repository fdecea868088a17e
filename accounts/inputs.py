"""What makes a piece of text unusable as input, for the API parameters and the form fields."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# C0 controls other than tab, newline and carriage return, DEL, and C1 controls. Format
# characters (right-to-left marks, zero-width joiners of emoji) are text and stay allowed.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def unusable_text(value: str, max_chars: int | None = None) -> str | None:
    """The reason ``value`` cannot be accepted, or None."""
    if "\x00" in value:
        return _("Null characters are not allowed.")
    if CONTROL_CHARS.search(value):
        return _("Control characters are not allowed.")
    if max_chars is not None and len(value) > max_chars:
        return _("Ensure this value has at most %(limit)d characters (it has %(show)d).") % {
            "limit": max_chars,
            "show": len(value),
        }
    return None


def validate_no_control_characters(value: str) -> None:
    """A model and form field validator: no NUL or control characters."""
    if isinstance(value, str) and (problem := unusable_text(value)):
        raise ValidationError(problem, code="control_characters")
