"""Fuzz every form and API endpoint a camat, a Kanim officer and a supervisor can reach.

Forms are found by crawling the portal as each of them (one page per URL name) and reading the
``<form>`` elements; each field in turn gets hostile values — boundary dates (year 1, 9999,
1900), a NUL, 100 kB of text, an oversized number, emoji with right-to-left text — while the
other fields keep valid values, so each value reaches the deepest check it can. The API gets the
same in its query parameters, path ids and JSON bodies (plus wrong JSON types).

What must hold: no answer is a 5xx, and a refused request (4xx, or the form shown again with an
error) leaves no row behind in any business table.
"""

from __future__ import annotations

import time
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.db import connection
from django.urls import Resolver404, resolve
from django.utils import timezone

from agencies.models import Agency, Officer
from reports.models import Sighting
from tests.conftest import _officer
from tests.factories import (
    FlagFactory,
    ForeignerFactory,
    MovementFactory,
    ResidenceFactory,
    SightingFactory,
    StayPermitFactory,
    TravelDocumentFactory,
)

pytestmark = pytest.mark.django_db

DATES = ["0001-01-01", "9999-12-31", "1900-01-01"]
DATETIMES = ["0001-01-01T00:00", "9999-12-31T23:59", "1900-01-01T00:00"]
TEXTS = [
    "a\x00b",
    # 25 kB: over every length limit as text (the longest is 20,000), past Python's 4,300-digit
    # limit of int(), and far out of bounds as a number.
    "9" * 25_000,
    "👮🏽‍♀️🇮🇩 \u202eعربى\u202c שלום",
]
WRONG_JSON = [["a", "b"], {"x": 1}, True, 1e308]
# Pages that change the session or the account, not records: not fuzzed.
SKIPPED_URL_NAMES = {"logout", "set_language", "otp-backup-codes", "otp-verify", "otp-enrol"}
VALID = {
    "place": "Pasar Lakessi",
    "description": "Uji fuzz",
    "unidentified_description": "Pria, kemeja biru",
    "apparent_nationality": "CHN",
    "person_count": "1",
    "activity": "work",
    "person": "unknown",
    "family_name": "Fuzz",
    "given_names": "Tester",
    "nationality": "CHN",
    "sex": "M",
    "birth_date": "1985-05-17",
    "number": "FZ1234567",
    "issuing_country": "CHN",
    "issued_on": "2020-01-01",
    "expires_on": "2030-01-01",
    "valid_from": "2020-01-01",
    "valid_until": "2030-01-01",
    "visa_index": "E23",
    "address": "Jl. Fuzz 1",
    "from_date": "2024-01-01",
    "note": "Uji fuzz",
    "body": "Uji fuzz",
    "reason": "Uji fuzz: pemeriksaan lapangan",
    "purpose": "Uji fuzz: pemeriksaan lapangan",
}


class _Forms(HTMLParser):
    """The forms of a page (action, method, fields with their current values) and its links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self.links: list[str] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = {
                "action": a.get("action") or "",
                "method": (a.get("method") or "get").lower(),
                "fields": {},
                "types": {},
                "multipart": "multipart" in (a.get("enctype") or ""),
            }
            self.forms.append(self._form)
        elif self._form is None or not a.get("name"):
            return
        elif tag == "input":
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("radio", "checkbox") and "checked" not in a:
                self._form["fields"].setdefault(a["name"], None)
                if self._form["fields"][a["name"]] is None and kind == "radio":
                    self._form["fields"][a["name"]] = a.get("value", "")
                self._form["types"][a["name"]] = kind
                return
            self._form["fields"][a["name"]] = a.get("value", "")
            self._form["types"][a["name"]] = kind
        elif tag == "select":
            self._select = a["name"]
            self._form["fields"][a["name"]] = None
            self._form["types"][a["name"]] = "select"
        elif tag == "option" and self._select:
            fields = self._form["fields"]
            value = a.get("value", "")
            if "selected" in a or (fields[self._select] in (None, "") and value):
                fields[self._select] = value
        elif tag == "textarea":
            self._textarea = a["name"]
            self._form["fields"][a["name"]] = ""
            self._form["types"][a["name"]] = "textarea"

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _business_tables() -> list[str]:
    """Tables a refused request must not write to: every model of the three apps except the
    access log (reads are logged, refused or not) and the cache-like rows."""
    skip = {"accesslog", "auditlog", "auditevent", "notification"}
    return [
        m._meta.db_table
        for app in ("agencies", "foreigners", "reports")
        for m in apps.get_app_config(app).get_models()
        if m._meta.model_name not in skip and not m._meta.proxy and m._meta.managed
    ]


def _counts(tables) -> tuple:
    sql = "SELECT " + ", ".join(f'(SELECT count(*) FROM "{t}")' for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()


def _refused(response) -> bool:
    if 400 <= response.status_code < 500:
        return True
    if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
        body = response.content.decode(errors="replace")
        return 'class="error' in body or "has-error" in body or 'class="alert error' in body
    return False


def _url_name(url: str) -> str | None:
    try:
        return resolve(urlsplit(url).path).url_name
    except Resolver404:
        return None


def _crawl(client, seeds: list[str]) -> dict[str, tuple[str, _Forms]]:
    """One page per URL name, two links deep from the seeds."""
    pages: dict[str, tuple[str, _Forms]] = {}
    frontier = list(seeds)
    for _depth in range(2):
        found = []
        for url in frontier:
            name = _url_name(url)
            if name is None or name in pages or name in SKIPPED_URL_NAMES:
                continue
            if url.startswith(("/admin", "/api", "/static", "/keluar")):
                continue
            response = client.get(url)
            assert response.status_code < 500, (url, response.status_code)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            parser = _Forms()
            parser.feed(response.content.decode())
            pages[name] = (url, parser)
            found += [urljoin(url, link) for link in parser.links if link.startswith("/")]
        frontier = found
    return pages


def _values_for(name: str, kind: str) -> list:
    if kind == "date" or name.endswith(("_on", "_date", "until")):
        return DATES + ["a\x00b"]
    if kind == "datetime-local" or name.endswith("_at"):
        return DATETIMES + ["a\x00b"]
    return TEXTS


@pytest.fixture
def world(regions):
    camat = _officer(Agency.Kind.KECAMATAN, region="73.72.03", kecamatan="73.72.03")
    kanim = _officer(Agency.Kind.IMIGRASI, jurisdiction=["73.72", "73.15"])
    supervisor = _officer(
        Agency.Kind.IMIGRASI, Officer.Role.SUPERVISOR, jurisdiction=["73.72", "73.15"]
    )
    person = ForeignerFactory()
    ResidenceFactory(foreigner=person)
    TravelDocumentFactory(foreigner=person)
    permit = StayPermitFactory(foreigner=person)
    MovementFactory(foreigner=person)
    sighting = SightingFactory(
        reporter=camat, reporting_agency=camat.officer.agency, foreigner=person
    )
    flag = FlagFactory(subject_id=permit.pk, foreigner=person)
    return {
        "principals": {"camat": camat, "kanim_officer": kanim, "supervisor": supervisor},
        "seeds": [
            "/",
            "/orang-asing/",
            "/orang-asing/baru/",
            f"/orang-asing/{person.pk}/",
            "/laporan/baru/",
            "/laporan/tinjau/",
            f"/laporan/{sighting.pk}/",
            "/peringatan/",
            f"/peringatan/{flag.pk}/",
            "/dasbor/",
            "/akses/permintaan/",
            "/akses/berbagi/",
        ],
        "ids": {"foreigners": person.pk, "sightings": sighting.pk, "flags": flag.pk},
    }


@pytest.mark.parametrize("principal", ["camat", "kanim_officer", "supervisor"])
def test_no_form_or_api_input_gives_a_5xx_or_leaves_data_behind(client, world, principal):
    started = time.monotonic()
    client.force_login(world["principals"][principal])
    tables = _business_tables()
    failures: list[str] = []
    sent = 0

    def check(label, response, before):
        nonlocal sent
        sent += 1
        if response.status_code >= 500:
            failures.append(f"{label}: {response.status_code}")
        elif _refused(response) and _counts(tables) != before:
            failures.append(f"{label}: refused ({response.status_code}) but rows were written")

    pages = _crawl(client, world["seeds"])
    forms_fuzzed = 0
    for name, (url, parser) in sorted(pages.items()):
        for form in parser.forms:
            action = urljoin(url, form["action"] or url)
            if _url_name(action) in SKIPPED_URL_NAMES or not form["fields"]:
                continue
            forms_fuzzed += 1
            base = {k: VALID.get(k, v if v is not None else "") for k, v in form["fields"].items()}
            if "observed_at" in base:
                base["observed_at"] = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
            for field, kind in form["types"].items():
                if field in ("csrfmiddlewaretoken", "submission_key", "token", "version"):
                    continue
                for value in _values_for(field, kind):
                    data = {**base, field: value}
                    before = _counts(tables)
                    if form["method"] == "post":
                        response = client.post(action, data)
                    else:
                        response = client.get(action, data)
                    check(f"{name} {form['method']} {field}={value!r:.30}", response, before)

    for resource in world["ids"]:
        for param in ("kecamatan", "nationality", "page", "q"):
            for value in TEXTS:
                before = _counts(tables)
                check(
                    f"api {resource} ?{param}={value!r:.30}",
                    client.get(f"/api/v1/{resource}/", {param: value}),
                    before,
                )
        for bad_id in ("0", "99999999999999999999", "abc", "%00"):
            before = _counts(tables)
            check(f"api {resource}/{bad_id}", client.get(f"/api/v1/{resource}/{bad_id}/"), before)

    sighting = {
        "region": "73.72.03.1001",
        "place": "Pasar",
        "observed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "activity": "work",
        "description": "Uji",
        "person": "unknown",
        "apparent_nationality": "CHN",
        "person_count": 1,
    }
    search = {"name": "Fuzz", "nationality": "CHN", "kecamatan": "73.72.03"}
    for url, body in (("/api/v1/sightings/", sighting), ("/api/v1/foreigners/search/", search)):
        for field in body:
            values = DATETIMES if field == "observed_at" else TEXTS
            for value in values + WRONG_JSON:
                before = _counts(tables)
                response = client.post(url, {**body, field: value}, content_type="application/json")
                check(f"api POST {url} {field}={value!r:.30}", response, before)
                if response.status_code == 400:
                    assert isinstance(response.json(), dict), response.content[:200]
        before = _counts(tables)
        check(f"api POST {url} not JSON", client.post(url, "[1,", "application/json"), before)

    assert not failures, f"{len(failures)} of {sent} requests failed:\n" + "\n".join(failures[:40])
    assert forms_fuzzed >= 3, sorted(pages)
    print(
        f"\nfuzz {principal}: {len(pages)} pages, {forms_fuzzed} forms, {sent} requests, "
        f"{time.monotonic() - started:.1f} s"
    )
    # Nothing was stored with an out-of-range time.
    assert not Sighting.objects.filter(observed_at__year__lt=2000).exists()
