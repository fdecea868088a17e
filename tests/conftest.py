"""Shared fixtures: the Parepare region tree and officers named by role (healthchecks style).

The suite runs in parallel (pytest-xdist, ``make test``): each worker gets its own test database
from pytest-django, and ``pytest_configure`` below gives it its own cache keys in the shared Redis
database and its own media directory, so no test can see another worker's state.
"""

import importlib
import os
import shutil
import tempfile

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import translation

from agencies.access import access_changed
from agencies.models import Agency, Officer
from agencies.services import regions_load

from .factories import AgencyFactory, OfficerFactory, UserFactory

_session_settings: list = []


def pytest_configure(config):
    """Settings for the whole run (of this worker), in place before any test or migration runs."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    # The access cache is keyed by user id, and every worker's database numbers its users from
    # 1: one key prefix per worker (and away from a `make run` sharing the Redis database). The
    # environment variable carries it to the worker and beat subprocesses of test_worker.py.
    prefix = f"timpora-test-{worker}"
    os.environ["CACHE_KEY_PREFIX"] = prefix
    media = tempfile.mkdtemp(prefix=f"timpora-test-media-{worker}-")
    overrides = override_settings(
        CACHES={"default": {**settings.CACHES["default"], "KEY_PREFIX": prefix}},
        # Django 6.1 PBKDF2 (1.5 M iterations) took 1.7 s per user created or signed in here.
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        STORAGES={
            **settings.STORAGES,
            "default": {**settings.STORAGES["default"], "OPTIONS": {"location": media}},
        },
        MEDIA_ROOT=media,
    )
    overrides.enable()
    _session_settings.extend([overrides, media])


# Rough cost of the long tests (seconds on this 2-core machine), by node id prefix.
_LONG_TESTS = {
    "tests/fuzz/": 70,
    "tests/timpora/test_make_run.py": 60,
    "tests/authz/test_side_channels.py": 40,
    "tests/authz/test_sequences.py": 40,
    "tests/authz/test_matrix.py::test_authorization_matrix": 25,
    "tests/reports/test_worker.py": 15,
    "tests/browser/": 10,
    "tests/timpora/test_deploy.py": 8,
    "tests/timpora/test_language.py": 5,
}


def _cost(item) -> int:
    return next((c for prefix, c in _LONG_TESTS.items() if item.nodeid.startswith(prefix)), 1)


def pytest_collection_modifyitems(session, config, items):
    """With N xdist workers, start each worker's share of the collection with its share of the
    long tests (dealt longest first, each to the lightest share), so that the run ends on
    short tests on every worker and none waits idle behind a 70-second test at the end.
    xdist's worksteal hands out the collection in N contiguous parts and moves tests from the
    end of the longest queue; every worker sorts alike, so their collections agree."""
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    if workers < 2:
        return
    indexed = sorted(enumerate(items), key=lambda pair: (-_cost(pair[1]), pair[0]))
    long_tests = [item for _i, item in indexed if _cost(item) > 1]
    short = [item for item in items if _cost(item) == 1]
    shares: list[list] = [[] for _ in range(workers)]
    loads = [0] * workers
    for item in long_tests:
        lightest = loads.index(min(loads))
        shares[lightest].append(item)
        loads[lightest] += _cost(item)
    # Fill each share with short tests (in their collected order) to the length of the part
    # xdist gives that worker: the remaining tests divided by the remaining workers.
    remaining = len(items)
    for i, share in enumerate(shares):
        size = remaining // (workers - i)
        take = max(0, size - len(share))
        share.extend(short[:take])
        del short[:take]
        remaining -= len(share)
    shares[-1].extend(short)
    items[:] = [item for share in shares for item in share]


def pytest_unconfigure(config):
    if _session_settings:
        overrides, media = _session_settings
        overrides.disable()
        shutil.rmtree(media, ignore_errors=True)


@pytest.fixture
def regions(db):
    regions_load()


def _officer(kind, role=Officer.Role.OFFICER, region="73.72", kecamatan=None, jurisdiction=None):
    agency = AgencyFactory(kind=kind, region_id=region, jurisdiction=jurisdiction or [])
    return OfficerFactory(agency=agency, role=role, kecamatan_id=kecamatan).user


@pytest.fixture
def kanim_officer(regions):
    return _officer(Agency.Kind.IMIGRASI, jurisdiction=["73.72", "73.15"])


@pytest.fixture
def kanim_supervisor(regions):
    return _officer(Agency.Kind.IMIGRASI, Officer.Role.SUPERVISOR, jurisdiction=["73.72", "73.15"])


@pytest.fixture
def polres_officer(regions):
    return _officer(Agency.Kind.POLRES)


@pytest.fixture
def kemenag_officer(regions):
    return _officer(Agency.Kind.KEMENAG)


@pytest.fixture
def camat_soreang(regions):
    return _officer(Agency.Kind.KECAMATAN, region="73.72.03", kecamatan="73.72.03")


@pytest.fixture
def camat_ujung(regions):
    return _officer(Agency.Kind.KECAMATAN, region="73.72.02", kecamatan="73.72.02")


@pytest.fixture
def outsider(db):
    """Signed-in account with no officer profile: sees nothing."""
    return UserFactory(username="outsider")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, with any other session still on it ended (and waited
    for) before it is dropped at the end of the run. A Celery worker that test_worker.py kills
    in the middle of a statement leaves its session running until the statement ends, and
    pg_terminate_backend without a timeout does not wait for the end: the drop then failed now
    and then with "is being accessed by other users", leaving the database behind."""
    yield
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True, scope="session")
def celery_eager():
    """Tasks run in-process in tests (rules after on_commit, etc.); the real-worker tests in
    tests/reports/test_worker.py switch this off for themselves."""
    from timpora.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield


# The data migrations that seed reference rows (the access policy table, the rule thresholds, the
# Pilkada watch window and the visa-index table). A transactional test (live server, real worker) ends with a flush
# that empties every table, so each database test puts these rows back, with the migrations' own
# code, exactly as `migrate` leaves them.
_SEEDING_MIGRATIONS = [
    ("agencies.migrations.0004_seed_access_policy", "seed"),
    ("reports.migrations.0004_default_rule_settings_and_pilkada_window", "create_defaults"),
    ("foreigners.migrations.0006_seed_visa_index", "seed"),
]
_DB_FIXTURES = ("transactional_db", "live_server", "db")


def _seed_reference_rows() -> None:
    for module, function in _SEEDING_MIGRATIONS:
        getattr(importlib.import_module(module), function)(django_apps, None)


@pytest.fixture(scope="class")
def shared_transaction(django_db_setup, django_db_blocker):
    """One transaction around a test class (or a module, for tests outside a class), rolled back
    at its end, for data that many tests only read and that is slow to build (a generated
    dataset, the demo): a class-scoped fixture that requests this one builds it once. Each test still runs in its own savepoint
    (pytest-django's ``db``), so what a test writes is undone after it, as usual.

    Not for transactional tests (a flush would empty the module's data)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        # As in Django's TestCase: a service's durable block may open inside this one.
        atomic._from_testcase = True
        atomic.__enter__()
        try:
            _seed_reference_rows()  # a transactional test of this worker may have flushed them
            access_changed()
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def reference_rows_as_migrated(request):
    marker = request.node.get_closest_marker("django_db")
    wanted = next((name for name in _DB_FIXTURES if name in request.fixturenames), None)
    if wanted is None and marker is None:
        return
    if wanted is not None:
        request.getfixturevalue("transactional_db" if wanted == "live_server" else wanted)
    _seed_reference_rows()
    # The cached access of users of an earlier test (same ids after a rollback or a new test
    # database) must not survive into this one; the migrations' bulk_create sends no signal.
    access_changed()


@pytest.fixture(autouse=True)
def language_as_at_start():
    """Each test starts in the default language: a request in English leaves English active in
    the thread (LocaleMiddleware activates, nothing deactivates), which would otherwise change the
    messages of whichever test runs next in this worker."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
