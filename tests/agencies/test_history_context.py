"""Searches posted to keep their terms out of URLs (the passport lookup, the API search) get no
pghistory context: they write no tracked row, and the context would cost a statement per query.
Every other POST keeps it (tests/foreigners/test_history.py: a portal edit's event names its
user and URL; tests/agencies/test_history.py: the admin's)."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from pghistory.models import Context, Events

from agencies.history import marked_view
from tests.factories import ForeignerFactory, TravelDocumentFactory

pytestmark = pytest.mark.django_db

MARKED = {"foreigner-list", "api-foreigner-search"}


def url_names(patterns=None):
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            yield from url_names(p.url_patterns)
        elif isinstance(p, URLPattern):
            yield p.name, p.callback


def test_only_the_posted_searches_are_marked():
    marked = {name for name, callback in url_names() if marked_view(callback)}
    assert marked == MARKED


def test_posted_searches_write_no_event_and_no_context(client, kanim_supervisor):
    person = ForeignerFactory(residence_region_id="73.72.03.1001")
    doc = TravelDocumentFactory(foreigner=person)
    client.force_login(kanim_supervisor)
    contexts, events = Context.objects.count(), Events.objects.count()
    page = client.post(reverse("foreigner-list"), {"document_number": doc.number})
    assert page.status_code == 200 and person.full_name in page.content.decode()
    api = client.post(
        reverse("api-foreigner-search"),
        {"document_number": doc.number},
        content_type="application/json",
    )
    assert api.status_code == 200 and [r["id"] for r in api.json()["results"]] == [person.pk]
    assert (Context.objects.count(), Events.objects.count()) == (contexts, events)
