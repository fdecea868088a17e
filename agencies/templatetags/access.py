"""Field masking in templates: ``{% load access %}{% if access|can_read:"document" %}``.

A field whose category the user may not read is never rendered: wrap it in ``can_read`` and
show ``{% translate "restricted" %}`` (with a link to request access) otherwise.
"""

from django import template

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
