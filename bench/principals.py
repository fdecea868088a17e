"""The benchmark's principals: marked agencies and officer accounts in the busiest area of the
dataset (``suite.py`` and ``load.py`` use them).

The area is the busiest kota of the dataset (by residents), its busiest kecamatan and the two
next kota (the Kanim's work area). Agency names and usernames start with the benchmark's mark;
they are created on the first run and reused after, and what the accounts wrote during a run
(sightings, photos, sessions) is deleted at its end.

Two-factor sign-in (issue 9, django-otp) may become mandatory for some roles. Each account can
get a confirmed TOTP device with a known key (``totp_key``), so an HTTP client computes the
token (``totp.totp_now``) and a test client marks its session as verified (:func:`client_for`).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone
from totp import TOTP_KEY_HEX

from agencies.access import access_changed
from agencies.models import Agency, Officer
from reports.models import Flag, Sighting, SightingPhoto


@dataclass
class Area:
    kota: str
    kecamatan: str
    kanim_area: list[str]
    kota_list: list[str] = field(default_factory=list)
    kecamatan_list: list[str] = field(default_factory=list)


def busiest_area() -> Area:
    """The busiest kota, its busiest kecamatan, and the three busiest kota (a Kanim's area)."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT left(residence_region_id, 5), count(*) FROM foreigners_foreigner "
            "WHERE residence_region_id IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 6"
        )
        kotas = [row[0] for row in cur.fetchall()]
        cur.execute(
            "SELECT left(residence_region_id, 8), count(*) FROM foreigners_foreigner "
            "WHERE residence_region_id LIKE %s GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 6",
            [kotas[0] + ".%"],
        )
        kecamatans = [row[0] for row in cur.fetchall()]
    return Area(
        kota=kotas[0],
        kecamatan=kecamatans[0],
        kanim_area=kotas[:3],
        kota_list=kotas,
        kecamatan_list=kecamatans,
    )


def _otp_device_model():
    """django-otp's TOTP device model when the portal has it installed (issue 9), else None."""
    if not apps.is_installed("django_otp.plugins.otp_totp"):
        return None
    return importlib.import_module("django_otp.plugins.otp_totp.models").TOTPDevice


def give_totp_device(user) -> object | None:
    model = _otp_device_model()
    if model is None:
        return None
    device, _ = model.objects.get_or_create(
        user=user, name="bench", defaults={"key": TOTP_KEY_HEX, "confirmed": True}
    )
    return device


def client_for(user) -> Client:
    """A test client signed in as ``user``, verified for two-factor when django-otp is there
    (the session key django_otp.login() writes)."""
    client = Client()
    client.force_login(user)
    device = give_totp_device(user)
    if device is not None:
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


class Principals:
    """The marked agencies and accounts of one benchmark, created on first use and kept (the
    next run reuses them: no account churn in the audit log), updated to the current area."""

    def __init__(self, mark: str):
        self.mark = mark
        self.prefix = mark.lower()

    def agency(self, label: str, kind: str, region: str, jurisdiction=()) -> Agency:
        agency, _ = Agency.objects.update_or_create(
            name=f"{self.mark} {label}",
            defaults={"short_name": label[:60], "kind": kind, "region_id": region},
        )
        agency.jurisdiction.set(list(jurisdiction))
        return agency

    def officer(self, label: str, agency: Agency, *, role="officer", kecamatan=None, password=None):
        user, _ = get_user_model().objects.update_or_create(
            username=f"{self.prefix}-{label}",
            defaults={
                "first_name": label[:150],
                "password": password or make_password(None),
                "is_active": True,
            },
        )
        Officer.objects.update_or_create(
            user=user, defaults={"agency": agency, "role": role, "kecamatan_id": kecamatan}
        )
        give_totp_device(user)
        return user

    def three(self, area: Area) -> dict:
        """The three principals of every measure: Kanim supervisor, Polres officer, camat."""
        with transaction.atomic():
            polres = self.agency("Polres", "polres", area.kota)
            camat = self.agency("Camat", "kecamatan", area.kecamatan)
            kanim = self.agency("Kanim", "imigrasi", area.kota[:2], area.kanim_area)
            users = {
                "kanim supervisor": self.officer("kanim", kanim, role="supervisor"),
                "polres officer": self.officer("polres", polres),
                "camat": self.officer("camat", camat, kecamatan=area.kecamatan),
            }
        access_changed()
        return users

    def users(self):
        return get_user_model().objects.filter(username__startswith=self.prefix + "-")

    def remove_writes(self) -> int:
        """Delete the sightings the accounts submitted (with their photos' files and the rows
        that cascade from them) and the accounts' sessions; returns the sightings removed."""
        users = self.users()
        photos = SightingPhoto.objects.filter(sighting__reporter__in=users)
        for photo in photos.iterator():
            if photo.image:
                photo.image.storage.delete(photo.image.name)
        # The rules flag the new sightings (unregistered persons): their flags go first.
        Flag.objects.filter(sighting__reporter__in=users).delete()
        n = Sighting.objects.filter(reporter__in=users).delete()[1].get("reports.Sighting", 0)
        ids = {str(pk) for pk in users.values_list("pk", flat=True)}
        Session.objects.filter(
            session_key__in=[
                s.session_key
                for s in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
                if s.get_decoded().get("_auth_user_id") in ids
            ]
        ).delete()
        with connection.cursor() as cur:
            cur.execute(
                "DELETE FROM axes_accessattempt WHERE username LIKE %s", [self.prefix + "%"]
            )
        return n
