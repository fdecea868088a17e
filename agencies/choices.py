"""Choice lists that never change, and the ``<select>`` that shows one, rendered once.

Some 250 countries are offered on the foreign-national list, the sighting form and the lists
of sightings and alerts. Django normalises a plain list of choices each time a form field or
widget is given it, deep-copies it with every form instance (each filter set and form of a page
copies its fields), and builds an option dictionary per choice each time it renders the widget:
together a few milliseconds of those pages.
"""

from __future__ import annotations

from django import forms
from django.utils.choices import BaseChoiceIterator, flatten_choices
from django.utils.translation import get_language

# Rendered <select>s kept per process (name, value, attributes, language): at most this many.
RENDERED_MAX = 2_000
_rendered: dict[tuple, tuple[FixedChoices, str]] = {}


class FixedChoices(BaseChoiceIterator):
    """Choices that never change, shared by every form field and widget that offers them.

    Django leaves a choice iterator as it is (no normalising), and these copy as themselves
    (they are immutable)."""

    def __init__(self, choices):
        self._choices = tuple(choices)
        # What FixedSelect may keep a rendering for (the options' values, as rendered).
        self.values = frozenset(str(value) for value, _label in flatten_choices(self._choices))

    def __iter__(self):
        return iter(self._choices)

    def __len__(self):
        return len(self._choices)

    def __getitem__(self, index):
        return self._choices[index]

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


def _attribute(value) -> tuple[str, str]:
    # True renders as a bare attribute, "True" as a value: the key tells them apart.
    return type(value).__name__, str(value)


class FixedSelect(forms.Select):
    """A ``<select>`` of :class:`FixedChoices`, rendered once per name, selected value,
    attributes, language and renderer, then served from memory (other choices, and a value
    that is none of the choices, render as usual: what a user types is never kept). The labels
    are translated at the first render in each language."""

    def render(self, name, value, attrs=None, renderer=None):
        choices = self.choices
        selected = self.format_value(value)
        if not isinstance(choices, FixedChoices) or not choices.values.issuperset(selected):
            return super().render(name, value, attrs, renderer)
        final = self.build_attrs(self.attrs, attrs)
        key = (
            id(choices),
            name,
            tuple(selected),
            tuple((k, *_attribute(v)) for k, v in sorted(final.items())),
            get_language(),
            type(renderer),
        )
        kept = _rendered.get(key)
        # The kept entry holds its choices: their id cannot be reused while it is kept.
        if kept is not None and kept[0] is choices:
            return kept[1]
        html = super().render(name, value, attrs, renderer)
        if len(_rendered) >= RENDERED_MAX:
            _rendered.clear()
        _rendered[key] = (choices, html)
        return html
