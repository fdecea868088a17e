"""Language: Bahasa Indonesia by default, English by the switch, and a complete catalog."""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

LOCALE = Path(settings.BASE_DIR) / "locale"
PASSWORD = "pw-Timpora-123"  # tests/factories.py UserFactory
PLACEHOLDER = re.compile(r"%(?:\([a-z_]+\))?[sd]")


def test_pages_are_indonesian_by_default_even_for_an_english_browser(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    page = response.content.decode()
    assert '<html lang="id">' in page
    assert "Masuk ke Timpora" in page and "Sign in to Timpora" not in page


@pytest.mark.django_db
def test_english_chosen_by_the_switch_persists_across_pages_and_a_new_sign_in(
    client, polres_officer
):
    assert client.login(username=polres_officer.username, password=PASSWORD)
    assert "Keluar" in client.get(reverse("home")).content.decode()

    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en" and int(cookie["max-age"]) >= 300 * 24 * 3600

    home = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in home and "Sign out" in home
    assert "Alerts for my agency" in client.get(reverse("flag-list")).content.decode()

    client.post(reverse("logout"))
    assert "Sign in to Timpora" in client.get(reverse("login")).content.decode()
    assert client.login(username=polres_officer.username, password=PASSWORD)
    assert "Sign out" in client.get(reverse("home")).content.decode()

    client.post(reverse("set_language"), {"language": "id", "next": "/"})
    assert "Keluar" in client.get(reverse("home")).content.decode()


def test_an_unknown_language_cookie_falls_back_to_indonesian(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert "Masuk ke Timpora" in client.get(reverse("login")).content.decode()


def _po_entries(path: Path) -> dict[str, str]:
    """msgid → msgstr (msgstr[0] for plurals) of a .po file, without the header."""
    entries, key, field = {}, None, None
    parts: dict[str, str] = {}

    def flush():
        if parts.get("msgid"):
            entries[parts["msgid"]] = parts.get("msgstr", parts.get("msgstr[0]", ""))

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        match = re.match(r'^(msgid|msgid_plural|msgstr|msgstr\[\d+\]) "(.*)"$', line)
        if match:
            key, text = match.groups()
            if key == "msgid":
                flush()
                parts = {}
            field = key
            parts[field] = text
        elif line.startswith('"'):
            parts[field] += line[1:-1]
    flush()
    return {_unescape(k): _unescape(v) for k, v in entries.items()}


def _unescape(text: str) -> str:
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    return re.sub(r"\\(.)", lambda m: escapes[m.group(1)], text)


def test_indonesian_catalog_translates_every_message_and_is_compiled():
    po = _po_entries(LOCALE / "id" / "LC_MESSAGES" / "django.po")
    assert len(po) > 500
    untranslated = [msgid for msgid, msgstr in po.items() if not msgstr]
    assert not untranslated, untranslated[:10]
    mismatched = [
        msgid
        for msgid, msgstr in po.items()
        if sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(msgstr))
    ]
    assert not mismatched, mismatched[:10]
    # The committed .mo is compiled from this .po (run `make messages` after editing it).
    with open(LOCALE / "id" / "LC_MESSAGES" / "django.mo", "rb") as fh:
        mo = gettext.GNUTranslations(fh)
    stale = [msgid for msgid, msgstr in po.items() if mo.gettext(msgid) != msgstr]
    stale = [m for m in stale if "%(n)s person" != m]  # plural: looked up with ngettext
    assert not stale, stale[:10]
    assert mo.ngettext("%(n)s person", "%(n)s persons", 3) == po["%(n)s person"]


@pytest.mark.django_db
def test_error_pages_speak_the_chosen_language(client, polres_officer):
    client.force_login(polres_officer)
    forbidden = client.get(reverse("sighting-queue"))
    assert forbidden.status_code == 403 and "Tidak diizinkan" in forbidden.content.decode()
    missing = client.get("/orang-asing/999999/")
    assert missing.status_code == 404 and "Tidak ditemukan" in missing.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Not found" in client.get("/orang-asing/999999/").content.decode()
