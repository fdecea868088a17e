"""agencies/paging.py: totals of empty and impossible querysets (no SQL to explain)."""

import pytest

from agencies.models import Notification
from agencies.paging import estimated_count, total_of

pytestmark = pytest.mark.django_db


def test_an_empty_queryset_has_a_total_of_zero():
    assert estimated_count(Notification.objects.none()) == 0
    assert total_of(Notification.objects.none()) == (0, False)
    assert total_of(Notification.objects.filter(pk__in=[])) == (0, False)
