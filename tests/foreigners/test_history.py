"""Every write is history: database triggers record inserts, changes (old → new) and deletes of
personal records whatever wrote them — a service, ``QuerySet.update()``, ``bulk_create``, raw
SQL — and the record's page shows the timeline masked by the reader's policy."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from pghistory.models import Events

from agencies.access import RowAccess, access_for
from agencies.history import timeline
from foreigners.models import (
    Foreigner,
    ForeignerUserObjectPermission,
    Residence,
    StayPermit,
    TravelDocument,
)
from foreigners.row_access import foreigner_row_access
from foreigners.selectors import PERSON_ROWS, person_history, visible_foreigners
from reports.models import Flag, Sighting
from reports.rules import RULES
from tests.authz.world import grant_rows
from tests.factories import (
    FlagFactory,
    ForeignerFactory,
    ResidenceFactory,
    SightingFactory,
    StayPermitFactory,
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


def _timeline(user, f, **kwargs):
    """The person page's timeline for ``user``: through the row access the page uses."""
    row = foreigner_row_access(user, f.pk)
    return timeline(row, person_history(f), among=PERSON_ROWS, user=user, **kwargs)


def _changes(entries):
    return {(c.field, c.old, c.new) for e in entries for c in e.changes}


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
    full = _timeline(kanim_officer, f)
    changes = {(c.field, c.old, c.new) for e in full if e.action == "update" for c in e.changes}
    assert ("family_name", "Lama", "Baru") in changes
    assert ("occupation", "", "Koki") in changes
    assert ("number", "DOCOLD01", "DOCNEW02") in changes

    # Kemenag reads identity only: the name change, not occupation nor the document.
    masked = _timeline(kemenag_officer, f)
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
    camat = _timeline(camat_soreang, f)
    addresses = {c.new for e in camat for c in e.changes if c.field == "address"}
    assert addresses == {"Jl. Soreang"}
    kanim = _timeline(kanim_officer, f)
    assert {c.new for e in kanim for c in e.changes if c.field == "address"} == {
        "Jl. Soreang",
        "Jl. Ujung Rahasia",
    }


def test_camat_does_not_see_the_residence_change_of_a_person_living_elsewhere(
    regions, camat_soreang, kanim_officer
):
    # Lives in Ujung, seen in Soreang: the camat of Soreang sees the person, not the residence.
    f = ForeignerFactory(family_name="Pindah", residence_region_id="73.72.02.1001")
    residence = ResidenceFactory(foreigner=f, region_id="73.72.02.1001", address="Jl. Ujung 1")
    SightingFactory(foreigner=f, region_id="73.72.03.1001")
    Residence.objects.filter(pk=residence.pk).update(
        region_id="73.72.01.1004", address="Jl. Bacukiki 2"
    )
    Foreigner.objects.filter(pk=f.pk).update(residence_region_id="73.72.01.1004")
    assert visible_foreigners(camat_soreang).filter(pk=f.pk).exists()

    camat = _timeline(camat_soreang, f)
    fields = {c.field for e in camat for c in e.changes}
    assert not fields & {"residence_region", "address", "region"}
    assert all(e.model != str(Residence._meta.verbose_name) for e in camat)
    assert "family_name" in fields  # the rest of the person's history is still there
    kanim = _changes(_timeline(kanim_officer, f))
    assert ("residence_region", "73.72.02.1001", "73.72.01.1004") in kanim
    assert ("address", "Jl. Ujung 1", "Jl. Bacukiki 2") in kanim


def test_a_residence_moving_into_the_readers_kecamatan_shows_only_its_new_place(
    regions, camat_soreang, client
):
    f = ForeignerFactory(residence_region_id="73.72.02.1001")
    residence = ResidenceFactory(foreigner=f, region_id="73.72.02.1001", address="Jl. Lama 7")
    Residence.objects.filter(pk=residence.pk).update(
        region_id="73.72.03.1001", address="Jl. Soreang 9"
    )
    Foreigner.objects.filter(pk=f.pk).update(residence_region_id="73.72.03.1001")
    camat = _timeline(camat_soreang, f)
    [moved] = [e for e in camat if e.model == str(Residence._meta.verbose_name)]
    assert moved.action == "update"  # the insert, in Ujung, is not the camat's
    address = next(c for c in moved.changes if c.field == "address")
    assert (address.old, address.old_hidden, address.new) == (None, True, "Jl. Soreang 9")
    region = next(c for e in camat for c in e.changes if c.field == "residence_region")
    assert (region.old, region.old_hidden, region.new) == (None, True, "73.72.03.1001")

    client.force_login(camat_soreang)
    body = client.get(reverse("foreigner-detail", args=[f.pk])).content.decode()
    assert "Jl. Soreang 9" in body and "Jl. Lama 7" not in body and "73.72.02.1001" not in body


def test_permit_history_follows_the_field_level_policy(
    regions, kemenag_officer, camat_soreang, kanim_officer
):
    f = ForeignerFactory(residence_region_id="73.72.03.1001")
    permit = StayPermitFactory(foreigner=f, number="2C1OLD0001")
    new_until = permit.valid_until + dt.timedelta(days=90)
    StayPermit.objects.filter(pk=permit.pk).update(number="2C1NEW0002", valid_until=new_until)
    StayPermit.objects.filter(pk=permit.pk).update(number="2C1NEW0003")

    # Kemenag reads no permit part: no permit entry at all.
    kemenag = _timeline(kemenag_officer, f)
    assert all(e.model != str(StayPermit._meta.verbose_name) for e in kemenag)
    # The camat reads type and validity: the new validity, not the numbers; the update that
    # changed only the number is not an entry for them.
    camat = [
        e for e in _timeline(camat_soreang, f) if e.model == str(StayPermit._meta.verbose_name)
    ]
    assert [e.action for e in camat] == ["update", "insert"]
    assert {c.field for e in camat for c in e.changes} <= {
        "kind",
        "valid_from",
        "valid_until",
        "status",
    }
    assert ("valid_until", permit.valid_until, new_until) in {
        (c.field, c.old, c.new) for c in camat[0].changes
    }
    kanim = _changes(_timeline(kanim_officer, f))
    assert ("number", "2C1NEW0002", "2C1NEW0003") in kanim


def test_a_share_of_a_category_opens_its_history_on_that_record(regions, kemenag_officer):
    f = ForeignerFactory(residence_region_id="73.72.03.1001")
    doc = TravelDocumentFactory(foreigner=f, number="SHR00001")
    TravelDocument.objects.filter(pk=doc.pk).update(number="SHR00002")
    assert "number" not in {c.field for e in _timeline(kemenag_officer, f) for c in e.changes}
    share = grant_rows(
        subject_type="foreigner",
        pk=f.pk,
        granter=kemenag_officer,
        user=kemenag_officer,
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    # The share opens documents on this record (as an approved access request would).
    type(share).objects.filter(pk=share.pk).update(categories=["document"])
    ForeignerUserObjectPermission.objects.filter(share=share).update(categories=["document"])
    assert ("number", "SHR00001", "SHR00002") in _changes(_timeline(kemenag_officer, f))


def test_entries_with_nothing_readable_neither_show_nor_count(regions, kemenag_officer):
    f = ForeignerFactory(family_name="Satu")
    Foreigner.objects.filter(pk=f.pk).update(family_name="Dua")
    for job in ("Koki", "Guru", "Sopir"):  # employment: not Kemenag's
        Foreigner.objects.filter(pk=f.pk).update(occupation=job)
    entries = _timeline(kemenag_officer, f, limit=2)
    assert [e.action for e in entries] == ["update", "insert"]
    assert entries[0].changes[0].new == "Dua"
    assert all(c.field != "occupation" for e in entries for c in e.changes)


def test_sighting_history_names_a_person_only_to_who_sees_them(regions, camat_soreang, admin_user):
    # A sighting in Barru shared with the camat, naming people of Barru the camat does not see.
    first, second = (ForeignerFactory(residence_region_id="73.11") for _ in range(2))
    sighting = SightingFactory(foreigner=first, region_id="73.11")
    grant_rows(
        subject_type="sighting",
        pk=sighting.pk,
        granter=admin_user,
        user=camat_soreang,
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    Sighting.objects.filter(pk=sighting.pk).update(foreigner=second)
    assert not visible_foreigners(camat_soreang).filter(pk__in=[first.pk, second.pk]).exists()

    def history(user):
        reader = RowAccess(access_for(user))
        return timeline(reader, Events.objects.tracks(sighting), among=[Sighting], user=user)

    camat = history(camat_soreang)
    assert [e.action for e in camat] == ["insert"]  # the relinking changed nothing they see
    assert "foreigner" not in {c.field for c in camat[0].changes}
    # Who sees both people reads them by name, not by record number.
    assert ("foreigner", first.full_name, second.full_name) in _changes(history(admin_user))


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
    reader = RowAccess(access_for(kanim_officer))
    entries = timeline(reader, Events.objects.tracks(flag), among=[Flag], user=kanim_officer)
    entries += _timeline(kanim_officer, f)
    shown = [(c.field, c.old, c.new) for e in entries for c in e.changes]
    assert ("rule", None, str(RULES["permit.overstay"].title)) in shown
    assert ("state", Flag.State.OPEN.label, Flag.State.ACKNOWLEDGED.label) in shown
    assert ("from_date", None, dt.date(2024, 2, 1)) in shown


def test_history_names_the_reviewer_and_the_closer_not_their_user_id(
    regions, kanim_officer, polres_officer
):
    f = ForeignerFactory(residence_region_id="73.72.03.1001")
    flag = FlagFactory(foreigner=f, subject_type=Flag.SubjectType.FOREIGNER, subject_id=f.pk)
    Flag.objects.filter(pk=flag.pk).update(
        state=Flag.State.RESOLVED, closed_at=timezone.now(), closed_by=polres_officer
    )
    sighting = SightingFactory(region_id="73.72.03.1001")
    Sighting.objects.filter(pk=sighting.pk).update(
        review_status=Sighting.ReviewStatus.VERIFIED,
        reviewed_at=timezone.now(),
        reviewed_by=kanim_officer,
    )
    reader = RowAccess(access_for(kanim_officer))
    entries = timeline(reader, Events.objects.tracks(flag), among=[Flag], user=kanim_officer)
    entries += timeline(
        reader, Events.objects.tracks(sighting), among=[Sighting], user=kanim_officer
    )
    shown = {c.field: c.new for e in entries for c in e.changes}
    closer = polres_officer.get_full_name() or polres_officer.username
    reviewer = kanim_officer.get_full_name() or kanim_officer.username
    assert shown["closed_by"] == closer and shown["reviewed_by"] == reviewer
    assert closer != str(polres_officer.pk) and reviewer != str(kanim_officer.pk)
