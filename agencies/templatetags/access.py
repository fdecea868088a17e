"""Field masking in templates: ``{% load access %}{% if access|can_read:"document" %}``.

A field whose category the user may not read is never rendered: wrap it in ``can_read`` and
show ``{% translate "restricted" %}`` (with a link to request access) otherwise.
"""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from agencies.access import access_for
from agencies.registry import is_shareable, shareable

register = template.Library()


@register.filter
def can_read(access, category: str) -> bool:
    try:
        return access.can_read(category)
    except AttributeError:
        return False


@register.filter
def can_write(access, category: str) -> bool:
    try:
        return access.can_write(category)
    except AttributeError:
        return False


@register.simple_tag(takes_context=True)
def request_access_url(context, subject_type: str, subject_pk, category: str = "") -> str:
    """The "request access" link of a masked part of a record, only where a share can help: a
    category that a share of this kind of record can open, asked by an officer of a member
    agency (the system admin sees everything; a share cannot open the rest)."""
    request = context.get("request")
    access = access_for(getattr(request, "user", None))
    if not is_shareable(subject_type) or not subject_pk:
        return ""
    if category not in shareable(subject_type).categories or not access.can_request_access:
        return ""
    url = reverse("access-request-new", args=[subject_type, subject_pk])
    return f"{url}?{urlencode({'kategori': category})}"
