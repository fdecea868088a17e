"""Every main page fits a 360 px phone, for every role: no sideways scrolling, and every item
of the top menu reachable on the screen (issue 10)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency, Officer
from reports.models import Flag
from reports.rules import rules_run
from tests.conftest import _officer
from tests.factories import (
    ForeignerFactory,
    ResidenceFactory,
    SightingFactory,
    StayPermitFactory,
    TravelDocumentFactory,
    UserFactory,
)

from .conftest import screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PHONE = {"width": 360, "height": 740}
# Pages outside the top menu that every signed-in officer reaches.
EXTRA_PAGES = [
    "home",
    "notification-list",
    "access-request-list",
    "share-list",
    "otp-enrol",
    "sighting-list",
    "foreigner-create",
    "task-create",
    "operation-create",
    "meeting-create",
    "enforcement-create",
    "pack-create",
]
ROLES = ["kanim_officer", "kanim_supervisor", "polres_officer", "kemenag_officer", "camat", "admin"]


@pytest.fixture
def world(regions):
    """One person in Soreang with a permit that ended, a sighting there and the alerts the
    rules raise, so lists, the dashboard and the record pages have rows."""
    today = timezone.localdate()
    person = ForeignerFactory(family_name="Wang", given_names="Lei", nationality="CHN")
    TravelDocumentFactory(foreigner=person, number="EH7654321")
    ResidenceFactory(foreigner=person, region_id="73.72.03.1001")
    StayPermitFactory(
        foreigner=person,
        number="2C11XY0042",
        issued_on=today - dt.timedelta(days=200),
        valid_from=today - dt.timedelta(days=200),
        valid_until=today - dt.timedelta(days=20),
    )
    sighting = SightingFactory(foreigner=person, description="Terlihat bekerja di toko bangunan")
    rules_run()
    return person, sighting


def _user(role: str):
    if role == "camat":
        return _officer(Agency.Kind.KECAMATAN, region="73.72.03", kecamatan="73.72.03")
    if role == "admin":
        return UserFactory(username="sysadmin", is_superuser=True, is_staff=True)
    kind, officer_role, jurisdiction = {
        "kanim_officer": (Agency.Kind.IMIGRASI, Officer.Role.OFFICER, ["73.72", "73.15"]),
        "kanim_supervisor": (Agency.Kind.IMIGRASI, Officer.Role.SUPERVISOR, ["73.72", "73.15"]),
        "polres_officer": (Agency.Kind.POLRES, Officer.Role.OFFICER, None),
        "kemenag_officer": (Agency.Kind.KEMENAG, Officer.Role.OFFICER, None),
    }[role]
    return _officer(kind, officer_role, jurisdiction=jurisdiction)


def _menu_items(page) -> list:
    toggle = page.locator("#menu-toggle")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    return page.locator("nav.nav a").all()


@pytest.mark.parametrize("role", ROLES)
def test_every_main_page_fits_a_360_px_phone(open_as, world, role):
    user = _user(role)
    page = open_as(user, viewport=PHONE)
    items = _menu_items(page)
    assert items, "no top menu"
    for item in items:
        box = item.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (
            f"menu item {item.inner_text()!r} is off the screen: {box}"
        )
    paths = [item.get_attribute("href") for item in items]
    paths += [reverse(name) for name in EXTRA_PAGES]
    person, sighting = world
    paths += [
        reverse("foreigner-detail", args=[person.pk]),
        reverse("access-request-new", args=["foreigner", person.pk]),
        reverse("sighting-detail", args=[sighting.pk]),
        *(reverse("flag-detail", args=[flag.pk]) for flag in Flag.objects.all()),
    ]
    too_wide, visited = [], 0
    for path in dict.fromkeys(paths):
        response = page.goto(path)
        if response.status in (403, 404):  # not this role's page
            continue
        assert response.status == 200, f"{path}: {response.status}"
        visited += 1
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide.append(f"{path}: {width} px")
            screenshot(page, f"too-wide-{role}-{path.strip('/').replace('/', '-') or 'home'}")
    assert visited >= len(items)
    assert not too_wide, f"wider than the phone for {role}:\n" + "\n".join(too_wide)
    page.goto(reverse("home"))
    screenshot(page, f"phone-360-{role}")


def test_without_javascript_the_menu_wraps_on_the_phone(open_as, regions):
    page = open_as(_user("kanim_supervisor"), viewport=PHONE, java_script_enabled=False)
    items = page.locator("nav.nav a").all()
    assert len(items) >= 8
    for item in items:
        box = item.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (
            f"menu item {item.inner_text()!r} is off the screen: {box}"
        )
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
