"""agencies.pagination.head_ids: a list's first rows looked for among the first rows of the
whole table. It answers exactly what the plain query answers, or nothing (then the plain query
runs); the pages of the list and of the API are the same either way, whoever asks and whatever
else the table holds."""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies import pagination
from agencies.pagination import head_ids, keyset_page
from foreigners.api import ForeignerViewSet
from foreigners.models import Foreigner
from foreigners.selectors import name_filter, visible_foreigners
from tests.factories import ForeignerFactory, SightingFactory

pytestmark = pytest.mark.django_db

SOREANG = "73.72.03.1001"  # the camat's kecamatan; in the Kanim's and the Polres' kota
UJUNG = "73.72.02.1001"  # the Kanim's and the Polres' kota, not the camat's
ELSEWHERE = "73.11"  # nobody's here


@pytest.fixture(autouse=True)
def small_windows(monkeypatch):
    """Windows smaller than the table, so both answers (found in the window, or not) occur."""
    monkeypatch.setattr(pagination, "HEAD_WINDOW_PER_ROW", 3)
    monkeypatch.setattr(pagination, "HEAD_WINDOW_MAX", 1_000)
    monkeypatch.setattr(pagination, "_head_misses", {})


def world(seed: int, n: int = 60, hidden: int = 0) -> list[Foreigner]:
    """``n`` people in a random name order: most in Ujung, every fifth in Soreang, every
    seventh elsewhere but seen in Soreang; ``hidden`` more elsewhere, never seen."""
    rng = random.Random(seed)
    names = [f"{chr(65 + rng.randrange(26))}{rng.randrange(10**6):06d}" for _ in range(n)]
    people = []
    for i, name in enumerate(names):
        region = SOREANG if i % 5 == 0 else ELSEWHERE if i % 7 == 0 else UJUNG
        person = ForeignerFactory(family_name=name, residence_region_id=region)
        if region == ELSEWHERE:
            SightingFactory(foreigner=person, region_id=SOREANG)
        people.append(person)
    for i in range(hidden):
        ForeignerFactory(family_name=f"{chr(65 + rng.randrange(26))}hidden{i}",
                         residence_region_id=ELSEWHERE)  # fmt: skip
    return people


def ordered(user):
    return visible_foreigners(user).order_by("search_name", "id")


@pytest.mark.parametrize("principal", ["kanim_officer", "polres_officer", "camat_soreang"])
@pytest.mark.parametrize("stop", [1, 4, 11, 26])
def test_head_ids_are_the_plain_querys_first_ids_or_none(principal, stop, request):
    user = request.getfixturevalue(principal)
    world(seed=stop)
    qs = ordered(user)
    plain = list(qs.values_list("pk", flat=True)[:stop])
    found = head_ids(qs, stop)
    assert found is None or found == plain


def test_a_dense_list_is_answered_from_the_window_a_sparse_one_is_not(kanim_officer, camat_soreang):
    world(seed=1)
    # The Kanim sees everyone here (Soreang, Ujung, and those seen in Soreang): found.
    dense = ordered(kanim_officer)
    assert head_ids(dense, 10) == list(dense.values_list("pk", flat=True)[:10])
    # The camat sees about a third: 26 of them are not among the table's first 78 rows.
    assert head_ids(ordered(camat_soreang), 26) is None


def test_a_miss_is_remembered_for_the_list_and_costs_no_query_then(
    camat_soreang, kanim_officer, django_assert_num_queries
):
    world(seed=2)
    sparse = ordered(camat_soreang)
    assert head_ids(sparse, 26, memo="camat list") is None
    with django_assert_num_queries(0):
        assert head_ids(sparse, 26, memo="camat list") is None
    # Another list (another memo) still tries its window.
    dense = ordered(kanim_officer)
    with django_assert_num_queries(1):
        assert head_ids(dense, 5, memo="kanim list") is not None


def test_lists_not_in_the_models_own_column_order_are_not_windowed(kanim_officer):
    world(seed=3)
    qs = visible_foreigners(kanim_officer)
    assert head_ids(qs.order_by("search_name"), 5) is None  # no id to break ties
    assert head_ids(qs.order_by("residence_region__name", "id"), 5) is None  # a join
    assert head_ids(name_filter(qs, "a"), 5) is None  # ordered by an annotation (the rank)
    assert head_ids(qs.order_by("search_name", "id")[:10], 5) is None  # already sliced
    assert head_ids(qs.order_by("search_name", "id"), 400) is None  # window over the cap


def walk(qs, size: int, memo: str) -> tuple[list[list[int]], list[list[int]]]:
    """Every page forward, then every page back from the last one (ids)."""
    forward, page = [], keyset_page(qs, key="search_name", size=size, memo=memo)
    forward.append([f.pk for f in page.rows])
    while page.next_cursor:
        page = keyset_page(qs, key="search_name", size=size, after=page.next_cursor, memo=memo)
        forward.append([f.pk for f in page.rows])
    backward = [[f.pk for f in page.rows]]
    while page.prev_cursor:
        page = keyset_page(qs, key="search_name", size=size, before=page.prev_cursor, memo=memo)
        backward.append([f.pk for f in page.rows])
    return forward, backward


@pytest.mark.parametrize("principal", ["kanim_officer", "polres_officer", "camat_soreang"])
def test_keyset_pages_forward_and_back_are_the_same_with_the_window(principal, request):
    user = request.getfixturevalue(principal)
    world(seed=4)
    qs = visible_foreigners(user)
    plain = walk(qs, 7, memo="")
    windowed = walk(qs, 7, memo=f"{principal} list")
    assert windowed == plain
    pages = [pk for page in plain[0] for pk in page]
    assert pages == list(ordered(user).values_list("pk", flat=True))


def test_hidden_rows_in_the_head_of_the_table_change_nothing_visible(kanim_officer):
    """Two worlds that differ only in rows the Kanim may not see (never seen in scope, living
    elsewhere) give the Kanim the same pages, windowed or not."""
    world(seed=5)
    before = walk(visible_foreigners(kanim_officer), 6, memo="kanim")
    ForeignerFactory.create_batch(40, residence_region_id=ELSEWHERE)
    for i in range(40):
        ForeignerFactory(family_name=f"A{i:03d}", residence_region_id=ELSEWHERE)
    pagination._head_misses.clear()
    after = walk(visible_foreigners(kanim_officer), 6, memo="kanim")
    assert after == before


@pytest.mark.parametrize("principal", ["kanim_officer", "camat_soreang"])
def test_the_api_pages_are_the_same_with_the_window(principal, request, client, monkeypatch):
    user = request.getfixturevalue(principal)
    world(seed=6, n=130, hidden=20)
    monkeypatch.setattr(pagination, "HEAD_WINDOW_PER_ROW", 2)  # page 1: 100 rows of the table
    answers = []

    def spy(*args, **kwargs):
        answers.append(head_ids(*args, **kwargs))
        return answers[-1]

    monkeypatch.setattr(pagination, "head_ids", spy)  # where rows_by_id_first finds it
    client.force_login(user)

    def pages():
        bodies = [client.get("/api/v1/foreigners/", {"page": n}).json() for n in (1, 2, 3)]
        return [[row["id"] for row in body.get("results", [])] for body in bodies]

    windowed = pages()
    # The Kanim's first pages came from the window; the camat's did not (a third of the rows).
    assert any(a is not None for a in answers) == (principal == "kanim_officer")
    monkeypatch.setattr(ForeignerViewSet, "head_window", False)
    answers.clear()
    assert windowed == pages()
    assert answers == []
    everyone = list(ordered(user).values_list("pk", flat=True))
    assert [pk for page in windowed for pk in page] == everyone[: sum(map(len, windowed))]
    assert windowed[0]


def test_the_api_search_pages_are_the_same_with_the_window(kanim_officer, client, monkeypatch):
    """The search's criteria are in the body: a miss of one search is remembered for that
    search only, and every answer is the plain query's."""
    world(seed=7, n=130)
    monkeypatch.setattr(pagination, "HEAD_WINDOW_PER_ROW", 2)
    client.force_login(kanim_officer)
    url = reverse("api-foreigner-search")

    def ids(body):
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 200
        return [row["id"] for row in response.json()["results"]]

    bodies = [{"kecamatan": "73.72.03"}, {"nationality": "CHN"}, {"kecamatan": "73.72.02"}]
    windowed = [ids(body) for body in bodies]
    # The kecamatan searches are a fifth and most of the people: the first misses, and the
    # nationality search (everyone) is still looked for in its window.
    assert len(pagination._head_misses) == 1
    monkeypatch.setattr(ForeignerViewSet, "head_window", False)
    assert windowed == [ids(body) for body in bodies]
    assert all(windowed)


def test_an_api_page_the_window_misses_is_read_as_ids_then_rows_by_id(
    camat_soreang, client, monkeypatch
):
    """A sparse list (the camat's: the window misses) reads the page's ids alone, then the
    rows by primary key, instead of whole rows along the name order; the page is the same."""
    world(seed=8, n=130, hidden=20)
    client.force_login(camat_soreang)
    with CaptureQueriesContext(connection) as queries:
        windowed = client.get("/api/v1/foreigners/").json()
    rows_query = [q["sql"] for q in queries if 'FROM "foreigners_foreigner"' in q["sql"]]
    assert any(
        sql.startswith('SELECT "foreigners_foreigner"."id" AS "pk"')
        or sql.startswith('SELECT "foreigners_foreigner"."id" FROM')
        for sql in rows_query
    ), rows_query
    assert any('WHERE "foreigners_foreigner"."id" IN (' in sql for sql in rows_query), rows_query
    monkeypatch.setattr(ForeignerViewSet, "head_window", False)
    plain = client.get("/api/v1/foreigners/").json()
    assert [r["id"] for r in windowed["results"]] == [r["id"] for r in plain["results"]]
    assert windowed["results"] == plain["results"]
    assert windowed["results"]
