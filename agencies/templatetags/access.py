"""Field masking in templates: ``{% load access %}{% if access|can_read:"document" %}``.

A field whose category the user may not read is never rendered: wrap it in ``can_read`` and
show ``{% translate "restricted" %}`` (with a link to request access) otherwise.
"""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

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
    # Imported here: the services import the models, which this tag library must not load at
    # template-library registration (it is loaded by every template that masks a field).
    from agencies.access import access_for
    from agencies.services import SHAREABLE

    spec = SHAREABLE.get(subject_type)
    request = context.get("request")
    access = access_for(getattr(request, "user", None))
    if spec is None or not subject_pk or category not in spec.categories:
        return ""
    if not access.is_active or access.is_system_admin:
        return ""
    url = reverse("access-request-new", args=[subject_type, subject_pk])
    return f"{url}?{urlencode({'kategori': category})}"
