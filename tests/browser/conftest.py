"""Real-browser journeys: Playwright driving Debian's chromium against Django's live server.

Playwright's own browser download is not reachable from CI, so the browser is the ``chromium``
on the PATH (installed by ``.ci/run``). A missing chromium fails the tests instead of skipping
them: these journeys are part of ``make test``.
"""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API keeps an asyncio loop running in the main thread, which makes Django
# refuse ORM calls from the test body (SynchronousOnlyOperation). The test body and the live
# server never share a connection, so the check has nothing to protect here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "pw-Timpora-123"  # tests/factories.py UserFactory


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    chromium = shutil.which("chromium")
    if chromium is None:
        raise RuntimeError("chromium is not on the PATH: apt-get install chromium (see .ci/run)")
    return {**browser_type_launch_args, "executable_path": chromium, "headless": True}


@pytest.fixture(scope="module", autouse=True)
def migrated_data(django_db_setup, django_db_blocker):
    """The rows the migrations seed (access policy, rule settings, content types…), put back
    before each journey and after the last one.

    The live server needs transactional tests, whose teardown empties every table. Django's
    serialized rollback would restore the seed, but it keeps it on the connection object, and
    once Playwright runs an event loop in this thread asgiref hands out a different connection
    object that lacks it. So take the snapshot here and restore it ourselves; restoring after the
    last journey leaves the database as the migrations left it for the tests that follow.
    """
    from django.db import connection

    with django_db_blocker.unblock():
        snapshot = getattr(connection, "_test_serialized_contents", None)
        if snapshot is None:
            snapshot = connection.creation.serialize_db_to_string()
    yield snapshot
    with django_db_blocker.unblock():
        connection.creation.deserialize_db_from_string(snapshot)
        # This context's connection: the test database cannot be dropped while it is open.
        connection.close()


@pytest.fixture(autouse=True)
def restore_migrated_data(transactional_db, migrated_data):
    from django.db import connection

    connection.creation.deserialize_db_from_string(migrated_data)
    # Read by TransactionTestCase's teardown: flush without re-creating content types (their
    # rows come back from the snapshot, with the primary keys the other rows point to).
    connection._test_serialized_contents = migrated_data


@pytest.fixture
def private_media(settings, tmp_path):
    """Photos go to a throw-away private media root (the live server reads the same settings)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def open_as(browser, live_server):
    """``open_as(user, viewport=..., **context_args)`` → a page in a fresh browser context,
    signed in through the login form like a person would."""
    contexts, script_errors = [], []

    def _open(user, *, viewport=None, **context_args):
        context = browser.new_context(
            viewport=viewport or {"width": 1280, "height": 900},
            base_url=live_server.url,
            **context_args,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: script_errors.append(f"{page.url}: {error}"))
        sign_in(page, user)
        return page

    yield _open
    for context in contexts:
        context.close()
    assert not script_errors, "JavaScript errors in the pages:\n" + "\n".join(script_errors)


def sign_in(page, user):
    page.goto("/masuk/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("form[action$='/masuk/'] button[type=submit]")
    page.wait_for_url(lambda url: "/masuk/" not in url)


def screenshot(page, name: str) -> None:
    """Keep the journey's last screen as a test artifact (test-artifacts/ is gitignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
