"""Template filters every page may use without ``{% load %}`` (``builtins`` in settings):
numbers and money in the reader's language, moments, dictionary look-ups, JSON for scripts,
the rows of the foreign-nationals table."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from agencies.formats import moment_text
from agencies.links import url_of_id

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


@register.filter(is_safe=True)
def json_data(value, element_id: str):
    """Django's ``json_script`` (the same output), escaping ``<``, ``>`` and ``&`` with three
    ``str.replace``: ``json_script``'s ``str.translate`` looks each character up in a dict,
    about 7 ms for the dashboard map's points (a hundred kilobytes of JSON)."""
    text = json.dumps(value, cls=DjangoJSONEncoder)
    text = text.replace(">", "\\u003E").replace("<", "\\u003C").replace("&", "\\u0026")
    return format_html(
        '<script id="{}" type="application/json">{}</script>', element_id, mark_safe(text)
    )


@register.filter
def moment(value) -> str:
    """``{{ value|moment }}``: ``value|date:"SHORT_DATETIME_FORMAT"``, kept per value, language
    and time zone (agencies.formats.moment_text)."""
    return moment_text(value)


@register.filter
def foreigner_rows(rows):
    """The ``<tr>`` of each foreign national in ``rows`` for the list's results table: link
    to the person, sex, date of birth (``SHORT_DATE_FORMAT``), nationality, escaped as the
    template loop it replaces did. In Python because the list, its searches and the passport
    lookup each show up to 50 rows: 2–3 ms of template work a page, about 1 ms here (issue 14)."""
    detail = url_of_id("foreigner-detail")
    return format_html_join(
        "\n",
        '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>',
        (
            (
                detail(f.pk),
                f.full_name,
                f.get_sex_display(),
                moment_text(f.birth_date, "SHORT_DATE_FORMAT"),
                f.get_nationality_display(),
            )
            for f in rows
        ),
    )
