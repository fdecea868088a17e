"""Writes to sightings made by officers through the portal.

Each service runs in one transaction. Services that change what the sighting rules look at
(a new sighting, a review decision, a linked person) call
:func:`reports.outbox.sighting_rules_enqueue` inside that transaction, so the rules re-run
once it commits — and never for a write that rolled back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import NotRequired, TypedDict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from agencies.access import access_for
from agencies.models import Region
from agencies.services import notification_send
from agencies.validators import validate_event_time
from foreigners.images import AcceptedImage, image_accept
from foreigners.selectors import visible_foreigners

from ..models import Sighting, SightingComment, SightingPhoto
from ..outbox import sighting_rules_enqueue
from ..selectors import visible_sightings

MAX_PHOTOS = 5


class SightingFields(TypedDict):
    """What an officer reports about a sighting, as :func:`sighting_submit` takes it (also
    passed on by :func:`reports.coordination.services.operation_finding_record`)."""

    region: Region
    place: str
    observed_at: dt.datetime
    activity: str
    description: str
    latitude: NotRequired[Decimal | None]
    longitude: NotRequired[Decimal | None]
    foreigner_id: NotRequired[int | None]
    apparent_nationality: NotRequired[str]
    apparent_sex: NotRequired[str]
    person_count: NotRequired[int]
    unidentified_description: NotRequired[str]
    photos: NotRequired[Sequence]


def sighting_fields(cleaned: Mapping) -> SightingFields:
    """The sighting fields of a valid :class:`reports.forms.SightingForm` (or a form built on
    it), with the empty optional values as :func:`sighting_submit` wants them. One mapping for
    the sighting page, the API and an operation's findings."""
    return SightingFields(
        region=cleaned["region"],
        place=cleaned["place"],
        observed_at=cleaned["observed_at"],
        activity=cleaned["activity"],
        description=cleaned["description"],
        latitude=cleaned.get("latitude"),
        longitude=cleaned.get("longitude"),
        foreigner_id=cleaned.get("foreigner"),
        apparent_nationality=cleaned.get("apparent_nationality") or "",
        apparent_sex=cleaned.get("apparent_sex") or "",
        person_count=cleaned.get("person_count") or 1,
        unidentified_description=cleaned.get("unidentified_description") or "",
        photos=cleaned.get("photos") or [],
    )


def sighting_regions(user):
    """Kecamatan and kelurahan a user may report from: inside their own scope (a camat: their
    kecamatan)."""
    access = access_for(user)
    return Region.objects.filter(
        access.region_q("code"),
        level__in=[Region.Level.KECAMATAN, Region.Level.KELURAHAN],
    ).order_by("code")


@transaction.atomic
def sighting_submit(
    *,
    reporter,
    region: Region,
    place: str,
    observed_at: dt.datetime,
    activity: str,
    description: str,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    foreigner_id: int | None = None,
    apparent_nationality: str = "",
    apparent_sex: str = "",
    person_count: int = 1,
    unidentified_description: str = "",
    photos: Sequence = (),
    kept_photos: Sequence[AcceptedImage] = (),
    submission_key: str = "",
) -> Sighting:
    """Record a sighting from the field with up to five photos.

    The one place a sighting's input is checked (the form only parses fields): every problem
    is reported at once, keyed by the form field it concerns.

    Guarantees: the reporter may write sightings; the place lies inside the reporter's area;
    a named person (``foreigner_id``) is one the reporter may see; photos are re-encoded (metadata stripped,
    at most 1600 px) and stored under the private media root; the sighting rules run after
    commit. ``kept_photos`` are photos already accepted by the same checks and held from an
    earlier attempt of this form (:mod:`reports.services.held_photos`); they count towards the
    five.
    """
    access = access_for(reporter)
    if not access.can_submit_sightings:
        raise PermissionDenied(_("Your account may not submit sightings."))
    if submission_key and (done := _submitted(reporter, submission_key)) is not None:
        return done
    errors: dict[str, str] = {}
    if not sighting_regions(reporter).filter(pk=region.pk).exists():
        errors["region"] = _("Choose a place inside your own area.")
    foreigner = None
    if foreigner_id is not None:
        foreigner = visible_foreigners(reporter).filter(pk=foreigner_id).first()
        if foreigner is None:
            errors["foreigner"] = _("No such person in the register.")
    elif not (apparent_nationality or unidentified_description.strip()):
        errors["unidentified_description"] = _(
            "Give the apparent nationality or describe the person."
        )
    try:
        validate_event_time(observed_at)
    except ValidationError as exc:
        errors["observed_at"] = exc.messages[0]
    else:
        if observed_at > timezone.now() + dt.timedelta(minutes=5):
            errors["observed_at"] = _("The time observed cannot be in the future.")
    if len(photos) + len(kept_photos) > MAX_PHOTOS:
        errors["photos"] = _("At most %(n)d photos.") % {"n": MAX_PHOTOS}
    if (latitude is None) != (longitude is None):
        errors["longitude"] = _("Give both latitude and longitude, or neither.")
    images = list(kept_photos)
    for index, photo in enumerate(photos, start=1):
        try:
            images.append(image_accept(photo))
        except ValidationError as exc:
            name = getattr(photo, "name", "") or str(index)
            errors["photos"] = [f"{name[:80]}: {message}" for message in exc.messages]
            break
    if errors:
        raise ValidationError(errors)

    sighting = Sighting(
        reporter=reporter,
        reporting_agency_id=access.agency_id,
        observed_at=observed_at,
        region=region,
        place=place,
        latitude=latitude,
        longitude=longitude,
        activity=activity,
        description=description,
        foreigner=foreigner,
        apparent_nationality="" if foreigner else apparent_nationality,
        apparent_sex="" if foreigner else apparent_sex,
        person_count=person_count,
        unidentified_description="" if foreigner else unidentified_description,
    )
    sighting.submission_key = submission_key
    sighting.full_clean(exclude=["reference", "reporter", "reporting_agency", "region"])
    try:
        with transaction.atomic():
            sighting.save()
    except IntegrityError:
        # The same submission committed meanwhile (two retries at once): the unique key made
        # this insert wait for it and fail; answer with the sighting it made.
        if submission_key and (done := _submitted(reporter, submission_key)) is not None:
            return done
        raise
    stored: list[str] = []
    try:
        for index, image in enumerate(images, start=1):
            photo = SightingPhoto(
                sighting=sighting,
                sha256=image.sha256,
                gps_latitude=image.latitude,
                gps_longitude=image.longitude,
            )
            photo.image.save(f"{index}.jpg", image.content, save=False)
            stored.append(photo.image.name)
            photo.save()
        sighting_rules_enqueue(sighting_id=sighting.pk)
    except BaseException:
        # The rows roll back with the transaction; their files must not stay behind.
        for name in stored:
            SightingPhoto.image.field.storage.delete(name)
        raise
    return sighting


def _submitted(reporter, submission_key: str) -> Sighting | None:
    return Sighting.objects.filter(reporter=reporter, submission_key=submission_key).first()


def _reviewable(user, sighting_id: int) -> Sighting:
    if not access_for(user).can_review_sightings:
        raise PermissionDenied(_("Your account may not review sightings."))
    return visible_sightings(user).select_for_update().get(pk=sighting_id)


@transaction.atomic
def sighting_review(*, sighting_id: int, reviewer, decision: str, note: str = "") -> Sighting:
    """Verify or dismiss a sighting. Dismissing needs a reason; the decision, who made it and
    when are kept on the sighting."""
    sighting = _reviewable(reviewer, sighting_id)
    if decision not in (Sighting.ReviewStatus.VERIFIED, Sighting.ReviewStatus.DISMISSED):
        raise ValidationError({"decision": _("Choose verify or dismiss.")})
    if decision == Sighting.ReviewStatus.DISMISSED and not note.strip():
        raise ValidationError({"note": _("Give the reason for dismissing this sighting.")})
    sighting.review_status = decision
    sighting.review_note = note.strip()
    sighting.reviewed_by = reviewer
    sighting.reviewed_at = timezone.now()
    sighting.save(
        update_fields=["review_status", "review_note", "reviewed_by", "reviewed_at", "updated_at"]
    )
    sighting_rules_enqueue(sighting_id=sighting.pk)
    if sighting.reporter_id != reviewer.pk:
        # The title is a msgid, translated when shown: the reporter reads it in their language.
        title = (
            gettext_noop("Your report was verified")
            if decision == Sighting.ReviewStatus.VERIFIED
            else gettext_noop("Your report was dismissed")
        )
        notification_send(
            recipients=[sighting.reporter],
            kind="sighting.reviewed",
            title=title,
            body=" — ".join(filter(None, [sighting.reference, sighting.review_note])),
            url=reverse("sighting-detail", args=[sighting.pk]),
        )
    return sighting


@transaction.atomic
def sighting_link_foreigner(*, sighting_id: int, foreigner_id: int, user) -> Sighting:
    """Identify the person of a sighting as a registered foreign national and re-run the
    sighting rules (after-expiry, activity mismatch, … now have a permit to compare with)."""
    sighting = _reviewable(user, sighting_id)
    foreigner = visible_foreigners(user).filter(pk=foreigner_id).first()
    if foreigner is None:
        raise ValidationError({"foreigner": _("No such person in the register.")})
    sighting.foreigner = foreigner
    sighting.save(update_fields=["foreigner", "updated_at"])
    sighting_rules_enqueue(sighting_id=sighting.pk)
    return sighting


@transaction.atomic
def sighting_comment_add(*, sighting_id: int, author, body: str) -> SightingComment:
    """Add a comment to a sighting the author may see."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write a comment first.")})
    sighting = visible_sightings(author).filter(pk=sighting_id).first()
    if sighting is None:
        raise PermissionDenied(_("You may not comment on this sighting."))
    comment = SightingComment(
        sighting=sighting, author=author, author_agency_id=access_for(author).agency_id, body=body
    )
    comment.full_clean(exclude=["author", "sighting", "author_agency"])
    comment.save()
    return comment
