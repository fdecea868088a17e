"""A small world in which every rule has exactly one subject to flag (and some not to)."""

import datetime as dt

from django.utils import timezone

from tests.factories import (
    ForeignerFactory,
    SightingFactory,
    StayPermitFactory,
    TravelDocumentFactory,
)

D = dt.timedelta

# Every rule's expected open flags in the world below: {rule: number of subjects}.
EXPECTED = {
    "permit.expiring": 1,
    "permit.overstay": 1,
    "document.expired": 1,
    "sighting.unregistered": 2,
    "sighting.after_expiry": 1,
    "sighting.activity_mismatch": 1,
    "sighting.outside_area": 1,
    "sighting.political_watch": 1,
}


def _permit(foreigner, start, end, **kwargs):
    return StayPermitFactory(
        foreigner=foreigner, issued_on=start, valid_from=start, valid_until=end, **kwargs
    )


def _seen(day, **kwargs):
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    return SightingFactory(observed_at=at, **kwargs)


def build_world(today: dt.date) -> dict:
    """Return the objects created, by role."""
    w = {}
    fine = ForeignerFactory()  # valid permit, valid passport, seen at home: nothing to flag
    _permit(fine, today - D(days=10), today + D(days=300))
    TravelDocumentFactory(foreigner=fine)
    _seen(today, foreigner=fine, activity="tourism")

    expiring = ForeignerFactory()
    w["expiring"] = _permit(expiring, today - D(days=50), today + D(days=10))

    overstayer = ForeignerFactory()
    w["overstay"] = _permit(overstayer, today - D(days=100), today - D(days=20))
    w["after_expiry"] = _seen(today, foreigner=overstayer, activity="tourism")

    no_passport = ForeignerFactory()
    _permit(no_passport, today - D(days=10), today + D(days=300))
    w["document"] = TravelDocumentFactory(foreigner=no_passport, expires_on=today - D(days=2))

    worker = ForeignerFactory(residence_region_id="73.72.03.1001")
    _permit(worker, today - D(days=10), today + D(days=50), kind="ITK", visa_index="C1")
    w["mismatch"] = _seen(today, foreigner=worker, activity="work", region_id="73.72.02.1001")
    _seen(today - D(days=2), foreigner=worker, activity="tourism", region_id="73.72.04.1001")

    w["unregistered"] = _seen(today, foreigner=None)
    w["political"] = _seen(dt.date(2024, 11, 27), foreigner=None, activity="political")
    return w
