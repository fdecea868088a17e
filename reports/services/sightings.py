"""Writes to sightings made by officers through the portal.

Each service runs in one transaction. Services that change what the sighting rules look at
(a new sighting, a review decision, a linked person) call
:func:`reports.outbox.sighting_rules_enqueue` inside that transaction, so the rules re-run
once it commits — and never for a write that rolled back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.access import access_for
from agencies.models import Region
from foreigners.selectors import visible_foreigners
from foreigners.services import image_normalise

from ..models import Sighting, SightingComment, SightingPhoto
from ..outbox import sighting_rules_enqueue
from ..selectors import visible_sightings

MAX_PHOTOS = 5


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
) -> Sighting:
    """Record a sighting from the field with up to five photos.

    The one place a sighting's input is checked (the form only parses fields): every problem
    is reported at once, keyed by the form field it concerns.

    Guarantees: the reporter may write sightings; the place lies inside the reporter's area;
    a named person (``foreigner_id``) is one the reporter may see; photos are re-encoded (metadata stripped,
    at most 1600 px) and stored under the private media root; the sighting rules run after
    commit.
    """
    access = access_for(reporter)
    if not access.can_submit_sightings:
        raise PermissionDenied(_("Your account may not submit sightings."))
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
    if observed_at > timezone.now() + dt.timedelta(minutes=5):
        errors["observed_at"] = _("The time observed cannot be in the future.")
    if len(photos) > MAX_PHOTOS:
        errors["photos"] = _("At most %(n)d photos.") % {"n": MAX_PHOTOS}
    if (latitude is None) != (longitude is None):
        errors["longitude"] = _("Give both latitude and longitude, or neither.")
    if errors:
        raise ValidationError(errors)
    images = [image_normalise(photo) for photo in photos]

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
    sighting.full_clean(exclude=["reference", "reporter", "reporting_agency", "region"])
    sighting.save()
    for index, image in enumerate(images, start=1):
        photo = SightingPhoto(sighting=sighting)
        photo.image.save(f"{index}.jpg", image, save=False)
        photo.save()
    sighting_rules_enqueue(sighting_id=sighting.pk)
    return sighting


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
