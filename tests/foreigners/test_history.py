"""Every write is history: database triggers record inserts, changes (old → new) and deletes of
personal records whatever wrote them — a service, ``QuerySet.update()``, ``bulk_create``, raw
SQL — and the record's page shows the timeline masked by the reader's policy."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from pghistory.models import Events

from agencies.access import access_for
from agencies.history import timeline
from foreigners.models import Foreigner, Residence, TravelDocument
from foreigners.selectors import PERSON_ROWS, person_history
from reports.models import Flag, Sighting
from reports.rules import RULES
from tests.factories import (
    FlagFactory,
    ForeignerFactory,
    ResidenceFactory,
    SightingFactory,
    TravelDocumentFactory,
)

pytestmark = pytest.mark.django_db


def _events(obj):
    return list(
        Events.objects.tracks(obj)
        .across(type(obj).pgh_event_model)
        .order_by("pgh_id")
        .values_list("pgh_label", "pgh_diff")
    )


def test_orm_save_update_and_delete_are_history(regions):
    f = ForeignerFactory(family_name="Old")
    f.family_name = "New"
    f.save()
    Foreigner.objects.filter(pk=f.pk).update(occupation="Welder")
    pk = f.pk
    f.delete()
    labels = [label for label, _ in _events(Foreigner(pk=pk))]
    assert labels == ["insert", "update", "update", "delete"]
    diffs = [diff for _, diff in _events(Foreigner(pk=pk))]
    assert diffs[1]["family_name"] == ["Old", "New"]
    assert diffs[2] == {"occupation": ["", "Welder"]}


def test_bulk_and_raw_sql_writes_are_history(regions):
    f = ForeignerFactory()
    docs = TravelDocument.objects.bulk_create(
        [
            TravelDocument(
                foreigner=f,
                number=f"B{i:07d}",
                issuing_country="CHN",
                issued_on="2020-01-01",
                expires_on="2030-01-01",
            )
            for i in range(3)
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE foreigners_traveldocument SET number = 'RAW00001' WHERE id = %s", [docs[0].pk]
        )
    assert [label for label, _ in _events(docs[0])] == ["insert", "update"]
    assert _events(docs[0])[1][1]["number"] == ["B0000000", "RAW00001"]


def test_touching_only_updated_at_records_nothing(regions):
    sighting = SightingFactory()
    Sighting.objects.filter(pk=sighting.pk).update(place=sighting.place)
    flag = FlagFactory()
    flag.save()  # auto_now bumps updated_at only
    assert len(_events(sighting)) == 1 and len(_events(flag)) == 1


def test_flags_and_residences_changed_by_queryset_update_are_history(regions):
    flag = FlagFactory()
    Flag.objects.filter(pk=flag.pk).update(state=Flag.State.ACKNOWLEDGED)
    assert _events(flag)[-1][1]["state"] == [Flag.State.OPEN, Flag.State.ACKNOWLEDGED]
    residence = ResidenceFactory()
    Residence.objects.filter(pk=residence.pk).update(address="Jl. Baru")
    assert _events(residence)[-1][1]["address"] == ["Jl. Bau Massepe No. 1", "Jl. Baru"]


def test_history_tables_are_append_only(regions):
    f = ForeignerFactory()
    model = Foreigner.pgh_event_model
    with pytest.raises(DatabaseError), transaction.atomic():
        model.objects.filter(pgh_obj_id=f.pk).update(family_name="Rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        model.objects.filter(pgh_obj_id=f.pk).delete()
    assert model.objects.filter(pgh_obj_id=f.pk).count() == 1


def test_portal_edit_records_who_changed_it(client, kanim_officer):
    f = ForeignerFactory(family_name="Before")
    client.force_login(kanim_officer)
    response = client.post(
        reverse("foreigner-edit", args=[f.pk]),
        {
            "family_name": "After",
            "given_names": f.given_names,
            "sex": f.sex,
            "birth_date": "1985-05-17",
            "nationality": f.nationality,
            "version": f.version,
        },
    )
    assert response.status_code == 302
    event = Events.objects.tracks(f).across(Foreigner.pgh_event_model).order_by("-pgh_id")[0]
    assert event.pgh_diff["family_name"] == ["Before", "After"]
    assert str(event.pgh_context["user"]) == str(kanim_officer.pk)
    assert event.pgh_context["url"] == reverse("foreigner-edit", args=[f.pk])


# --- the timeline, masked by the reader's policy ---------------------------------------------


@pytest.fixture
def changed_person(regions):
    f = ForeignerFactory(family_name="Lama", residence_region_id="73.72.03.1001")
    doc = TravelDocumentFactory(foreigner=f, number="DOCOLD01")
    Foreigner.objects.filter(pk=f.pk).update(family_name="Baru", occupation="Koki")
    TravelDocument.objects.filter(pk=doc.pk).update(number="DOCNEW02")
    return f


def test_timeline_shows_each_reader_only_readable_fields(
    changed_person, kanim_officer, kemenag_officer
):
    f = changed_person
    full = timeline(access_for(kanim_officer), person_history(f), among=PERSON_ROWS)
    changes = {(c.field, c.old, c.new) for e in full if e.action == "update" for c in e.changes}
    assert ("family_name", "Lama", "Baru") in changes
    assert ("occupation", "", "Koki") in changes
    assert ("number", "DOCOLD01", "DOCNEW02") in changes

    # Kemenag reads identity only: the name change, not occupation nor the document.
    masked = timeline(access_for(kemenag_officer), person_history(f), among=PERSON_ROWS)
    fields = {c.field for e in masked for c in e.changes}
    assert "family_name" in fields
    assert not fields & {"occupation", "number", "residence_region"}
    assert all(e.model != str(TravelDocument._meta.verbose_name) for e in masked)


def test_person_page_timeline_never_renders_masked_values(
    client, changed_person, kemenag_officer, kanim_officer
):
    url = reverse("foreigner-detail", args=[changed_person.pk])
    client.force_login(kemenag_officer)
    body = client.get(url).content.decode()
    assert 'id="h-history"' in body and "Lama" in body
    assert "DOCOLD01" not in body and "DOCNEW02" not in body and "Koki" not in body
    client.force_login(kanim_officer)
    body = client.get(url).content.decode()
    assert "DOCOLD01" in body and "Koki" in body


def test_residence_history_outside_the_readers_scope_is_hidden(
    regions, camat_soreang, kanim_officer
):
    f = ForeignerFactory(residence_region_id="73.72.03.1001")
    ResidenceFactory(
        foreigner=f,
        region_id="73.72.02.1001",
        address="Jl. Ujung Rahasia",
        from_date="2020-01-01",
        to_date="2023-12-31",
    )
    ResidenceFactory(foreigner=f, region_id="73.72.03.1001", address="Jl. Soreang")
    camat = timeline(access_for(camat_soreang), person_history(f), among=PERSON_ROWS)
    addresses = {c.new for e in camat for c in e.changes if c.field == "address"}
    assert addresses == {"Jl. Soreang"}
    kanim = timeline(access_for(kanim_officer), person_history(f), among=PERSON_ROWS)
    assert {c.new for e in kanim for c in e.changes if c.field == "address"} == {
        "Jl. Soreang",
        "Jl. Ujung Rahasia",
    }


def test_history_shows_labels_and_dates_not_stored_codes(regions, kanim_officer):
    f = ForeignerFactory(residence_region_id="73.72.03.1001")
    flag = FlagFactory(
        foreigner=f,
        subject_type=Flag.SubjectType.FOREIGNER,
        subject_id=f.pk,
        rule="permit.overstay",
    )
    Flag.objects.filter(pk=flag.pk).update(state=Flag.State.ACKNOWLEDGED)
    ResidenceFactory(foreigner=f, region_id="73.72.03.1001", from_date="2024-02-01")
    access = access_for(kanim_officer)
    entries = timeline(access, Events.objects.tracks(flag), among=[Flag])
    entries += timeline(access, person_history(f), among=PERSON_ROWS)
    shown = [(c.field, c.old, c.new) for e in entries for c in e.changes]
    assert ("rule", None, str(RULES["permit.overstay"].title)) in shown
    assert ("state", Flag.State.OPEN.label, Flag.State.ACKNOWLEDGED.label) in shown
    assert ("from_date", None, dt.date(2024, 2, 1)) in shown
