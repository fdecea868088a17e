"""Template filters every page may use without ``{% load %}`` (``builtins`` in settings):
numbers and money in the reader's language, and dictionary look-ups."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def number(value) -> str:
    """``1234567`` → ``1.234.567`` (Indonesian) or ``1,234,567`` (English)."""
    if value in (None, ""):
        return ""
    try:
        return number_format(Decimal(str(value)), force_grouping=True)
    except InvalidOperation:
        return str(value)


@register.filter
def rupiah(value) -> str:
    """``1000000`` → ``Rp 1.000.000`` (Indonesian) or ``Rp 1,000,000`` (English)."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(str(value)).quantize(Decimal(1))
    except InvalidOperation:
        return str(value)
    return _("Rp %(amount)s") % {"amount": number_format(amount, force_grouping=True)}


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None
