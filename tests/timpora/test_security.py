"""Login lockout (django-axes), the health probe's exemptions and the email configuration."""

import pytest
from django.core import mail
from django.test import override_settings

from tests.factories import UserFactory
from timpora.settings import _mailers_from_url

pytestmark = pytest.mark.django_db

LOGIN = "/masuk/"


def _fail(client, username, address="203.0.113.7"):
    return client.post(LOGIN, {"username": username, "password": "wrong"}, REMOTE_ADDR=address)


def test_login_locks_after_five_failures_for_that_username_and_address(client):
    UserFactory(username="kanim.petugas")
    for _ in range(4):
        assert _fail(client, "kanim.petugas").status_code == 200
    locked = _fail(client, "kanim.petugas")
    assert locked.status_code == 429
    # Even the right password is refused while locked, with the lockout page, not a 500.
    response = client.post(
        LOGIN,
        {"username": "kanim.petugas", "password": "pw-Timpora-123"},
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 429
    assert "30" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_does_not_block_the_same_officer_from_another_address(client):
    user = UserFactory(username="polres.petugas")
    for _ in range(5):
        _fail(client, "polres.petugas", address="198.51.100.9")
    response = client.post(
        LOGIN,
        {"username": "polres.petugas", "password": "pw-Timpora-123"},
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_successful_login_resets_the_failure_count(client):
    UserFactory(username="kemenag.petugas")
    for _ in range(4):
        _fail(client, "kemenag.petugas")
    good = {"username": "kemenag.petugas", "password": "pw-Timpora-123"}
    assert client.post(LOGIN, good, REMOTE_ADDR="203.0.113.7").status_code == 302
    client.logout()
    for _ in range(4):
        assert _fail(client, "kemenag.petugas").status_code == 200


@override_settings(PROXY_COUNT=1)
def test_lockout_uses_the_address_our_proxy_saw_not_a_forged_one(client):
    # The client forges the left part of X-Forwarded-For; our one proxy appends the real address.
    for n in range(5):
        client.post(
            LOGIN,
            {"username": "x", "password": "wrong"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.7",
        )
    response = client.post(
        LOGIN,
        {"username": "x", "password": "wrong"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.7",
    )
    assert response.status_code == 429


def test_test_client_login_still_works_with_the_lockout_backend(client):
    UserFactory(username="someone")
    assert client.login(username="someone", password="pw-Timpora-123")


@override_settings(ALLOWED_HOSTS=["timpora.example.go.id"], SECURE_SSL_REDIRECT=True)
def test_healthz_answers_a_container_probe_over_http_with_an_unlisted_host(client):
    response = client.get("/healthz", HTTP_HOST="localhost:8000")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@override_settings(ALLOWED_HOSTS=["timpora.example.go.id"], SECURE_SSL_REDIRECT=True)
def test_other_pages_still_refuse_an_unlisted_host_and_redirect_to_https(client):
    assert client.get("/masuk/", HTTP_HOST="evil.example").status_code == 400
    response = client.get("/masuk/", HTTP_HOST="timpora.example.go.id")
    assert response.status_code == 301
    assert response["Location"] == "https://timpora.example.go.id/masuk/"


@pytest.mark.parametrize(
    ("url", "backend", "options"),
    [
        ("consolemail://", "console.EmailBackend", {}),
        ("memorymail://", "locmem.EmailBackend", {}),
        ("filemail:///srv/mail", "filebased.EmailBackend", {"file_path": "/srv/mail"}),
        (
            "smtp+tls://kanim%40example.go.id:s%2Fcret@mail.example.go.id:587",
            "smtp.EmailBackend",
            {
                "host": "mail.example.go.id",
                "port": 587,
                "username": "kanim@example.go.id",
                "password": "s/cret",
                "use_tls": True,
                "use_ssl": False,
                "timeout": 30,
            },
        ),
        (
            "smtp+ssl://mail.example.go.id:465?timeout=5",
            "smtp.EmailBackend",
            {
                "host": "mail.example.go.id",
                "port": 465,
                "username": "",
                "password": "",
                "use_tls": False,
                "use_ssl": True,
                "timeout": 5,
            },
        ),
    ],
)
def test_email_url_becomes_a_default_mailer(url, backend, options):
    mailers = _mailers_from_url(url)
    assert mailers["default"]["BACKEND"] == f"django.core.mail.backends.{backend}"
    assert mailers["default"]["OPTIONS"] == options


@override_settings(ADMINS=["ops@example.go.id"])
def test_mail_sent_in_tests_lands_in_the_outbox_through_the_mailers_api():
    mail.mailers.default.send_messages(
        [mail.EmailMessage("Subject", "Body", None, ["kanim@example.go.id"])]
    )
    mail.mail_admins("Disk", "full")
    assert [m.subject for m in mail.outbox] == ["Subject", "[Timpora] Disk"]
