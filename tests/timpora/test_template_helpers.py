"""json_data writes what Django's json_script writes; foreigner_rows what the template loop it
replaced wrote (timpora/template_helpers.py)."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import timezone, translation
from django.utils.html import json_script
from django.utils.translation import gettext_lazy

from foreigners.models import Foreigner
from timpora.template_helpers import json_data

VALUES = [
    {"a": "</script><script>alert(1)</script>", "b": "Tom & Jerry > <b>", "c": "Müller ☃ ﷺ"},
    {"when": dt.datetime(2026, 12, 2, 9, 30, tzinfo=dt.UTC), "d": dt.date(2026, 1, 31)},
    {"n": [1, 2.5, None, True, Decimal("1.10")], "lazy": gettext_lazy("Zoom in")},
    "plain & simple <>",
    [],
]


def test_json_data_equals_json_script():
    for value in VALUES:
        assert json_data(value, "cfg") == json_script(value, "cfg")


def test_json_data_is_a_builtin_filter_of_every_template():
    html = Template('{{ v|json_data:"map-config" }}').render(Context({"v": {"x": "<&>"}}))
    assert (
        html
        == '<script id="map-config" type="application/json">{"x": "\\u003C\\u0026\\u003E"}</script>'
    )


# The results rows as the list's template wrote them before foreigner_rows.
LOOP = Template(
    "{% for f in rows %}<tr><td><a href=\"{% url 'foreigner-detail' f.pk %}\">{{ f.full_name }}"
    '</a></td><td>{{ f.get_sex_display }}</td><td>{{ f.birth_date|date:"SHORT_DATE_FORMAT" }}'
    "</td><td>{{ f.get_nationality_display }}</td></tr>{% endfor %}"
)


@pytest.mark.parametrize("language", ["id", "en"])
def test_foreigner_rows_write_what_the_template_loop_wrote(language):
    rows = [
        Foreigner(pk=7, given_names="<script>alert('x')</script>", family_name="O'Neil & Sons",
                  sex="F", birth_date=dt.date(1990, 2, 3), nationality="DEU"),
        Foreigner(pk=123456789012, given_names="", family_name="Müller \"Quoted\"", sex="M",
                  birth_date=dt.date(1901, 12, 31), nationality="XYZ"),
        Foreigner(pk=8, given_names="Ana", family_name="Lim", sex="M", birth_date=None,
                  nationality=""),
    ]  # fmt: skip
    with translation.override(language):
        ours = Template("{{ rows|foreigner_rows }}").render(Context({"rows": rows}))
        loop = LOOP.render(Context({"rows": rows}))
    assert re.sub(r">\s+<", "><", ours) == loop
    assert "&lt;script&gt;" in ours and "O&#x27;Neil &amp; Sons" in ours
    assert ("Jerman" in ours) == (language == "id")


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("zone", ["Asia/Makassar", "Asia/Jayapura"])
def test_moment_writes_what_the_date_filter_writes(language, zone):
    moments = [
        dt.datetime(2026, 12, 2, 23, 30, tzinfo=dt.UTC),  # the next day in WITA and WIT
        dt.datetime(2026, 1, 1, 0, 0, tzinfo=dt.UTC),
        None,
    ]
    both = Template('{{ v|moment }}|{{ v|date:"SHORT_DATETIME_FORMAT" }}')
    with translation.override(language), timezone.override(zone):
        for value in moments:
            ours, djangos = both.render(Context({"v": value})).split("|")
            assert ours == djangos, value
    assert ours == ""  # None
