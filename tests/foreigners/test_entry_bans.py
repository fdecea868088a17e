"""The entry-ban list: kept by the Kanim in the admin, written through the services, refused
with a clear message when it names nobody."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from foreigners import services
from foreigners.models import EntryBan

pytestmark = pytest.mark.django_db

LIST = reverse("admin:foreigners_entryban_changelist")
ADD = reverse("admin:foreigners_entryban_add")


def _staff(user):
    user.is_staff = True
    user.save()
    return user


def test_entry_ban_naming_neither_a_person_nor_a_document_is_refused():
    with pytest.raises(ValidationError) as error:
        services.entry_ban_add(
            listed_by=None, data={"reason": "x", "listed_on": dt.date(2026, 1, 1)}
        )
    assert "dokumen perjalanan" in str(error.value) or "travel document" in str(error.value)
    assert not EntryBan.objects.exists()


def test_entry_ban_lifted_before_it_was_listed_is_refused():
    ban = services.entry_ban_add(
        listed_by=None,
        data={
            "document_number": "e1234567",
            "document_country": "CHN",
            "reason": "x",
            "listed_on": dt.date(2026, 1, 1),
        },
    )
    assert ban.document_number == "E1234567"
    with pytest.raises(ValidationError):
        services.entry_ban_update(ban_id=ban.pk, data={"lifted_on": dt.date(2025, 1, 1)})


def test_kanim_staff_keeps_the_list_in_the_admin(client, kanim_officer):
    client.force_login(_staff(kanim_officer))
    assert client.get(LIST).status_code == 200
    response = client.post(
        ADD,
        {
            "family_name": "Smith",
            "given_names": "Ann",
            "birth_date": "1980-02-03",
            "nationality": "GBR",
            "document_number": "",
            "document_country": "",
            "reason": "Deportasi 2025",
            "decision_number": "",
            "listed_on": "2026-01-01",
            "until": "",
            "lifted_on": "",
        },
    )
    assert response.status_code == 302
    ban = EntryBan.objects.get()
    assert (ban.search_name, ban.listed_by) == ("ann smith", kanim_officer)


def test_other_agencies_staff_cannot_open_the_list(client, polres_officer):
    client.force_login(_staff(polres_officer))
    assert client.get(LIST).status_code == 403
