"""A supervisor's first sign-in in a real browser: password, the set-up page with its QR code,
the app's code, the backup codes, the portal; then a later sign-in with the code. The browser
enforces the Content-Security-Policy, so a blocked script or style shows up here."""

import base64
import re

import pytest
from django_otp.oath import totp

from agencies.models import Agency, Officer
from tests.conftest import _officer

from .conftest import PASSWORD, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def _code(secret: str) -> str:
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    return f"{totp(key, step=30, t0=0, digits=6):06d}"


def test_supervisor_enrols_an_authenticator_and_signs_in_with_it(
    browser, live_server, settings, regions
):
    settings.TWO_FACTOR_ENFORCED = True
    supervisor = _officer(Agency.Kind.IMIGRASI, Officer.Role.SUPERVISOR, jurisdiction=["73.72"])
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    blocked = []
    page.on(
        "console",
        lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto("/masuk/")
    page.fill("#id_username", supervisor.username)
    page.fill("#id_password", PASSWORD)
    page.click("form[action$='/masuk/'] button[type=submit]")
    page.wait_for_url(re.compile(r"/akun/dua-langkah/"))
    assert page.locator(".qr svg").is_visible()
    secret = page.locator("[data-otp-secret]").inner_text()
    page.fill("#id_token", _code(secret))
    page.click("form[action$='/akun/dua-langkah/'] button[type=submit]")
    codes = page.locator(".backup-codes code").all_inner_texts()
    assert len(codes) == 10
    screenshot(page, "two-factor-backup-codes")
    page.click("a.button")
    page.wait_for_url(re.compile(r"/$"))
    assert page.locator("nav.nav").is_visible()

    # Signed out and in again: the code page, then the portal; a backup code also works.
    page.click("header form[action$='/keluar/'] button")
    page.goto("/masuk/")
    page.fill("#id_username", supervisor.username)
    page.fill("#id_password", PASSWORD)
    page.click("form[action$='/masuk/'] button[type=submit]")
    page.wait_for_url(re.compile(r"/masuk/kode/"))
    page.fill("#id_token", codes[0])
    page.click("form[action$='/masuk/kode/'] button[type=submit]")
    page.wait_for_url(re.compile(r"/$"))
    assert not blocked, blocked
    context.close()
