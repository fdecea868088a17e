"""Writes of the sign-in safeguards: enrolling a second factor, backup codes, ending sessions.

Each service runs in one transaction.
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

BACKUP_DEVICE_NAME = "backup"
TOTP_DEVICE_NAME = "authenticator"


@transaction.atomic
def totp_device_start(*, user) -> TOTPDevice:
    """The unconfirmed authenticator device a user is enrolling (created once, reused on reload
    so the QR code shown stays the one the app scanned). Refused once a device is confirmed:
    changing it goes through the system admin."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise PermissionDenied(_("An authenticator app is already set up for this account."))
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, confirmed=False, name=TOTP_DEVICE_NAME)
        .order_by("id")
        .first()
    )
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, user, token: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the enrolling device with a code from the app; returns the device and a fresh
    set of backup codes (shown once). A wrong code raises ``ValidationError``."""
    device = totp_device_start(user=user)
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if not device.verify_token(token):
        raise ValidationError(
            {"token": _("The code is not correct. Check the time on your phone and try again.")}
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return device, backup_codes_generate(user=user)


@transaction.atomic
def backup_codes_generate(*, user) -> list[str]:
    """Replace the user's one-time backup codes with a new set and return it, to be shown once:
    each code signs in once in place of the app (lost phone)."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def user_sessions_end(*, user_id: int) -> int:
    """Delete every live session of the user; returns how many.

    Sessions are keyed by a random id, not by user, so the live ones (in the database, which
    holds every session; the cache only copies them) are decoded; with the 30-minute idle limit
    there are few. Each is deleted through the session engine, so its cached copy goes too.
    """
    ended = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user_id):
            ended.append(session.session_key)
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in ended:
        store(session_key=key).delete()
    return len(ended)


@transaction.atomic
def user_deactivate(*, user) -> None:
    """Disable the account and end all its sessions at once (ASVS 7.4.2); the accounts signals
    do the same when the admin unticks "active"."""
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    user_id = user.pk
    transaction.on_commit(lambda: user_sessions_end(user_id=user_id))
