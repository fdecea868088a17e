"""Real-browser journeys: Playwright driving Chromium against Django's live server.

The browser is Playwright's own Chromium when installed, else the system ``chromium``
(tests/browser/chromium.py; ``make test`` sets one up). Without one these tests fail with a
one-line hint instead of being skipped, and the rest of the suite is unaffected: the journeys are
ordinary transactional tests (no serialized rollback to restore), and the rows the migrations seed
come back before each test through tests/conftest.py like for every other test.
"""

import os
from pathlib import Path

import pytest
from django.db import connections

from .chromium import ChromiumMissing, launch_args

# Playwright's sync API keeps an asyncio loop running in the main thread, which makes Django
# refuse ORM calls from the test body (SynchronousOnlyOperation). The test body and the live
# server never share a connection, so the check has nothing to protect here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "pw-Timpora-123"  # tests/factories.py UserFactory


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, playwright):
    try:
        return {**browser_type_launch_args, **launch_args(playwright)}
    except ChromiumMissing as missing:
        problem = str(missing)
    pytest.fail(problem, pytrace=False)


@pytest.fixture(scope="module", autouse=True)
def close_connections(django_db_blocker):
    """Once Playwright's loop runs, asgiref hands this thread other connection objects than the
    ones Django's test set-up holds; close them after the journeys, or the test database cannot
    be dropped at the end of the run."""
    yield
    with django_db_blocker.unblock():
        connections.close_all()


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
