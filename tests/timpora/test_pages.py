"""Every main page is served whole by the portal: nothing is loaded from another host."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import FlagFactory, ForeignerFactory, SightingFactory, StayPermitFactory

# src=, href=, action=, poster= and CSS url(...) / @import with an absolute or protocol-relative URL.
EXTERNAL = re.compile(
    r"""(?:\b(?:src|href|action|poster|srcset|data)\s*=\s*["']?|url\(\s*["']?|@import\s+["'])"""
    r"""((?:https?:)?//[^"')\s>]+)""",
    re.IGNORECASE,
)


def external_urls(text: str) -> list[str]:
    return [u for u in EXTERNAL.findall(text) if urlsplit(u).hostname not in {"testserver"}]


def test_the_scanner_finds_external_references():
    html = '<script src="https://cdn.example/x.js"></script><a href="//evil.example/">x</a>'
    css = "body { background: url('http://img.example/a.png') } @import 'https://f.example/c.css';"
    assert len(external_urls(html)) == 2 and len(external_urls(css)) == 2
    assert external_urls('<a href="/orang-asing/">x</a><img src="/static/a.png">') == []


@pytest.mark.django_db
def test_main_pages_reference_no_other_host(client, kanim_supervisor):
    foreigner = ForeignerFactory()
    StayPermitFactory(foreigner=foreigner)
    sighting = SightingFactory(foreigner=foreigner, latitude="-4.01", longitude="119.62")
    flag = FlagFactory(foreigner=foreigner, routed_to=["imigrasi"], subject_id=foreigner.pk)
    login_page = client.get(reverse("login")).content.decode()
    assert external_urls(login_page) == []
    client.force_login(kanim_supervisor)
    pages = [
        reverse("home"),
        reverse("foreigner-list"),
        reverse("foreigner-create"),
        reverse("foreigner-detail", args=[foreigner.pk]),
        reverse("sighting-create"),
        reverse("sighting-queue"),
        reverse("sighting-detail", args=[sighting.pk]),
        reverse("flag-list"),
        reverse("flag-detail", args=[flag.pk]),
        reverse("dashboard"),
        "/no-such-page/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert external_urls(response.content.decode()) == [], url


def test_stylesheets_load_nothing_from_other_hosts():
    sheets = list(Path(settings.BASE_DIR, "static").rglob("*.css"))
    assert sheets
    for sheet in sheets:
        assert external_urls(sheet.read_text(encoding="utf-8")) == [], sheet
