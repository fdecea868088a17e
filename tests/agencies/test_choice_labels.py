"""``get_FOO_display()`` of models with ChoiceLabels gives what Django's own gives, in the
reader's language, for every choice and for values that are no choice."""

import pytest
from django.db import models
from django.utils import translation

from agencies.models import ChoiceLabels
from foreigners.models import Foreigner, StayPermit
from reports.models import Flag, Sighting


def choice_fields(model):
    return [f for f in model._meta.concrete_fields if f.choices]


@pytest.mark.parametrize("model", [Flag, Sighting, Foreigner, StayPermit])
@pytest.mark.parametrize("language", ["id", "en"])
def test_labels_are_djangos_labels_in_the_readers_language(model, language):
    assert issubclass(model, ChoiceLabels)
    fields = choice_fields(model)
    assert fields, model
    with translation.override(language):
        for field in fields:
            values = [value for value, _label in field.flatchoices] + ["no-such-choice", None]
            for value in values:
                row = model(**{field.attname: value})
                ours = getattr(row, f"get_{field.name}_display")()
                djangos = models.Model._get_FIELD_display(row, field)
                assert ours == djangos, (field.name, value)


def test_the_same_row_speaks_each_language_in_turn():
    flag = Flag(severity=Flag.Severity.CRITICAL)
    with translation.override("en"):
        english = flag.get_severity_display()
    with translation.override("id"):
        indonesian = flag.get_severity_display()
    with translation.override("en"):
        assert flag.get_severity_display() == english
    assert english != indonesian


def test_computed_choices_are_asked_each_time():
    calls = []

    def kinds():
        calls.append(1)
        return [("a", f"Alpha {len(calls)}")]

    field = models.CharField(choices=kinds)
    field.set_attributes_from_name("kind")
    row = Flag()
    row.kind = "a"
    assert ChoiceLabels._get_FIELD_display(row, field) == "Alpha 1"
    assert ChoiceLabels._get_FIELD_display(row, field) == "Alpha 2"
