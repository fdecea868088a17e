"""The country choices of forms and filters: shared, never copied, and still validated."""

import copy

import pytest
from django.urls import reverse

from foreigners.countries import COUNTRY_CHOICES, COUNTRY_FORM_CHOICES
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
