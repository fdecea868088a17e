"""Writes of the reports app, one module per concern: sightings, flags, flag alerts. The names
below are re-exported so callers can say ``from reports.services import sighting_submit``."""

from .alerts import flag_url, flags_alert, flags_digest_send
from .flags import flag_acknowledge, flag_resolve
from .sightings import (
    MAX_PHOTOS,
    SightingFields,
    sighting_comment_add,
    sighting_fields,
    sighting_link_foreigner,
    sighting_regions,
    sighting_review,
    sighting_submit,
)

__all__ = [
    "MAX_PHOTOS",
    "SightingFields",
    "flag_acknowledge",
    "flag_resolve",
    "flag_url",
    "flags_alert",
    "flags_digest_send",
    "sighting_comment_add",
    "sighting_fields",
    "sighting_link_foreigner",
    "sighting_regions",
    "sighting_review",
    "sighting_submit",
]
