"""Security headers and cookie flags on every kind of page (what OWASP ZAP's baseline scan
checks passively): CSP without inline script or style, HSTS, nosniff, frame and referrer
policies, no-store on pages and API answers, Secure/HttpOnly cookies; the portal's own 404 and
500 pages; and no inline script or style attribute left in any template."""

import io
import re
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.test import override_settings
from django.urls import path, reverse
from PIL import Image

from reports.models import SightingPhoto
from tests.factories import ForeignerFactory, ResidenceFactory, SightingFactory
from timpora import urls as portal_urls

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = dict(
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
    LANGUAGE_COOKIE_SECURE=True,
    SECURE_SSL_REDIRECT=True,
    SECURE_HSTS_SECONDS=31536000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
)


def _boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", _boom), *portal_urls.urlpatterns]
handler404 = getattr(portal_urls, "handler404", None) or "django.views.defaults.page_not_found"
handler500 = getattr(portal_urls, "handler500", None) or "django.views.defaults.server_error"


def _check_headers(response, *, cacheable=False):
    csp = response["Content-Security-Policy"]
    directives = dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in csp.split(";") if part.strip()
    )
    assert directives["script-src"] == "'self'", csp
    assert directives["style-src"] == "'self'", csp
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    if not cacheable:
        assert "no-store" in response["Cache-Control"], response.get("Cache-Control")
    assert "Server" not in response or "Django" not in response["Server"]


@override_settings(**PRODUCTION)
def test_every_kind_of_page_carries_the_security_headers(client, kanim_supervisor):
    anonymous = client.get("/masuk/", secure=True)
    assert anonymous.status_code == 200
    _check_headers(anonymous)
    csrf = anonymous.cookies["csrftoken"]
    assert csrf["secure"] and csrf["samesite"] == "Lax"

    response = client.post(
        "/masuk/",
        {"username": kanim_supervisor.username, "password": "pw-Timpora-123"},
        secure=True,
        REMOTE_ADDR="203.0.113.9",
    )
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert int(session["max-age"]) == 1800

    person = ForeignerFactory()
    ResidenceFactory(foreigner=person, region_id="73.72.03.1001")
    for url in (
        "/",
        "/orang-asing/",
        f"/orang-asing/{person.pk}/",
        "/dasbor/",
        "/api/v1/foreigners/",
        f"/api/v1/foreigners/{person.pk}/",
        "/api/schema/",
        "/admin/login/",
        "/akun/dua-langkah/",
        "/masuk/lupa/",
    ):
        page = client.get(url, secure=True)
        assert page.status_code in (200, 302), (url, page.status_code)
        _check_headers(page)


@override_settings(**PRODUCTION)
def test_plain_http_is_redirected_to_https(client):
    response = client.get("/masuk/")
    assert response.status_code == 301 and response["Location"].startswith("https://")


@override_settings(ROOT_URLCONF=__name__, DEBUG=False, **PRODUCTION)
def test_not_found_and_server_error_are_the_portals_own_pages(client):
    missing = client.get("/no-such-page/", secure=True)
    assert missing.status_code == 404
    assert 'class="topbar"' in missing.content.decode()
    _check_headers(missing)
    client.raise_request_exception = False
    broken = client.get("/boom/", secure=True)
    assert broken.status_code == 500
    body = broken.content.decode()
    assert "Traceback" not in body and "a bug" not in body
    assert "Timpora" in body


def test_no_template_has_inline_script_or_style():
    offenders = []
    for template in ROOT.glob("**/templates/**/*.html"):
        if ".venv" in template.parts:
            continue
        text = template.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            offenders.append(f"{template}: inline <script>")
        if re.search(r"\sstyle=|<style\b|\son[a-z]+=", text):
            offenders.append(f"{template}: style attribute/element or on* handler")
    assert not offenders, offenders


def test_static_files_stay_cacheable(client):
    response = client.get("/static/css/timpora.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_a_request_with_too_many_files_gets_the_portals_400_page(client, camat_soreang):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(camat_soreang)
    files = [SimpleUploadedFile(f"{i}.jpg", b"x", content_type="image/jpeg") for i in range(11)]
    response = client.post("/laporan/baru/", {"photos": files})
    assert response.status_code == 400
    assert "Timpora" in response.content.decode()


def test_photo_downloads_are_no_store(client, kanim_officer, tmp_path):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 10, 10)).save(buffer, "JPEG")
    with override_settings(**PRODUCTION, MEDIA_ROOT=str(tmp_path)):
        person = ForeignerFactory()
        person.photo.save("p.jpg", ContentFile(buffer.getvalue()))
        photo = SightingPhoto.objects.create(
            sighting=SightingFactory(), image=ContentFile(buffer.getvalue(), name="s.jpg")
        )
        client.force_login(kanim_officer)
        for url in (
            reverse("foreigner-photo", args=[person.pk]),
            reverse("sighting-photo", args=[photo.pk]),
        ):
            response = client.get(url, secure=True)
            assert response.status_code == 200, url
            # Personal data: never kept by a browser or shared cache.
            _check_headers(response)
            assert "max-age=300" not in response["Cache-Control"]
