"""Writes to foreign-national records: the person, travel documents, stay permits, residences.

Every service runs in one transaction and either writes everything or nothing. Edits carry the
token the form was loaded with (``Foreigner.version``, a child record's ``updated_at``): the
second save of a stale form raises :class:`StaleEdit` instead of silently overwriting the first.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.access import access_for

from .images import image_normalise
from .models import EntryBan, Foreigner, Residence, StayPermit, TravelDocument

FOREIGNER_FIELDS = (
    "family_name",
    "given_names",
    "sex",
    "birth_date",
    "birth_place",
    "nationality",
    "occupation",
)
DOCUMENT_FIELDS = ("kind", "number", "issuing_country", "issued_on", "expires_on")
PERMIT_FIELDS = (
    "kind",
    "visa_index",
    "number",
    "issued_on",
    "valid_from",
    "valid_until",
    "sponsor",
    "purpose",
    "status",
    "cancelled_on",
    "extends",
)
RESIDENCE_FIELDS = ("address", "region", "latitude", "longitude", "from_date", "to_date")


class StaleEdit(Exception):
    """Someone else saved the record after this form was loaded."""

    def __init__(self, message: str | None = None):
        super().__init__(
            message
            or _(
                "Someone else changed this record after you opened it. Your changes were not "
                "saved: reload the page to see the current record, then apply them again."
            )
        )


def _assign(obj, data: dict[str, Any], fields: tuple[str, ...]) -> None:
    for name in fields:
        if name in data:
            setattr(obj, name, data[name])


def _full_clean(obj, exclude: list[str] | None = None) -> None:
    # Model validation mirrors the database constraints so bad input becomes field errors, not
    # IntegrityErrors.
    obj.full_clean(exclude=exclude)


# Errors of the first residence are keyed ``residence-<field>`` (the prefix of its form).
RESIDENCE_ERROR_PREFIX = "residence-"


@transaction.atomic
def foreigner_create(
    *, data: dict[str, Any], residence: dict[str, Any], photo=None, user=None
) -> Foreigner:
    """Create a foreign national with their first (current) residence, in one transaction.

    ``data`` holds the editable identity fields, ``residence`` the residence's address, region
    (a kelurahan), from_date and optional coordinates. With ``user``, the region must lie in that
    user's scope, so the new record is visible to its creator. Errors of both parts are raised
    together (residence ones keyed ``residence-<field>``) before anything is written."""
    foreigner = Foreigner()
    _assign(foreigner, data, FOREIGNER_FIELDS)
    first = Residence(foreigner=foreigner)
    _assign(first, {**residence, "to_date": None}, RESIDENCE_FIELDS)
    errors: dict[str, list] = {}
    for obj, prefix, exclude in (
        (foreigner, "", ["search_name"]),
        (first, RESIDENCE_ERROR_PREFIX, ["foreigner"]),
    ):
        try:
            _full_clean(obj, exclude=exclude)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(f"{prefix}{field}" if prefix else field, []).extend(messages)
    region = residence.get("region")
    if region is not None:
        if region.level != region.Level.KELURAHAN:
            errors.setdefault(f"{RESIDENCE_ERROR_PREFIX}region", []).append(
                _("Choose a kelurahan.")
            )
        elif user is not None and not access_for(user).in_scope(region.code):
            errors.setdefault(f"{RESIDENCE_ERROR_PREFIX}region", []).append(
                _("This kelurahan is outside your area.")
            )
    if errors:
        raise ValidationError(errors)
    if photo:
        foreigner.photo.save("photo.jpg", image_normalise(photo), save=False)
    foreigner.save()
    residence_create(foreigner=foreigner, data={**residence, "to_date": None})
    foreigner.refresh_from_db()
    return foreigner


@transaction.atomic
def foreigner_update(
    *, foreigner_id: int, expected_version: int, data: dict[str, Any], photo=None
) -> Foreigner:
    """Update a foreign national if nobody saved it since ``expected_version`` was read.

    The row is locked (``SELECT … FOR UPDATE``) before the version is compared, so of two
    concurrent saves of the same version exactly one wins and the other raises
    :class:`StaleEdit`; a successful save increments the version.
    """
    foreigner = Foreigner.objects.select_for_update().get(pk=foreigner_id)
    if foreigner.version != expected_version:
        raise StaleEdit()
    _assign(foreigner, data, FOREIGNER_FIELDS)
    if photo:
        foreigner.photo.save("photo.jpg", image_normalise(photo), save=False)
    _full_clean(foreigner, exclude=["search_name"])
    foreigner.version = F("version") + 1
    foreigner.save()
    foreigner.refresh_from_db()
    return foreigner


def _check_token(obj, expected_updated_at: dt.datetime | None) -> None:
    if expected_updated_at is not None and obj.updated_at != expected_updated_at:
        raise StaleEdit()


@transaction.atomic
def document_create(*, foreigner: Foreigner, data: dict[str, Any]) -> TravelDocument:
    document = TravelDocument(foreigner=foreigner)
    _assign(document, data, DOCUMENT_FIELDS)
    _full_clean(document)
    document.save()
    return document


@transaction.atomic
def document_update(
    *, document_id: int, expected_updated_at: dt.datetime | None, data: dict[str, Any]
) -> TravelDocument:
    document = TravelDocument.objects.select_for_update().get(pk=document_id)
    _check_token(document, expected_updated_at)
    _assign(document, data, DOCUMENT_FIELDS)
    _full_clean(document)
    document.save()
    return document


def _permit_chain_check(permit: StayPermit) -> None:
    previous = permit.extends
    if previous is None:
        return
    if previous.foreigner_id != permit.foreigner_id:
        raise ValidationError(
            {"extends": _("An extension must extend a permit of the same person.")}
        )
    if previous.pk == permit.pk:
        raise ValidationError({"extends": _("A permit cannot extend itself.")})
    if permit.valid_from < previous.valid_from:
        raise ValidationError(
            {"valid_from": _("An extension cannot start before the permit it extends.")}
        )


# What an extension keeps of the permit it extends unless the extension says otherwise: the same
# kind of stay, for the same purpose, under the same sponsor (the guarantor stays answerable,
# UU 6/2011 Pasal 63).
EXTENSION_CARRIED_FIELDS = ("kind", "visa_index", "sponsor", "purpose")


def extension_initial(previous: StayPermit) -> dict[str, Any]:
    """The starting values of an extension of ``previous``: its carried fields, the link, and a
    validity starting the day after it ends."""
    return {
        **{name: getattr(previous, name) for name in EXTENSION_CARRIED_FIELDS},
        "extends": previous,
        "valid_from": previous.valid_until + dt.timedelta(days=1),
    }


@transaction.atomic
def permit_create(*, foreigner: Foreigner, data: dict[str, Any]) -> StayPermit:
    """Record a stay permit. When it ``extends`` an earlier permit, that one is marked
    *extended* (superseded) so the chain has exactly one active end, and the new permit carries
    over what it leaves empty of :data:`EXTENSION_CARRIED_FIELDS` (the sponsor above all: the
    permit form does not ask for it)."""
    permit = StayPermit(foreigner=foreigner)
    previous = data.get("extends")
    if previous is not None:
        carried = {
            name: getattr(previous, name)
            for name in EXTENSION_CARRIED_FIELDS
            if data.get(name) in (None, "")
        }
        data = {**data, **carried}
    _assign(permit, data, PERMIT_FIELDS)
    _full_clean(permit)
    _permit_chain_check(permit)
    permit.save()
    if permit.extends_id:
        StayPermit.objects.filter(pk=permit.extends_id, status=StayPermit.Status.ACTIVE).update(
            status=StayPermit.Status.EXTENDED, updated_at=timezone.now()
        )
    return permit


@transaction.atomic
def permit_update(
    *, permit_id: int, expected_updated_at: dt.datetime | None, data: dict[str, Any]
) -> StayPermit:
    permit = StayPermit.objects.select_for_update().get(pk=permit_id)
    _check_token(permit, expected_updated_at)
    _assign(permit, data, PERMIT_FIELDS)
    _full_clean(permit)
    _permit_chain_check(permit)
    permit.save()
    return permit


def _residence_region_sync(foreigner_id: int) -> None:
    """Keep ``Foreigner.residence_region`` equal to the current residence's region (what the
    geographic scoping of every query relies on)."""
    current = (
        Residence.objects.filter(foreigner_id=foreigner_id, to_date__isnull=True)
        .values_list("region_id", flat=True)
        .first()
    )
    Foreigner.objects.filter(pk=foreigner_id).update(
        residence_region_id=current, version=F("version") + 1, updated_at=timezone.now()
    )


@transaction.atomic
def residence_create(*, foreigner: Foreigner, data: dict[str, Any]) -> Residence:
    """Record a residence. A new current residence (no end date) ends the previous current one
    the day before it starts, and the person's residence region follows it."""
    residence = Residence(foreigner=foreigner)
    _assign(residence, data, RESIDENCE_FIELDS)
    _full_clean(residence, exclude=["foreigner"])
    # Lock the person so two concurrent moves cannot both become "current".
    Foreigner.objects.select_for_update().filter(pk=foreigner.pk).first()
    if residence.to_date is None:
        previous = (
            Residence.objects.select_for_update()
            .filter(foreigner=foreigner, to_date__isnull=True)
            .first()
        )
        if previous is not None:
            if previous.from_date >= residence.from_date:
                raise ValidationError(
                    {"from_date": _("A new residence must start after the current one.")}
                )
            previous.to_date = residence.from_date - dt.timedelta(days=1)
            previous.save(update_fields=["to_date", "updated_at"])
    residence.save()
    _residence_region_sync(foreigner.pk)
    return residence


@transaction.atomic
def residence_update(
    *, residence_id: int, expected_updated_at: dt.datetime | None, data: dict[str, Any]
) -> Residence:
    residence = Residence.objects.select_for_update().get(pk=residence_id)
    _check_token(residence, expected_updated_at)
    _assign(residence, data, RESIDENCE_FIELDS)
    _full_clean(residence, exclude=["foreigner"])
    if residence.to_date is None:
        if (
            Residence.objects.filter(foreigner_id=residence.foreigner_id, to_date__isnull=True)
            .exclude(pk=residence.pk)
            .exists()
        ):
            raise ValidationError(
                {"to_date": _("This person already has a current residence: give an end date.")}
            )
    residence.save()
    _residence_region_sync(residence.foreigner_id)
    return residence


ENTRY_BAN_FIELDS = (
    "family_name",
    "given_names",
    "birth_date",
    "nationality",
    "document_number",
    "document_country",
    "reason",
    "decision_number",
    "listed_on",
    "until",
)


@transaction.atomic
def entry_ban_add(*, listed_by, data: dict[str, Any]) -> EntryBan:
    """Put a person or document on the entry-ban list (UU 6/2011 Pasal 102 as amended by
    UU 63/2024). The next daily scan flags a registered person who matches."""
    ban = EntryBan(listed_by=listed_by)
    _assign(ban, data, ENTRY_BAN_FIELDS)
    ban.normalize()
    _full_clean(ban)
    ban.save()
    return ban


@transaction.atomic
def entry_ban_update(*, ban_id: int, data: dict[str, Any]) -> EntryBan:
    """Correct an entry or lift it (``lifted_on``): a lifted ban stops matching that day."""
    ban = EntryBan.objects.select_for_update().get(pk=ban_id)
    _assign(ban, data, (*ENTRY_BAN_FIELDS, "lifted_on"))
    ban.normalize()
    _full_clean(ban)
    ban.save()
    return ban
