"""Photos held between a sighting form that came back with errors and its corrected resend.

A phone on a slow link should not upload its photos a second time because a field was missing.
When the sighting form has errors, each photo that passes the photo checks
(:func:`foreigners.images.image_accept`) is stored re-encoded (no metadata) under the private
media root, and the re-rendered form names it by a signed token.

Guarantees: a token opens only for the user it was made for and only for ``HOLD_SECONDS``;
it names a random file in that user's folder (no path from the client is ever used); a form
holds at most ``MAX_PHOTOS`` and a user at most ``HOLD_PER_USER`` photos (the oldest go first);
a held photo is deleted once the sighting that used it is saved, and anything older than
``HOLD_SECONDS`` by :func:`held_photos_purge` (hourly, Celery beat).
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from foreigners.images import AcceptedImage, image_accept

from ..models import SightingPhoto
from .sightings import MAX_PHOTOS

HOLD_DIR = "held-photos"
HOLD_SECONDS = 6 * 3600
HOLD_PER_USER = 10
_SALT = "reports.held-photo"
_FILE_RE = re.compile(r"[A-Za-z0-9_-]{20,40}\.jpg")


@dataclass(frozen=True)
class HeldPhoto:
    token: str  # what the form sends back to keep the photo
    file: str  # where it is held, under the private media root
    name: str  # the file name on the phone, to show beside the "keep" box
    image: AcceptedImage


def _storage():
    return SightingPhoto.image.field.storage


def _folder(user) -> str:
    return f"{HOLD_DIR}/{int(user.pk)}"


def _salt(user) -> str:
    return f"{_SALT}:{int(user.pk)}"


def photos_hold(*, user, uploads: Iterable) -> tuple[list[HeldPhoto], list[str]]:
    """Check and hold uploaded photos for ``user``: the held ones, and one message for each
    photo refused (named by its file name)."""
    storage = _storage()
    held, refused = [], []
    for upload in uploads:
        name = (getattr(upload, "name", "") or "")[:80]
        try:
            image = image_accept(upload)
        except ValidationError as exc:
            refused.extend(f"{name}: {message}" for message in exc.messages)
            continue
        stored = storage.save(
            f"{_folder(user)}/{secrets.token_urlsafe(18)}.jpg", ContentFile(image.content.read())
        )
        image.content.seek(0)
        payload = {
            "f": stored.rsplit("/", 1)[-1],
            "n": name,
            "s": image.sha256,
            "la": None if image.latitude is None else str(image.latitude),
            "lo": None if image.longitude is None else str(image.longitude),
        }
        token = signing.dumps(payload, salt=_salt(user), compress=True)
        held.append(HeldPhoto(token=token, file=stored, name=name, image=image))
    _trim(user)
    return held, refused


def photos_held(*, user, tokens: Sequence[str]) -> tuple[list[HeldPhoto], int]:
    """The photos ``tokens`` name, held for ``user`` and still there (at most ``MAX_PHOTOS``
    of them), and how many tokens named nothing usable (expired, another user's, tampered)."""
    storage = _storage()
    held, lost = [], 0
    for token in list(dict.fromkeys(tokens))[:MAX_PHOTOS]:
        try:
            payload = signing.loads(token, salt=_salt(user), max_age=HOLD_SECONDS)
            file_name = payload["f"]
            if not _FILE_RE.fullmatch(file_name):
                raise signing.BadSignature
            path = f"{_folder(user)}/{file_name}"
            with storage.open(path) as stored:
                content = ContentFile(stored.read(), name=file_name)
        except (signing.BadSignature, KeyError, TypeError, OSError):
            lost += 1
            continue
        image = AcceptedImage(
            content=content,
            sha256=payload.get("s", ""),
            latitude=None if payload.get("la") is None else Decimal(payload["la"]),
            longitude=None if payload.get("lo") is None else Decimal(payload["lo"]),
        )
        name = str(payload.get("n", ""))[:80]
        held.append(HeldPhoto(token=token, file=path, name=name, image=image))
    return held, lost


def photos_release(*, held: Iterable[HeldPhoto]) -> None:
    """Delete held photos once the transaction in progress (if any) commits."""
    names = [photo.file for photo in held]

    def _delete():
        for name in names:
            _storage().delete(name)

    transaction.on_commit(_delete)


def _trim(user) -> None:
    storage = _storage()
    folder = _folder(user)
    try:
        files = storage.listdir(folder)[1]
    except FileNotFoundError:
        return
    if len(files) <= HOLD_PER_USER:
        return
    by_age = sorted(files, key=lambda name: storage.get_modified_time(f"{folder}/{name}"))
    for name in by_age[: len(files) - HOLD_PER_USER]:
        storage.delete(f"{folder}/{name}")


def held_photos_purge(*, now: dt.datetime | None = None) -> int:
    """Delete held photos older than ``HOLD_SECONDS``; how many were deleted."""
    storage = _storage()
    limit = (now or timezone.now()) - dt.timedelta(seconds=HOLD_SECONDS)
    deleted = 0
    try:
        folders = storage.listdir(HOLD_DIR)[0]
    except FileNotFoundError:
        return 0
    for folder in folders:
        for name in storage.listdir(f"{HOLD_DIR}/{folder}")[1]:
            path = f"{HOLD_DIR}/{folder}/{name}"
            if storage.get_modified_time(path) < limit:
                storage.delete(path)
                deleted += 1
    return deleted
