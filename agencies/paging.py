"""Paging, totals and sorting for the portal's working lists (alerts, review queue, sightings,
access requests, shares, notifications).

Pages are numbered (``?page=N``, up to :data:`PAGE_MAX`); each page costs one query of
``per_page + 1`` rows. Filters and the sort stay in the URL: the pager and the sort links keep
every other query parameter.

**A total is a read of the list** (DESIGN.md §4): it comes from the rows the reader may see and
nothing else. On the last page it is the rows up to there (no query). Before it, a list whose
rows are the reader's own by an indexed key (notifications: ``exact_total=True``) counts them;
a list scoped row by row by the access policy (alerts, sightings, the API's records) says no
total: counting a camat's few thousand alerts among 1.4 M
tests every one of them, and PostgreSQL's estimate (used before) was computed over the whole
table — 1,032,194 "alerts" for a camat who may see 4,710, a figure that moved with rows the reader
may not see. The API's lists do the same (:class:`EstimatedCountPagination`): ``count`` is exact
on the last page and, before it, the rows up to the page plus one, with ``count_is_estimate``
true (at least that many).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from math import ceil
from urllib.parse import urlencode

from django.core.paginator import EmptyPage, PageNotAnInteger
from django.core.paginator import Paginator as DjangoPaginator
from django.db.models import QuerySet
from django.http import QueryDict
from rest_framework.pagination import PageNumberPagination

from .pagination import rows_by_id_first

PER_PAGE = 50
# Beyond this page the offset would not fit PostgreSQL's bigint (and no list is that long):
# a larger number shows the empty page past the end (the API answers 404).
PAGE_MAX = 10**9


def _page_number(value: str | None) -> int:
    try:
        return min(max(1, int(value or 1)), PAGE_MAX)
    except ValueError:
        return 1


@dataclass
class ListPage:
    rows: list
    number: int
    per_page: int
    total: int | None  # None: not counted (a policy-scoped list before its last page)
    has_next: bool
    query: QueryDict

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def first_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.rows else 0

    @property
    def last_index(self) -> int:
        return (self.number - 1) * self.per_page + len(self.rows)

    def _url(self, number: int) -> str:
        query = self.query.copy()
        query["page"] = str(number)
        return "?" + query.urlencode()

    @property
    def next_url(self) -> str:
        return self._url(self.number + 1)

    @property
    def previous_url(self) -> str:
        return self._url(self.number - 1)


def list_page(
    request, qs: QuerySet, *, per_page: int = PER_PAGE, exact_total: bool = False
) -> ListPage:
    """Page ``?page=N`` of ``qs`` (already filtered and ordered) and its total: counted from the
    rows on the last page; before it counted by ``count(*)`` only with ``exact_total`` (a list of
    the reader's own rows by an indexed key), else None (see the module's docstring)."""
    number = _page_number(request.GET.get("page"))
    offset = (number - 1) * per_page
    rows = list(qs[offset : offset + per_page + 1])
    has_next = len(rows) > per_page
    if not has_next and (rows or number == 1):
        total = offset + len(rows)
    elif exact_total:
        total = qs.count()
    else:
        total = None
    return ListPage(
        rows=rows[:per_page],
        number=number,
        per_page=per_page,
        total=total,
        has_next=has_next,
        query=request.GET,
    )


@dataclass(frozen=True)
class SortLink:
    url: str
    active: bool
    descending: bool


@dataclass(frozen=True)
class Sort:
    """The list's sort from ``?sort=key`` / ``?sort=-key``, among ``options`` (key → ORM
    ordering, the last field a unique tie-breaker). An unknown key falls back to ``default``."""

    key: str
    descending: bool
    options: dict[str, tuple[str, ...]]
    query: QueryDict

    @classmethod
    def from_request(cls, request, options: dict[str, tuple[str, ...]], default: str) -> Sort:
        value = request.GET.get("sort") or default
        if value.removeprefix("-") not in options:
            value = default
        return cls(
            key=value.removeprefix("-"),
            descending=value.startswith("-"),
            options=options,
            query=request.GET,
        )

    @property
    def ordering(self) -> list[str]:
        fields = self.options[self.key]
        if not self.descending:
            return list(fields)
        return [f[1:] if f.startswith("-") else f"-{f}" for f in fields]

    @property
    def links(self) -> dict[str, SortLink]:
        """Per key, the URL of the list sorted by it (reversed when it is the current sort):
        back to page 1, the filters kept."""
        params = {k: v for k, v in self.query.lists() if k not in ("sort", "page")}
        links = {}
        for key in self.options:
            active = key == self.key
            value = f"-{key}" if active and not self.descending else key
            links[key] = SortLink(
                url="?" + urlencode({**params, "sort": value}, doseq=True),
                active=active,
                descending=active and self.descending,
            )
        return links


class _EstimatingPaginator(DjangoPaginator):
    """Django's paginator without a ``count(*)``: the requested page is read with one row more,
    and ``count`` is the rows up to it (exact on the last page; else at least that many, and
    ``count_is_estimate``). With a ``memo`` (a view with ``head_window``), a page whose window
    fits (the first, at 50 rows) is looked for among the head of the table
    (:func:`agencies.pagination.head_ids`), and any other page is read as its ids first, then
    its rows by id (as the HTML list does)."""

    count_is_estimate = False

    def __init__(self, object_list, per_page, *args, memo: str = "", **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.memo = memo
        self._seen: int | None = None

    @property
    def count(self) -> int:
        if self._seen is None:  # before a page is read (Django's page() asks first)
            return 0
        return self._seen

    @property
    def num_pages(self) -> int:
        if self._seen is None:
            return 1
        return max(1, ceil(self._seen / self.per_page))

    def validate_number(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError) as exc:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from exc
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        if number > PAGE_MAX:
            raise EmptyPage(self.error_messages["no_results"])
        return number

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = self._rows(bottom, bottom + self.per_page + 1)
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        self._seen = bottom + len(rows)
        self.count_is_estimate = len(rows) > self.per_page
        return self._get_page(rows[: self.per_page], number, self)

    def _rows(self, bottom: int, top: int) -> list:
        whole = self.object_list
        if not self.memo or not isinstance(whole, QuerySet):
            return list(whole[bottom:top])
        # Ids first (from the head window when it holds them), then rows by id: a camat of 43
        # residents read whole rows along 830,000 of the name order before (0.63 s → 0.07 s).
        return rows_by_id_first(whole, top - bottom, offset=bottom, memo=self.memo)


class EstimatedCountPagination(PageNumberPagination):
    """The API's page-number pagination (``?page=N``, ``PAGE_SIZE`` rows): ``count`` is exact on
    the last page; before it, the rows up to this page plus one, with ``count_is_estimate``
    true (at least that many: no ``count(*)`` over a policy-scoped list, see the module)."""

    memo = ""
    # "?page=last" needs the count this pagination does not take.
    last_page_strings = ()

    def django_paginator_class(self, object_list, per_page):
        return _EstimatingPaginator(object_list, per_page, memo=self.memo)

    def paginate_queryset(self, queryset, request, view=None):
        # A view with ``head_window`` names its list (user, path, filters in the URL or the
        # body of a search) for head_ids.
        self.memo = ""
        if getattr(view, "head_window", False):
            params = request.query_params.copy()
            params.pop(self.page_query_param, None)
            body = json.dumps(request.data, sort_keys=True, default=str) if request.data else ""
            self.memo = f"api:{request.user.pk}:{request.path}:{params.urlencode()}:{body}"
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_is_estimate"] = self.page.paginator.count_is_estimate
        return response

    def get_paginated_response_schema(self, schema):
        result = super().get_paginated_response_schema(schema)
        result["properties"]["count_is_estimate"] = {"type": "boolean", "example": False}
        return result
