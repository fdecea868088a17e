"""json_data writes what Django's json_script writes (timpora/template_helpers.py)."""

import datetime as dt
from decimal import Decimal

from django.template import Context, Template
from django.utils.html import json_script
from django.utils.translation import gettext_lazy

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
