"""agencies/paging.py: totals from the rows the reader may see (counted on the last page, by
``count(*)`` only for the reader's own rows, else none before the last page), and the API's
count (exact on the last page, "at least" before it, never PostgreSQL's estimate)."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.models import Notification
from agencies.paging import list_page
from foreigners.models import Foreigner
from tests.factories import ForeignerFactory

pytestmark = pytest.mark.django_db

ELSEWHERE = "73.11"  # nobody's area


def page_of(qs, number, **kw):
    return list_page(RequestFactory().get("/", {"page": number}), qs, per_page=10, **kw)


def test_the_last_page_counts_its_way_there_without_a_count_query(regions):
    ForeignerFactory.create_batch(23)
    qs = Notification.objects.none()
    assert page_of(qs, 1).total == 0
    people = Foreigner.objects.order_by("id")
    with CaptureQueriesContext(connection) as queries:
        last = page_of(people, 3)
    assert (last.total, len(last.rows), last.has_next) == (23, 3, False)
    assert len(queries) == 1  # the page's rows, no count
    first = page_of(people, 1)
    assert (first.total, first.has_next) == (None, True)
    assert page_of(people, 1, exact_total=True).total == 23
    beyond = page_of(people, 9)
    assert (beyond.rows, beyond.total) == ([], None)


def test_the_api_counts_exactly_on_the_last_page_and_says_so(client, kanim_officer):
    ForeignerFactory.create_batch(3)
    client.force_login(kanim_officer)
    body = client.get("/api/v1/foreigners/").json()
    assert (body["count"], body["count_is_estimate"]) == (len(body["results"]), False)


@pytest.mark.parametrize("principal", ["kanim_officer", "camat_soreang"])
def test_the_api_count_before_the_last_page_is_what_the_reader_may_see(principal, request, client):
    """Before the last page ``count`` is the rows up to the page plus one ("at least"), from
    the visible rows alone: rows the reader may not see change neither the count nor the pages;
    the last page's count is exact."""
    user = request.getfixturevalue(principal)
    ForeignerFactory.create_batch(55, residence_region_id="73.72.03.1001")  # everyone's
    client.force_login(user)

    def answers():
        bodies = [client.get("/api/v1/foreigners/", {"page": n}).json() for n in (1, 2)]
        return [
            (
                b["count"],
                b["count_is_estimate"],
                b["next"] is not None,
                [r["id"] for r in b["results"]],
            )
            for b in bodies
        ]

    before = answers()
    ForeignerFactory.create_batch(80, residence_region_id=ELSEWHERE)  # nobody's
    assert answers() == before
    assert [(count, estimate, more) for count, estimate, more, _ in before] == [
        (51, True, True),
        (55, False, False),
    ]
    assert client.get("/api/v1/foreigners/", {"page": 3}).status_code == 404
    assert client.get("/api/v1/foreigners/", {"page": "last"}).status_code == 404


@pytest.mark.parametrize("ordering", ["nationality", "-nationality", "name"])
def test_rows_that_tie_on_the_sort_key_come_in_id_order(ordering, regions):
    """The order of ties never depends on the plan or on other rows of the table (a side
    channel: which hidden rows exist changed the order of visible ones)."""
    from django_filters import FilterSet

    from agencies.filtering import StableOrderingFilter

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


@pytest.mark.parametrize(
    "name",
    ["flag-list", "sighting-list", "notification-list", "api-foreigner-list", "api-flag-list"],
)
@pytest.mark.parametrize("page", ["99999999999999999999", "9223372036854775807", "-5", "x"])
def test_a_page_number_past_any_list_is_refused_cleanly(name, page, client, kanim_officer):
    """No page number reaches the database as an offset it cannot hold (bigint): an HTML
    list shows the empty page past its end (a number that is not one: the first page), the API
    answers 404."""
    client.force_login(kanim_officer)
    response = client.get(reverse(name), {"page": page})
    assert response.status_code == (404 if name.startswith("api-") else 200)
