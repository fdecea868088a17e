"""agencies/paging.py: totals of empty and impossible querysets (no SQL to explain), and the
API's count (exact below the limit, the planner's estimate above)."""

import pytest

from agencies import paging
from agencies.models import Notification
from agencies.paging import estimated_count, total_of
from tests.factories import ForeignerFactory

pytestmark = pytest.mark.django_db


def test_an_empty_queryset_has_a_total_of_zero():
    assert estimated_count(Notification.objects.none()) == 0
    assert total_of(Notification.objects.none()) == (0, False)
    assert total_of(Notification.objects.filter(pk__in=[])) == (0, False)


def test_the_api_counts_exactly_below_the_limit_and_says_so(client, kanim_officer):
    ForeignerFactory.create_batch(3)
    client.force_login(kanim_officer)
    body = client.get("/api/v1/foreigners/").json()
    assert (body["count"], body["count_is_estimate"]) == (len(body["results"]), False)


def test_the_api_gives_postgresqls_estimate_above_the_limit(client, kanim_officer, monkeypatch):
    """Above the limit no count(*) runs: the total is the planner's estimate, flagged as one."""
    ForeignerFactory.create_batch(3)
    monkeypatch.setattr(paging, "EXACT_COUNT_LIMIT", 0)
    client.force_login(kanim_officer)
    body = client.get("/api/v1/foreigners/").json()
    assert body["count_is_estimate"] is True
    assert body["count"] >= 1
    assert len(body["results"]) == 3


@pytest.mark.parametrize("ordering", ["nationality", "-nationality", "name"])
def test_rows_that_tie_on_the_sort_key_come_in_id_order(ordering, regions):
    """The order of ties never depends on the plan or on other rows of the table (a side
    channel: which hidden rows exist changed the order of visible ones)."""
    from django_filters import FilterSet

    from agencies.filtering import StableOrderingFilter
    from foreigners.models import Foreigner

    class Sorting(FilterSet):
        ordering = StableOrderingFilter(
            fields=(("search_name", "name"), ("nationality", "nationality"))
        )

        class Meta:
            model = Foreigner
            fields: list[str] = []

    people = ForeignerFactory.create_batch(3, nationality="JPN")
    qs = Sorting({"ordering": ordering}, Foreigner.objects.all()).qs
    assert qs.query.order_by[-1] == "id"
    assert [p.pk for p in qs] == sorted(p.pk for p in people)
