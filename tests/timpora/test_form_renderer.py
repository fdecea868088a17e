"""The project's form renderer writes ``<input>`` and ``<select>`` in Python: the same markup as
Django's own templates, for every input widget and for values that need escaping."""

import datetime as dt

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from timpora.form_renderer import INPUTS, FormRenderer

INPUT_WIDGETS = [
    forms.TextInput,
    forms.NumberInput,
    forms.EmailInput,
    forms.URLInput,
    forms.PasswordInput,
    forms.HiddenInput,
    forms.DateInput,
    forms.DateTimeInput,
    forms.TimeInput,
    forms.SearchInput,
    forms.ColorInput,
    forms.TelInput,
    forms.CheckboxInput,
    forms.FileInput,
]
VALUES = [
    None,
    "",
    "Jl. \"Merdeka\" <5> & 'Sons'",
    mark_safe("<b>safe</b>"),
    gettext_lazy("Search"),
    42,
    dt.date(2026, 12, 2),
    dt.datetime(2026, 12, 2, 8, 30),
    True,
    "NUL\x00 and ünïcode",
]
ATTRS = [
    {},
    {"id": "id_q", "required": True, "disabled": False, "placeholder": 'a "quoted" <hint>'},
    {"class": mark_safe("a&b"), "maxlength": 100, "aria-label": gettext_lazy("Name")},
]


def test_every_template_written_in_python_is_only_the_input_include():
    for name in INPUTS - {"django/forms/widgets/input.html"}:
        source = FormRenderer().get_template(name).template.source.strip()
        assert source == '{% include "django/forms/widgets/input.html" %}', name


@pytest.mark.parametrize("widget_class", INPUT_WIDGETS, ids=lambda w: w.__name__)
@pytest.mark.parametrize("language", ["id", "en"])
def test_inputs_render_as_djangos_templates_do(widget_class, language):
    assert widget_class.template_name in INPUTS
    with translation.override(language):
        for value in VALUES:
            for attrs in ATTRS:
                ours = widget_class().render("field", value, attrs, renderer=FormRenderer())
                django = widget_class().render("field", value, attrs, renderer=DjangoTemplates())
                assert ours == django, (value, attrs)


def test_a_bound_form_renders_as_with_djangos_templates():
    class Search(forms.Form):
        q = forms.CharField(max_length=100)
        born = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
        count = forms.IntegerField(min_value=1)
        note = forms.CharField(widget=forms.Textarea)

    data = {"q": '"><script>', "born": "2026-13-45", "count": "x", "note": "<i>"}
    ours = Search(data, renderer=FormRenderer()).as_div()
    django = Search(data, renderer=DjangoTemplates()).as_div()
    assert ours == django
    assert 'value="&quot;&gt;&lt;script&gt;"' in ours
