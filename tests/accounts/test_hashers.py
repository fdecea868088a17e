"""Passwords are stored as Argon2id with OWASP's parameters; hashes made with Django's own
Argon2 parameters still sign in and are re-hashed with these on that sign-in."""

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, identify_hasher, make_password
from django.test import Client, override_settings

from tests.factories import UserFactory

PASSWORD = "tiga-kata-rahasia-panjang"
HASHERS = ["accounts.hashers.Argon2idHasher", "django.contrib.auth.hashers.Argon2PasswordHasher"]


@override_settings(PASSWORD_HASHERS=HASHERS)
def test_new_passwords_are_argon2id_at_19_mib_2_passes_1_lane():
    encoded = make_password(PASSWORD)
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert identify_hasher(encoded).verify(PASSWORD, encoded)


@pytest.mark.django_db
@override_settings(PASSWORD_HASHERS=HASHERS, AXES_ENABLED=False, TWO_FACTOR_ENFORCED=False)
def test_a_hash_with_djangos_parameters_signs_in_and_is_rehashed():
    officer = UserFactory(username="petugas.lama")
    officer.password = Argon2PasswordHasher().encode(PASSWORD, Argon2PasswordHasher().salt())
    officer.save(update_fields=["password"])
    assert "$m=102400,t=2,p=8$" in officer.password

    response = Client().post("/masuk/", {"username": "petugas.lama", "password": PASSWORD})

    assert response.status_code == 302
    officer.refresh_from_db()
    assert "$m=19456,t=2,p=1$" in officer.password
