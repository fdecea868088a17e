"""A small world in which every rule has exactly one subject to flag (and some not to)."""

import datetime as dt

from django.utils import timezone

from foreigners.models import EntryBan, Movement
from tests.factories import (
    ForeignerFactory,
    MovementFactory,
    SightingFactory,
    SponsorFactory,
    StayPermitFactory,
    TravelDocumentFactory,
)

D = dt.timedelta

# Every rule's expected open flags in the world below: {rule: number of subjects}.
EXPECTED = {
    "permit.expiring": 1,
    "permit.overstay": 4,  # the overstayer and the sponsor's three
    "document.expired": 1,
    "residence.unreported": 1,  # the expiring ITAS holder, 50 days in without a residence
    "permit.itas_missing": 1,
    "permit.itap_lapsed": 1,
    "permit.cancelled_present": 1,
    "movement.entry_without_permit": 1,
    "person.entry_ban": 1,
    "sponsor.repeated_violations": 1,
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

    sponsor = SponsorFactory()
    for _ in range(3):
        _permit(ForeignerFactory(), today - D(days=200), today - D(days=5), sponsor=sponsor)
    w["sponsor"] = sponsor

    vitas = ForeignerFactory()
    w["vitas_entry"] = MovementFactory(
        foreigner=vitas,
        kind=Movement.Kind.ENTRY,
        occurred_on=today - D(days=40),
        visa_kind=Movement.VisaKind.LIMITED_STAY,
    )
    away = ForeignerFactory()
    w["itap"] = _permit(away, today - D(days=900), today + D(days=900), kind="ITAP")
    MovementFactory(foreigner=away, kind=Movement.Kind.EXIT, occurred_on=today - D(days=400))
    w["cancelled"] = _permit(
        ForeignerFactory(),
        today - D(days=10),
        today + D(days=100),
        status="cancelled",
        cancelled_on=today - D(days=3),
    )
    w["entry"] = MovementFactory(
        foreigner=ForeignerFactory(), kind=Movement.Kind.ENTRY, occurred_on=today - D(days=5)
    )
    banned = ForeignerFactory()
    _permit(banned, today - D(days=10), today + D(days=50), kind="ITK", visa_index="C1")
    doc = TravelDocumentFactory(foreigner=banned)
    EntryBan.objects.create(
        document_number=doc.number,
        document_country=doc.issuing_country,
        reason="test",
        listed_on=today - D(days=30),
    )

    w["unregistered"] = _seen(today, foreigner=None)
    w["political"] = _seen(dt.date(2024, 11, 27), foreigner=None, activity="political")
    return w
