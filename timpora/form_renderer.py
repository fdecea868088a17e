"""The form renderer: Django's, with ``<select>`` and ``<input>`` written in Python.

Django renders each ``<option>`` through a template include (about 0.1 ms an option). The
portal's forms carry long lists — some 250 countries for a nationality, every kelurahan of a
work area — on list pages, record forms and every form shown again with an error, where that
alone was most of the page's time. The output is the same markup as Django's templates
(``django/forms/widgets/select.html``); a widget with its own option template keeps the
template path.

Every ``<input>`` widget (text, number, date, hidden, …) is three template renders in Django
(its own template, ``input.html``, ``attrs.html``): about 0.25 ms a field, 2 ms of the list
page's search form (issue 14). Written here with the same markup; the templates that are
only ``{% include "django/forms/widgets/input.html" %}`` are listed in ``INPUTS``
(``tests/timpora/test_form_renderer.py`` renders each both ways).
"""

import html

from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.safestring import mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
INPUTS = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "checkbox", "color", "date", "datetime", "email", "file", "hidden", "input", "number",
        "password", "search", "tel", "text", "time", "url",
    )
)  # fmt: skip


def _escaped(value) -> str:
    """``conditional_escape`` without its lazy wrapper (called for every option of a page)."""
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _attrs(attrs: dict) -> str:
    """Attributes as ``django/forms/widgets/attrs.html`` writes them: False omitted, True as a
    bare name, anything else as its string."""
    return "".join(
        f" {_escaped(name)}" if value is True else f' {_escaped(name)}="{_escaped(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _select(widget: dict) -> str:
    parts = []
    for group_name, options, _index in widget["optgroups"]:
        rendered = "".join(
            f'<option value="{_escaped(option["value"])}"{_attrs(option["attrs"])}>'
            f"{_escaped(option['label'])}</option>"
            for option in options
        )
        parts.append(
            f'<optgroup label="{_escaped(group_name)}">{rendered}</optgroup>'
            if group_name
            else rendered
        )
    return mark_safe(
        f'<select name="{_escaped(widget["name"])}"{_attrs(widget["attrs"])}>'
        f"{''.join(parts)}</select>"
    )


def _input(widget: dict) -> str:
    """``django/forms/widgets/input.html``: the value only when it is not None."""
    value = "" if widget["value"] is None else f' value="{_escaped(widget["value"])}"'
    return mark_safe(
        f'<input type="{_escaped(widget["type"])}" name="{_escaped(widget["name"])}"'
        f"{value}{_attrs(widget['attrs'])}>"
    )


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name in INPUTS:
            return _input(context["widget"])
        widget = context.get("widget") if template_name == SELECT else None
        if widget is not None and all(
            option.get("template_name") == OPTION
            for _group, options, _index in widget["optgroups"]
            for option in options
        ):
            return _select(widget)
        return super().render(template_name, context, request=request)
