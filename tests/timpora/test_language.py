"""Language scan: every main page of every role, in both languages, shows words, not code.

On Indonesian pages no English source text of a translated msgid (locale/id/LC_MESSAGES/
django.po) appears as-is; on every page no raw enum value (``DIPLOMATIC``, ``tourism``), rule
code (``permit.overstay``) or constraint name, and no untranslated Django placeholder
(``---------``, "Select an option"). Text is read from the HTML's text nodes and its visible
attributes (title, aria-label, placeholder, alt), with the Django test client.
"""

from __future__ import annotations

import gettext
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency, Officer
from reports.models import Flag
from reports.rules import RULES
from tests.conftest import _officer
from tests.factories import (
    FlagFactory,
    ForeignerFactory,
    ResidenceFactory,
    SightingFactory,
    SponsorFactory,
    StayPermitFactory,
    TravelDocumentFactory,
    UserFactory,
)

PROJECT_APPS = ("agencies", "foreigners", "reports", "accounts", "timpora")
VISIBLE_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}
PLACEHOLDERS = ("---------", "Select an option")


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in VISIBLE_ATTRIBUTES and value:
                self.texts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.texts.append(data)


def page_texts(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    texts = (" ".join(t.split()) for t in parser.texts)
    return [t for t in texts if t]


def translated_msgids() -> set[str]:
    """English msgids the Indonesian catalogue translates differently (placeholders and
    one-letter texts left out: they cannot be matched as text)."""
    mo = Path(settings.BASE_DIR, "locale", "id", "LC_MESSAGES", "django.mo")
    with mo.open("rb") as f:
        catalog = gettext.GNUTranslations(f)._catalog
    return {
        msgid
        for msgid, msgstr in catalog.items()
        if isinstance(msgid, str)
        and msgid
        and "%" not in msgid
        and "{" not in msgid
        and "\x04" not in msgid
        and len(msgid) > 2
        and msgstr
        and msgstr != msgid
    }


def raw_enum_values() -> set[str]:
    """Stored values of the project's choices that differ from their (English) label."""
    values = set()
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for field in model._meta.get_fields():
            if field.name == "nationality" or not getattr(field, "flatchoices", None):
                continue
            for value, label in field.flatchoices:
                if isinstance(value, str) and len(value) > 2 and value != str(label):
                    values.add(value)
    return values


def constraint_names() -> set[str]:
    return {
        c.name
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS
        for c in model._meta.constraints
    }


def findings(html: str, lang: str, *, msgids, enums, constraints) -> list[str]:
    texts = page_texts(html)
    found = []
    for text in texts:
        bare = text.rstrip(":").strip()
        if lang == "id" and bare in msgids:
            found.append(f"untranslated: {bare!r}")
        # A value on its own, after a label ("state: open") or either side of a change (→).
        values = {bare, *(v.strip() for v in re.split(r": |→", text)[1:])}
        found += [f"raw value: {v!r}" for v in sorted(values & enums)]
    joined = "\n".join(texts)
    found += [
        f"rule code: {code}" for code in RULES if re.search(rf"\b{re.escape(code)}\b", joined)
    ]
    found += [f"constraint: {name}" for name in constraints if name in joined]
    if lang == "id":
        found += [f"placeholder: {p!r}" for p in PLACEHOLDERS if p in joined]
    return found


def test_the_scanner_finds_what_it_looks_for():
    html = (
        '<p title="Dashboard">tourism</p><select><option>---------</option></select>'
        "<script>var x = 'Dashboard';</script><p>permit.overstay</p><p>Dasbor</p>"
        "<li>keadaan: open → closed</li>"
    )
    enums = {"tourism", "open", "closed"}
    found = findings(html, "id", msgids={"Dashboard"}, enums=enums, constraints={"c_name"})
    assert found == [
        "untranslated: 'Dashboard'",
        "raw value: 'tourism'",
        "raw value: 'closed'",
        "raw value: 'open'",
        "rule code: permit.overstay",
        "placeholder: '---------'",
    ]
    assert findings(html, "en", msgids={"Dashboard"}, enums=set(), constraints=set()) == [
        "rule code: permit.overstay"
    ]


@pytest.fixture
def records(regions):
    """One of everything the main pages show, in Soreang (inside every fixture role's area)."""
    person = ForeignerFactory(
        given_names="Amelia", family_name="Evans", nationality="AUS", occupation="Guru"
    )
    ResidenceFactory(foreigner=person, region_id="73.72.03.1001")
    TravelDocumentFactory(foreigner=person)
    permit = StayPermitFactory(
        foreigner=person,
        sponsor=SponsorFactory(),
        valid_until=timezone.localdate() + timezone.timedelta(days=10),
    )
    sighting = SightingFactory(
        foreigner=person, region_id="73.72.03.1001", latitude="-4.01", longitude="119.62"
    )
    flags = [
        FlagFactory(
            foreigner=person,
            subject_type=Flag.SubjectType.FOREIGNER,
            subject_id=person.pk,
            rule=rule,
            routed_to=[kind for kind, _label in Agency.Kind.choices],
        )
        for rule in ("permit.overstay", "permit.expiring")
    ]
    return {"person": person, "permit": permit, "sighting": sighting, "flag": flags[0]}


ROLES = {
    "kanim_officer": lambda: _officer(Agency.Kind.IMIGRASI, jurisdiction=["73.72"]),
    "kanim_supervisor": lambda: _officer(
        Agency.Kind.IMIGRASI, Officer.Role.SUPERVISOR, jurisdiction=["73.72"]
    ),
    "polres_supervisor": lambda: _officer(Agency.Kind.POLRES, Officer.Role.SUPERVISOR),
    "kemenag_officer": lambda: _officer(Agency.Kind.KEMENAG),
    "camat": lambda: _officer(Agency.Kind.KECAMATAN, region="73.72.03", kecamatan="73.72.03"),
    "system_admin": lambda: UserFactory(is_superuser=True, is_staff=True),
}


def main_pages(records) -> list[str]:
    person, permit = records["person"], records["permit"]
    return [
        reverse("home"),
        reverse("foreigner-list"),
        reverse("foreigner-list") + "?q=amelia",
        reverse("foreigner-create"),
        reverse("foreigner-detail", args=[person.pk]),
        reverse("foreigner-edit", args=[person.pk]),
        reverse("permit-create", args=[person.pk]),
        reverse("permit-create", args=[person.pk]) + f"?extends={permit.pk}",
        reverse("sighting-list"),
        reverse("sighting-mine"),
        reverse("sighting-create"),
        reverse("sighting-queue"),
        reverse("sighting-detail", args=[records["sighting"].pk]),
        reverse("flag-list"),
        reverse("flag-detail", args=[records["flag"].pk]),
        reverse("dashboard"),
        reverse("access-request-list"),
        reverse("share-list"),
        reverse("notification-list"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_main_pages_show_words_not_code_in_both_languages(client, role, records):
    client.force_login(ROLES[role]())
    scan = {
        "msgids": translated_msgids(),
        "enums": raw_enum_values(),
        "constraints": constraint_names(),
    }
    problems = []
    for lang in ("id", "en"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
        for url in main_pages(records):
            response = client.get(url)
            if response.status_code != 200:
                continue  # refused to this role (the authorization matrix checks that)
            assert response.headers.get("Content-Language") == lang, url
            problems += [
                f"{lang} {url}: {f}" for f in findings(response.content.decode(), lang, **scan)
            ]
    assert not problems, "\n".join(problems)
