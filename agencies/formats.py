"""Days and moments as text in the reader's format, language and time zone, kept per value."""

from functools import lru_cache

from django.utils import dateformat
from django.utils.formats import get_format
from django.utils.timezone import get_current_timezone_name, template_localtime
from django.utils.translation import get_language


def moment_text(value, format_name: str = "SHORT_DATETIME_FORMAT") -> str:
    """What ``value|date:format_name`` writes for a date or a moment (empty for None; an aware
    moment in the current time zone, as templates convert it); ``format_name`` is a format
    setting's name or a format itself, as for the ``date`` filter. Kept per value, format,
    language and time zone: pages show the same days and moments request after request (an
    inbox's fifty flags and their evidence, a dashboard's few hundred map points for its
    figures' five minutes, a list's dates of birth), and Django's dateformat takes ~15–45 µs
    each."""
    if value is None:
        return ""
    return _moment_in(value, get_format(format_name), get_language(), get_current_timezone_name())


@lru_cache(maxsize=8192)
def _moment_in(value, pattern: str, language: str | None, zone: str) -> str:
    return dateformat.format(template_localtime(value), pattern)
