"""Fixtures of the sign-in tests: two-factor enforcement on, as in production."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "pw-Timpora-123"  # tests/factories.py UserFactory


@pytest.fixture(autouse=True)
def two_factor_enforced(settings):
    settings.TWO_FACTOR_ENFORCED = True


def code_of(device: TOTPDevice, drift: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift):06d}"


def sign_in(client, username, password=PASSWORD, address="203.0.113.7"):
    return client.post("/masuk/", {"username": username, "password": password}, REMOTE_ADDR=address)
