"""The access computed for a user is cached between requests; every change that can alter it
takes effect on the user's next request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.access import Level, access_for
from agencies.models import Agency, Officer
from agencies.services import policy_set
from tests.factories import ForeignerFactory

LIST = reverse("foreigner-list")

# Committed transactions, as in production: inside a test-wide transaction the cache is
# bypassed once anything it depends on has changed (see agencies.access._change_pending).
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def person(regions):
    return ForeignerFactory(family_name="Cachemann", residence_region_id="73.72.03.1001")


def _row_link() -> bytes:
    from foreigners.models import Foreigner

    pk = Foreigner.objects.get(family_name="Cachemann").pk
    return f'href="{reverse("foreigner-detail", args=[pk])}"'.encode()


def sees(client) -> bool:
    response = client.get(LIST, {"q": "Cachemann"})
    assert response.status_code == 200
    return _row_link() in response.content


def queries_of(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(LIST, {"q": "Cachemann"}).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("principal", "saved"),
    # officer + agency, (jurisdiction,) policy rows, the kecamatan choices: computed once
    [("polres_officer", 4), ("kanim_supervisor", 4), ("camat_soreang", 3)],
)
def test_second_request_reuses_the_cached_access(client, request, principal, saved, person):
    client.force_login(request.getfixturevalue(principal))
    first = queries_of(client)
    second = queries_of(client)
    assert second == first - saved


def test_policy_change_takes_effect_on_the_next_request(client, polres_officer, person):
    client.force_login(polres_officer)
    assert sees(client)
    policy_set(agency_kind="polres", category="identity", level=Level.NONE)
    assert not sees_or_forbidden(client)
    policy_set(agency_kind="polres", category="identity", level=Level.READ)
    assert sees(client)


def sees_or_forbidden(client) -> bool:
    response = client.get(LIST, {"q": "Cachemann"})
    return response.status_code == 200 and _row_link() in response.content


def test_deactivated_officer_agency_and_account_see_nothing_next_request(
    client, polres_officer, person
):
    client.force_login(polres_officer)
    assert sees(client)
    officer = Officer.objects.get(user=polres_officer)
    agency = officer.agency
    agency.is_active = False
    agency.save()
    assert not sees_or_forbidden(client)
    agency.is_active = True
    agency.save()
    assert sees(client)
    officer.delete()
    assert not sees_or_forbidden(client)


def test_jurisdiction_and_kecamatan_changes_take_effect(client, kanim_officer, camat_ujung, person):
    client.force_login(kanim_officer)
    assert sees(client)
    agency = Agency.objects.get(officers__user=kanim_officer)
    agency.jurisdiction.set(["73.15"])
    assert not sees_or_forbidden(client)
    agency.jurisdiction.add("73.72")
    assert sees(client)

    client.force_login(camat_ujung)
    assert not sees_or_forbidden(client)
    officer = Officer.objects.get(user=camat_ujung)
    officer.kecamatan_id = "73.72.03"
    officer.save()
    assert sees(client)


def test_disabled_or_promoted_account_needs_no_signal(client, outsider, person):
    client.force_login(outsider)
    assert not sees_or_forbidden(client)
    type(outsider).objects.filter(pk=outsider.pk).update(is_superuser=True)
    assert sees(client)
    type(outsider).objects.filter(pk=outsider.pk).update(is_active=False)
    assert client.get(LIST).status_code == 302  # signed out: to the login page
    outsider.refresh_from_db()
    assert access_for(outsider).agency_id is None


def test_change_rolled_back_leaves_no_stale_cache_entry(client, polres_officer, person):
    from django.db import transaction

    client.force_login(polres_officer)
    assert sees(client)
    with pytest.raises(RuntimeError), transaction.atomic():
        policy_set(agency_kind="polres", category="identity", level=Level.NONE)
        # A request in the same transaction sees the change (and must not cache it).
        assert not sees_or_forbidden(client)
        raise RuntimeError("rolled back")
    assert sees(client)
    assert sees(client)


def test_unreachable_cache_falls_back_to_the_database(client, polres_officer, person, monkeypatch):
    import agencies.access

    class Down:
        def __getattr__(self, name):
            def fail(*args, **kwargs):
                raise ConnectionError("redis is down")

            return fail

    monkeypatch.setattr(agencies.access, "cache", Down())
    client.force_login(polres_officer)
    assert sees(client)
    officer = Officer.objects.get(user=polres_officer)
    with pytest.raises(ConnectionError):  # a change that cannot invalidate the cache is refused
        officer.delete()
    assert Officer.objects.filter(pk=officer.pk).exists()


@pytest.mark.django_db  # one open transaction, as in a long command or this suite
def test_inside_an_open_transaction_access_is_remembered_until_the_next_change(
    client, polres_officer, person
):
    client.force_login(polres_officer)
    first = queries_of(client)  # the officer's rows were written in this transaction
    assert queries_of(client) == first - 4  # computed once, remembered by this connection
    assert sees(client)
    policy_set(agency_kind="polres", category="identity", level=Level.NONE)
    assert not sees(client)  # the change empties the memory: no stale access
    policy_set(agency_kind="polres", category="identity", level=Level.READ)
    assert sees(client)
