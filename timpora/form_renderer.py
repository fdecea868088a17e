"""The form renderer: Django's, with ``<select>`` written in Python.

Django renders each ``<option>`` through a template include (about 0.1 ms an option). The
portal's forms carry long lists — some 250 countries for a nationality, every kelurahan of a
work area — on list pages, record forms and every form shown again with an error, where that
alone was most of the page's time. The output is the same markup as Django's templates
(``django/forms/widgets/select.html``); a widget with its own option template keeps the
template path.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import format_html, format_html_join, mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


def _attrs(attrs: dict) -> str:
    """Attributes as ``django/forms/widgets/attrs.html`` writes them: False omitted, True as a
    bare name, anything else as its string."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


def _option(option: dict) -> str:
    return format_html(
        '<option value="{}"{}>{}</option>',
        str(option["value"]),
        _attrs(option["attrs"]),
        option["label"],
    )


def _select(widget: dict) -> str:
    parts = []
    for group_name, options, _index in widget["optgroups"]:
        rendered = mark_safe("".join(_option(option) for option in options))
        if group_name:
            parts.append(format_html('<optgroup label="{}">{}</optgroup>', group_name, rendered))
        else:
            parts.append(rendered)
    return format_html(
        '<select name="{}"{}>{}</select>',
        widget["name"],
        _attrs(widget["attrs"]),
        mark_safe("".join(parts)),
    )


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget") if template_name == SELECT else None
        if widget is not None and all(
            option.get("template_name") == OPTION
            for _group, options, _index in widget["optgroups"]
            for option in options
        ):
            return _select(widget)
        return super().render(template_name, context, request=request)
