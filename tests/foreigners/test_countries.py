"""The country choices of forms and filters: shared, never copied, and still validated."""

import copy
import re

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from agencies.choices import FixedSelect
from foreigners.countries import COUNTRY_ANY_CHOICES, COUNTRY_CHOICES, COUNTRY_FORM_CHOICES
from foreigners.filters import ForeignerFilterSet
from foreigners.models import Foreigner
from tests.factories import ForeignerFactory, ResidenceFactory


def test_form_choices_are_the_countries_in_order_and_copy_as_themselves():
    assert list(COUNTRY_FORM_CHOICES) == COUNTRY_CHOICES
    assert len(COUNTRY_FORM_CHOICES) == len(COUNTRY_CHOICES)
    assert COUNTRY_FORM_CHOICES[1:3] == tuple(COUNTRY_CHOICES[1:3])
    assert copy.deepcopy(COUNTRY_FORM_CHOICES) is COUNTRY_FORM_CHOICES
    assert copy.copy(COUNTRY_FORM_CHOICES) is COUNTRY_FORM_CHOICES


@pytest.mark.django_db
def test_two_filter_sets_share_the_choices_and_each_validates_its_own_input(kanim_officer):
    none = Foreigner.objects.none()
    good = ForeignerFilterSet({"nationality": "JPN"}, none, user=kanim_officer)
    bad = ForeignerFilterSet({"nationality": "XYZ"}, none, user=kanim_officer)
    assert good.form.is_valid()
    assert not bad.form.is_valid()
    assert "nationality" in bad.form.errors
    # The choices under each form's field are the one shared object, not copies of it.
    shared = [f.form.fields["nationality"].choices.choices for f in (good, bad)]
    assert shared[0] is shared[1] is COUNTRY_FORM_CHOICES


@pytest.mark.django_db
def test_list_page_offers_every_country_and_filters_by_one(client, kanim_officer, regions):
    japanese = ForeignerFactory(family_name="Tanaka", given_names="Aiko", nationality="JPN")
    german = ForeignerFactory(family_name="Weber", given_names="Lena", nationality="DEU")
    for person in (japanese, german):
        ResidenceFactory(foreigner=person, region_id="73.72.03.1001")
    client.force_login(kanim_officer)
    page = client.get(reverse("foreigner-list")).content.decode()
    assert page.count("<option") >= len(COUNTRY_CHOICES)
    assert '<option value="JPN">' in page
    filtered = client.get(reverse("foreigner-list"), {"nationality": "JPN"}).content.decode()
    assert "Aiko Tanaka" in filtered
    assert "Lena Weber" not in filtered
    assert '<option value="JPN" selected>' in filtered


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("value", ["", "DEU", "XYZ"])
def test_a_fixed_select_renders_as_djangos_select_does_and_keeps_its_language(language, value):
    attrs = {"id": "id_nationality", "required": True, "aria-describedby": "help"}
    with translation.override(language):
        plain = forms.Select(choices=list(COUNTRY_ANY_CHOICES)).render("nationality", value, attrs)
        fixed = FixedSelect(choices=COUNTRY_ANY_CHOICES)
        first = fixed.render("nationality", value, attrs)
        again = FixedSelect(choices=COUNTRY_ANY_CHOICES).render("nationality", value, attrs)
    assert first == plain == again
    assert ("Jerman" in first) == (language == "id")
    assert ("Germany" in first) == (language == "en")
    assert ('<option value="DEU" selected>' in first) == (value == "DEU")
    assert ('<option value="" selected>' in first) == (value == "")


def test_a_value_that_is_no_choice_is_rendered_but_not_kept(monkeypatch):
    from agencies import choices

    monkeypatch.setattr(choices, "_rendered", {})
    fixed = FixedSelect(choices=COUNTRY_ANY_CHOICES)
    for junk in ("XYZ", "A" * 500, "DEU\u0000"):
        html = fixed.render("nationality", junk, {})
        assert html == forms.Select(choices=list(COUNTRY_ANY_CHOICES)).render("nationality", junk)
    assert choices._rendered == {}
    fixed.render("nationality", "DEU", {})
    assert len(choices._rendered) == 1


def test_a_fixed_select_tells_attributes_and_names_apart():
    fixed = FixedSelect(choices=COUNTRY_ANY_CHOICES)
    bare = fixed.render("nationality", "", {"required": True})
    text = fixed.render("nationality", "", {"required": "True"})
    other = fixed.render("apparent_nationality", "", {"required": True})
    assert '<select name="nationality" required>' in bare
    assert '<select name="nationality" required="True">' in text
    assert other.startswith('<select name="apparent_nationality"')


def test_other_choices_render_as_usual():
    widget = FixedSelect(choices=[("a", "Alpha"), ("b", "Beta")])
    assert widget.render("x", "b") == forms.Select(choices=widget.choices).render("x", "b")
    assert '<option value="b" selected>Beta</option>' in widget.render("x", "b")


@pytest.mark.django_db
@pytest.mark.parametrize("route", ["flag-list", "sighting-list"])
def test_report_lists_offer_every_country_as_the_foreigner_list_does(client, kanim_officer, route):
    client.force_login(kanim_officer)
    for language in ("id", "en"):
        client.cookies["django_language"] = language
        page = client.get(reverse(route), {"nationality": "DEU"}).content.decode()
        select = re.search(r'<select name="nationality"[^>]*>.*?</select>', page, re.S).group(0)
        with translation.override(language):
            plain = forms.Select(choices=list(COUNTRY_ANY_CHOICES)).render(
                "nationality", "DEU", {"id": "id_nationality"}
            )
        assert select == plain
        assert select.count("<option") == len(COUNTRY_CHOICES) + 1
        assert '<option value="DEU" selected>' in select
