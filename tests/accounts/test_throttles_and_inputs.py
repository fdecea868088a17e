"""API throttles (per account, per token, lookups) and API parameters that used to answer 500."""

import pytest
from django.core.cache import cache
from django.test import override_settings

from accounts.throttles import UserOrTokenThrottle

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def enforcement_off(settings):
    # These tests are about throttles; the second factor has its own tests.
    settings.TWO_FACTOR_ENFORCED = False


@pytest.fixture(autouse=True)
def fresh_counters():
    """Throttle counters live in the shared Redis cache, keyed by user id, and each run's test
    database numbers its users from 1 again: drop this run's keys (only them: other xdist
    workers use the same Redis database)."""

    def drop():
        keys = [
            f"throttle_{scope}_user-{pk}"
            for scope in ("user_or_token", "lookup")
            for pk in range(1, 200)
        ]
        cache.delete_many(keys)

    drop()
    yield
    drop()


def _rates(api="5/min", lookup="3/min"):
    from django.conf import settings

    conf = dict(settings.REST_FRAMEWORK)
    conf["DEFAULT_THROTTLE_RATES"] = {"user_or_token": api, "lookup": lookup}
    return override_settings(REST_FRAMEWORK=conf)


def test_api_is_throttled_per_account(client, polres_officer, kemenag_officer):
    client.force_login(polres_officer)
    with _rates(api="5/min"):
        codes = [client.get("/api/v1/flags/").status_code for _ in range(6)]
        assert codes == [200] * 5 + [429]
        client.force_login(kemenag_officer)
        assert client.get("/api/v1/flags/").status_code == 200


def test_name_and_passport_lookups_have_their_own_lower_rate(client, kanim_officer):
    client.force_login(kanim_officer)
    with _rates(api="100/min", lookup="3/min"):
        search = [
            client.post(
                "/api/v1/foreigners/search/", {"name": "smith"}, content_type="application/json"
            ).status_code
            for _ in range(4)
        ]
        assert search == [200, 200, 200, 429]
        # Lists without a lookup are not counted against it...
        assert client.get("/api/v1/foreigners/").status_code == 200
        # ...and the page lookups share the account's lookup budget.
        page = client.get("/orang-asing/", {"q": "smith"})
        assert page.status_code == 429
        assert "Retry-After" in page
        assert client.get("/orang-asing/").status_code == 200


def test_a_token_gets_its_own_budget_apart_from_its_account():
    class Request:
        def __init__(self, user, auth):
            self.user, self.auth, self.META = user, auth, {"REMOTE_ADDR": "192.0.2.1"}

    class User:
        pk, is_authenticated = 7, True

    class Token:
        pk = "abc"

    throttle = UserOrTokenThrottle()
    assert throttle.get_cache_key(Request(User(), None), None).endswith("user-7")
    assert throttle.get_cache_key(Request(User(), Token()), None).endswith("token-abc")


@pytest.mark.parametrize(
    "query",
    [
        {"nationality": "CH\x00N"},
        {"kecamatan": "73.72\x00"},
        {"nationality": "\x1b[31m"},
        {"page": "1\x00"},
        {"nationality": "x" * 5000},
    ],
)
@pytest.mark.parametrize("endpoint", ["foreigners", "sightings", "flags"])
def test_unusable_api_parameters_answer_400_field_by_field(client, kanim_officer, endpoint, query):
    client.force_login(kanim_officer)
    response = client.get(f"/api/v1/{endpoint}/", query)
    assert response.status_code == 400
    assert set(response.json()) == set(query)


@pytest.mark.parametrize(
    "text", ["escape \x1b[31m red", "bell \x07", "del \x7f", "c1 \x85 next line"]
)
def test_control_characters_in_a_form_are_a_field_error_and_nothing_is_stored(
    client, camat_soreang, text
):
    from reports.models import Sighting
    from tests.reports.test_views import sighting_form

    client.force_login(camat_soreang)
    response = client.post("/laporan/baru/", sighting_form(description=text))
    assert response.status_code == 200
    assert "Karakter kontrol tidak diperbolehkan." in response.content.decode()
    assert not Sighting.objects.exists()


def test_tabs_newlines_emoji_and_right_to_left_text_are_accepted(client, camat_soreang):
    from reports.models import Sighting
    from tests.reports.test_views import sighting_form

    client.force_login(camat_soreang)
    text = "Baris satu\r\n\tbaris dua 👮🏽‍♀️ \u202eعربى\u202c"
    response = client.post("/laporan/baru/", sighting_form(description=text))
    assert response.status_code == 302
    assert Sighting.objects.get().description == text
