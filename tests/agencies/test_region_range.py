"""region_range_q: one index range with the same rows as region_prefix_q for every region code."""

import pytest

from agencies.models import Region, region_prefix_q, region_range_q
from foreigners.models import Foreigner
from tests.factories import ForeignerFactory

pytestmark = pytest.mark.django_db


def test_same_rows_as_the_prefix_match_for_every_region(regions):
    codes = list(Region.objects.values_list("code", flat=True))
    assert len(codes) > 20
    for code in codes:
        by_range = set(Region.objects.filter(region_range_q("code", code)).values_list("code"))
        by_prefix = set(Region.objects.filter(region_prefix_q("code", code)).values_list("code"))
        assert by_range == by_prefix, code


def test_a_foreign_key_is_compared_on_its_own_column(regions):
    inside = ForeignerFactory(residence_region_id="73.72.03.1001")
    ForeignerFactory(residence_region_id="73.72.02.1001")
    ForeignerFactory(residence_region_id="73.11")
    qs = Foreigner.objects.filter(region_range_q("residence_region", "73.72.03"))
    assert list(qs) == [inside]
    sql = str(qs.query)
    assert "~>=~" in sql and "~<~" in sql and "JOIN" not in sql
    # A code ending in 9: its range ends before "…:" (the byte after "9"), after the subtree.
    Region.objects.create(code="73.29", name="Uji", level=Region.Level.KOTA, parent_id="73")
    Region.objects.create(
        code="73.29.01", name="Uji 1", level=Region.Level.KECAMATAN, parent_id="73.29"
    )
    in_range = Region.objects.filter(region_range_q("code", "73.29")).values_list("code")
    assert sorted(code for (code,) in in_range) == ["73.29", "73.29.01"]


def test_text_that_is_not_a_code_falls_back_to_the_prefix_match(regions):
    ForeignerFactory(residence_region_id="73.72.03.1001")
    for text in ("73.7", "73.72.", "7", "%", "73.72.03.1001x"):
        qs = Foreigner.objects.filter(region_range_q("residence_region", text))
        assert "~>=~" not in str(qs.query)
        assert not qs.exists(), text
