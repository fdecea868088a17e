"""Two-factor sign-in: who must use it, enrolment, the code step, backup codes, the API, and a
password reset that does not get around it."""

import re

import pytest
from django.core import mail
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies.models import Agency, Officer
from tests.conftest import _officer
from tests.factories import UserFactory

from .conftest import code_of, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor(regions):
    return _officer(Agency.Kind.IMIGRASI, Officer.Role.SUPERVISOR, jurisdiction=["73.72"])


@pytest.fixture
def officer(regions):
    return _officer(Agency.Kind.POLRES)


def _enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def test_supervisor_without_a_device_is_sent_to_enrol_and_sees_no_page(client, supervisor):
    assert sign_in(client, supervisor.username).status_code == 302
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/akun/dua-langkah/")
    assert client.get("/orang-asing/").status_code == 302
    api = client.get("/api/v1/foreigners/")
    assert api.status_code == 403
    assert "second factor" in api.json()["detail"] or "faktor" in api.json()["detail"]


@pytest.mark.parametrize("role", ["agency_admin", "system_admin"])
def test_agency_admin_and_system_admin_must_use_a_second_factor(client, regions, role):
    if role == "system_admin":
        user = UserFactory(username="sysadmin", is_staff=True, is_superuser=True)
    else:
        user = _officer(Agency.Kind.POLRES, Officer.Role.AGENCY_ADMIN)
    sign_in(client, user.username)
    assert client.get("/").status_code == 302
    assert client.get("/admin/").status_code == 302


def test_plain_officer_signs_in_with_a_password_only_unless_required_for_all(
    client, officer, settings
):
    sign_in(client, officer.username)
    assert client.get("/").status_code == 200
    settings.TWO_FACTOR_FOR_ALL = True
    assert client.get("/").status_code == 302


def test_enrolment_shows_a_server_drawn_qr_code_confirms_and_gives_backup_codes(client, supervisor):
    sign_in(client, supervisor.username)
    page = client.get("/akun/dua-langkah/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and "otpauth" not in html.split("<svg")[0][-200:]
    assert "<script" not in html.split("<main")[1].split("</main>")[0]
    device = TOTPDevice.objects.get(user=supervisor, confirmed=False)
    # Reloading keeps the same secret (the app scanned that one).
    client.get("/akun/dua-langkah/")
    assert TOTPDevice.objects.filter(user=supervisor).count() == 1

    wrong = client.post(
        "/akun/dua-langkah/", {"token": "000000" if code_of(device) != "000000" else "111111"}
    )
    assert wrong.status_code == 200
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed

    done = client.post("/akun/dua-langkah/", {"token": code_of(device), "next": "/orang-asing/"})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>(\w+)</code></li>", done.content.decode())
    assert len(codes) == 10
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/").status_code == 200


def test_sign_in_asks_for_the_code_and_a_code_works_once(client, supervisor):
    device = _enrolled(supervisor)
    response = sign_in(client, supervisor.username)
    assert client.get(response["Location"])["Location"].startswith("/masuk/kode/")
    session_before = client.session.session_key
    code = code_of(device)
    assert client.post("/masuk/kode/", {"token": "12345x"}).status_code == 200
    # django-otp doubles the wait after each failure; the test moves past it.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    ok = client.post("/masuk/kode/", {"token": code, "next": "/orang-asing/"})
    assert ok.status_code == 302 and ok["Location"] == "/orang-asing/"
    assert client.session.session_key != session_before
    assert client.get("/").status_code == 200
    # The same code cannot sign in a second session (ASVS 6.5.1).
    other = client.__class__()
    sign_in(other, supervisor.username)
    assert other.post("/masuk/kode/", {"token": code}).status_code == 200
    assert other.get("/").status_code == 302


def test_next_after_the_code_never_leaves_the_site(client, supervisor):
    device = _enrolled(supervisor)
    sign_in(client, supervisor.username)
    response = client.post(
        "/masuk/kode/", {"token": code_of(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_a_backup_code_signs_in_once(client, supervisor):
    _enrolled(supervisor)
    from accounts.services import backup_codes_generate

    codes = backup_codes_generate(user=supervisor)
    sign_in(client, supervisor.username)
    assert client.post("/masuk/kode/", {"token": codes[0]}).status_code == 302
    assert client.get("/").status_code == 200
    assert not StaticToken.objects.filter(token=codes[0]).exists()
    other = client.__class__()
    sign_in(other, supervisor.username)
    assert other.post("/masuk/kode/", {"token": codes[0]}).status_code == 200
    assert other.get("/").status_code == 302


def test_enrolled_user_cannot_enrol_a_new_device_instead_of_giving_the_code(client, supervisor):
    _enrolled(supervisor)
    sign_in(client, supervisor.username)
    response = client.get("/akun/dua-langkah/")
    assert response.status_code == 302 and response["Location"].startswith("/masuk/kode/")
    assert client.post("/akun/dua-langkah/", {"token": "123456"}).status_code == 302
    assert TOTPDevice.objects.filter(user=supervisor).count() == 1
    assert client.post("/akun/kode-cadangan/").status_code == 302


def test_verified_user_may_renew_backup_codes(client, supervisor):
    device = _enrolled(supervisor)
    sign_in(client, supervisor.username)
    client.post("/masuk/kode/", {"token": code_of(device)})
    response = client.post("/akun/kode-cadangan/")
    assert response.status_code == 200
    assert len(re.findall(r"<li><code>(\w+)</code></li>", response.content.decode())) == 10


def test_password_reset_by_email_sets_a_new_password_but_still_asks_for_the_code(
    client, supervisor
):
    device = _enrolled(supervisor)
    supervisor.email = "sup@example.go.id"
    supervisor.save()
    assert client.get("/masuk/lupa/").status_code == 200
    response = client.post("/masuk/lupa/", {"email": "sup@example.go.id"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/masuk/reset/\S+)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    post_url = form.redirect_chain[-1][0]
    new = "a-new-long-Passphrase-2026"
    short = client.post(post_url, {"new_password1": "short", "new_password2": "short"})
    assert short.status_code == 200 and "_auth_user_id" not in client.session
    done = client.post(post_url, {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    # Not signed in by the reset; the new password leads to the code step, not the portal.
    assert "_auth_user_id" not in client.session
    sign_in(client, supervisor.username, password=new)
    assert client.get("/")["Location"].startswith("/masuk/kode/")
    assert client.post("/masuk/kode/", {"token": code_of(device)}).status_code == 302
    assert client.get("/").status_code == 200


def test_password_validators_want_twelve_characters_and_no_common_password():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for bad in ("Short-pw-1", "password1234"):
        with pytest.raises(ValidationError):
            validate_password(bad)
    validate_password("kanim-parepare-2026")


def test_demo_code_command_prints_the_current_code_in_development_only(supervisor, settings):
    from io import StringIO

    from django.core.management import CommandError, call_command

    device = _enrolled(supervisor)
    out = StringIO()
    call_command("otp_code", supervisor.username, stdout=out)
    assert out.getvalue().strip() == code_of(device)
    settings.DEVELOPMENT_MODE = False
    with pytest.raises(CommandError):
        call_command("otp_code", supervisor.username, stdout=out)
