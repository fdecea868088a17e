import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from foreigners import selectors, services
from foreigners.models import Foreigner, Residence, StayPermit
from tests.factories import (
    ForeignerFactory,
    ResidenceFactory,
    SponsorFactory,
    StayPermitFactory,
    TravelDocumentFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(regions):
    foreigner = ForeignerFactory(family_name="Müller", given_names="Jörg", nationality="DEU")
    TravelDocumentFactory(foreigner=foreigner, number="C01X00T47", issuing_country="DEU")
    StayPermitFactory(foreigner=foreigner, number="2C11AB0001")
    ResidenceFactory(foreigner=foreigner, region_id="73.72.03.1001")
    return foreigner


def test_search_by_partial_accent_free_name_finds_the_person(client, kanim_officer, person):
    client.force_login(kanim_officer)
    response = client.get(reverse("foreigner-list"), {"q": "mull jo"})
    assert response.status_code == 200
    assert "Jörg Müller" in response.content.decode()


def test_search_by_name_does_not_match_inside_words(client, kanim_officer, person):
    client.force_login(kanim_officer)
    response = client.get(reverse("foreigner-list"), {"q": "uller"})
    assert "Jörg Müller" not in response.content.decode()


def test_passport_search_is_posted_and_finds_the_holder(client, polres_officer, person):
    client.force_login(polres_officer)
    response = client.post(reverse("foreigner-list"), {"document_number": "c01x00t47"})
    assert response.status_code == 200
    assert "Jörg Müller" in response.content.decode()


def test_passport_search_refused_without_document_access(client, kemenag_officer, person):
    client.force_login(kemenag_officer)
    response = client.post(reverse("foreigner-list"), {"document_number": "C01X00T47"})
    assert response.status_code == 403


def test_search_pages_forward_and_back_without_count(client, kanim_officer, regions, monkeypatch):
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    for name in ["Ahn", "Baker", "Chen", "Dubois", "Evans"]:
        ForeignerFactory(family_name=name, given_names="")
    client.force_login(kanim_officer)
    first = client.get(reverse("foreigner-list"), {"q": ""})
    assert [f.family_name for f in first.context["page"].rows] == ["Ahn", "Baker"]
    after = first.context["page"].next_cursor
    second = client.get(reverse("foreigner-list"), {"q": "", "after": after})
    assert [f.family_name for f in second.context["page"].rows] == ["Chen", "Dubois"]
    back = client.get(
        reverse("foreigner-list"), {"q": "", "before": second.context["page"].prev_cursor}
    )
    assert [f.family_name for f in back.context["page"].rows] == ["Ahn", "Baker"]


def test_detail_shows_sections_per_policy(client, kemenag_officer, polres_officer, person):
    client.force_login(polres_officer)
    page = client.get(reverse("foreigner-detail", args=[person.pk])).content.decode()
    assert "C01X00T47" in page and "2C11AB0001" in page
    client.force_login(kemenag_officer)
    page = client.get(reverse("foreigner-detail", args=[person.pk])).content.decode()
    assert "Müller" in page
    assert "C01X00T47" not in page and "2C11AB0001" not in page
    assert page.count('class="restricted"') >= 2  # documents and permits, with "request access"


def test_detail_of_record_outside_scope_is_not_found(client, camat_ujung, person):
    client.force_login(camat_ujung)
    response = client.get(reverse("foreigner-detail", args=[person.pk]))
    assert response.status_code == 404


@pytest.fixture
def barru_kelurahan(regions):
    """A kelurahan outside the Kanim fixtures' work area (73.72, 73.15)."""
    from agencies.models import Region

    kec = Region.objects.create(
        code="73.11.01", name="Tanete Riaja", level="kecamatan", parent_id="73.11"
    )
    return Region.objects.create(
        code="73.11.01.1001", name="Lompo Riaja", level="kelurahan", parent=kec
    )


NEW_PERSON = {
    "family_name": "Tanaka",
    "given_names": "Hiro",
    "sex": "M",
    "birth_date": "1990-02-03",
    "nationality": "JPN",
    "residence-address": "Jl. Bau Massepe No. 7",
    "residence-region": "73.72.03.1001",
    "residence-from_date": "2025-06-01",
}


def test_officer_creates_a_foreigner_with_the_first_residence(client, kanim_officer):
    client.force_login(kanim_officer)
    response = client.post(reverse("foreigner-create"), NEW_PERSON)
    foreigner = Foreigner.objects.get(family_name="Tanaka")
    assert response.status_code == 302
    assert foreigner.search_name == "hiro tanaka"
    assert foreigner.residence_region_id == "73.72.03.1001"
    residence = Residence.objects.get(foreigner=foreigner)
    assert (residence.address, residence.from_date, residence.to_date) == (
        "Jl. Bau Massepe No. 7",
        dt.date(2025, 6, 1),
        None,
    )
    assert (residence.latitude, residence.longitude) == (None, None)
    # The redirect lands on a record the creator sees, and the list finds it.
    detail = client.get(response["Location"])
    assert detail.status_code == 200
    assert "Jl. Bau Massepe No. 7" in detail.content.decode()
    listed = client.get(reverse("foreigner-list"), {"q": "tanaka"}).content.decode()
    assert reverse("foreigner-detail", args=[foreigner.pk]) in listed


def test_create_takes_optional_coordinates(client, kanim_officer):
    client.force_login(kanim_officer)
    data = {**NEW_PERSON, "residence-latitude": "-4.0135", "residence-longitude": "119.6255"}
    assert client.post(reverse("foreigner-create"), data).status_code == 302
    residence = Residence.objects.get(foreigner__family_name="Tanaka")
    assert (float(residence.latitude), float(residence.longitude)) == (-4.0135, 119.6255)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"residence-address": ""}, "residence-address"),
        ({"residence-region": ""}, "residence-region"),
        ({"residence-from_date": ""}, "residence-from_date"),
        ({"residence-from_date": "2025-13-40"}, "residence-from_date"),
        ({"residence-region": "73.11.01.1001"}, "residence-region"),  # outside the work area
        ({"residence-region": "73.72.03"}, "residence-region"),  # a kecamatan, not a kelurahan
        ({"residence-latitude": "123"}, "residence-latitude"),
    ],
)
def test_bad_or_missing_residence_gives_field_errors_and_writes_nothing(
    client, kanim_officer, barru_kelurahan, change, field
):
    client.force_login(kanim_officer)
    response = client.post(reverse("foreigner-create"), {**NEW_PERSON, **change})
    assert response.status_code == 200
    errors = response.context["residence_form"].errors
    assert field.removeprefix("residence-") in errors
    page = response.content.decode()
    assert 'value="Tanaka"' in page  # no lost input
    assert not Foreigner.objects.filter(family_name="Tanaka").exists()
    assert not Residence.objects.exists()


def test_service_refuses_a_region_outside_the_creators_scope(kanim_officer, barru_kelurahan):
    from foreigners import services

    with pytest.raises(ValidationError) as exc:
        services.foreigner_create(
            data={
                "family_name": "Tanaka",
                "given_names": "Hiro",
                "sex": "M",
                "birth_date": dt.date(1990, 2, 3),
                "nationality": "JPN",
            },
            residence={
                "address": "Jl. Jauh",
                "region": barru_kelurahan,
                "from_date": dt.date(2025, 1, 1),
            },
            user=kanim_officer,
        )
    assert "residence-region" in exc.value.message_dict
    assert not Foreigner.objects.exists()


def test_invalid_create_keeps_input_and_shows_field_errors(client, kanim_officer):
    client.force_login(kanim_officer)
    response = client.post(reverse("foreigner-create"), {**NEW_PERSON, "birth_date": "1800-01-01"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="Tanaka"' in page
    assert 'value="Jl. Bau Massepe No. 7"' in page
    assert 'class="error"' in page
    assert not Foreigner.objects.exists()


def test_non_kanim_may_not_create_records(client, polres_officer):
    client.force_login(polres_officer)
    assert client.get(reverse("foreigner-create")).status_code == 403


def test_stale_edit_is_refused_with_a_clear_message(client, kanim_officer, person):
    client.force_login(kanim_officer)
    url = reverse("foreigner-edit", args=[person.pk])
    form = {
        "family_name": "Müller",
        "given_names": "Jörg",
        "sex": "M",
        "birth_date": "1985-05-17",
        "nationality": "DEU",
        "version": person.version,
    }
    assert client.post(url, {**form, "birth_place": "Berlin"}).status_code == 302
    response = client.post(url, {**form, "birth_place": "Hamburg"})
    assert response.status_code == 200
    assert "Orang lain mengubah data ini" in response.content.decode()  # Indonesian by default
    assert 'value="Hamburg"' in response.content.decode()
    person.refresh_from_db()
    assert person.birth_place == "Berlin"


def test_new_current_residence_moves_the_person(client, kanim_officer, person):
    client.force_login(kanim_officer)
    response = client.post(
        reverse("residence-create", args=[person.pk]),
        {"address": "Jl. Baru 2", "region": "73.72.02", "from_date": "2025-01-01"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.residence_region_id == "73.72.02"
    assert Residence.objects.filter(foreigner=person, to_date__isnull=True).count() == 1


def test_extension_supersedes_the_previous_permit(client, kanim_officer, person):
    client.force_login(kanim_officer)
    previous = person.permits.get()
    today = timezone.localdate()
    response = client.post(
        reverse("permit-create", args=[person.pk]),
        {
            "kind": "ITAS",
            "visa_index": "E23",
            "number": "2C11AB0002",
            "issued_on": today.isoformat(),
            "valid_from": previous.valid_until.isoformat(),
            "valid_until": (previous.valid_until + dt.timedelta(days=365)).isoformat(),
            "status": "active",
            "extends": previous.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()
    previous.refresh_from_db()
    assert previous.status == StayPermit.Status.EXTENDED


def test_extension_carries_over_the_sponsor_and_fields_of_the_permit_it_extends(
    client, kanim_officer, person
):
    previous = person.permits.get()
    previous.sponsor = SponsorFactory()
    previous.purpose = "Kepala teknisi PT Semen"
    previous.save()
    client.force_login(kanim_officer)
    response = client.post(
        reverse("permit-create", args=[person.pk]),
        {
            "kind": "ITAS",
            "visa_index": "",
            "number": "2C11AB0003",
            "issued_on": timezone.localdate().isoformat(),
            "valid_from": previous.valid_until.isoformat(),
            "valid_until": (previous.valid_until + dt.timedelta(days=365)).isoformat(),
            "status": "active",
            "extends": previous.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()
    extension = person.permits.get(number="2C11AB0003")
    assert (extension.sponsor, extension.visa_index, extension.purpose, extension.kind) == (
        previous.sponsor,
        "E23",
        "Kepala teknisi PT Semen",
        "ITAS",
    )


def test_a_new_permit_that_extends_nothing_carries_nothing_over(kanim_officer, person):
    previous = person.permits.get()
    previous.sponsor = SponsorFactory()
    previous.save()
    today = timezone.localdate()
    permit = services.permit_create(
        foreigner=person,
        data={
            "kind": "ITAS",
            "number": "2C11AB0004",
            "issued_on": today,
            "valid_from": today,
            "valid_until": today + dt.timedelta(days=30),
        },
    )
    assert (permit.sponsor, permit.visa_index) == (None, "")


def test_extend_link_opens_the_form_filled_from_the_permit(client, kanim_officer, person):
    previous = person.permits.get()
    client.force_login(kanim_officer)
    detail = client.get(reverse("foreigner-detail", args=[person.pk])).content.decode()
    url = f"{reverse('permit-create', args=[person.pk])}?extends={previous.pk}"
    assert url.replace("&", "&amp;") in detail or url in detail
    form = client.get(url).context["form"]
    assert form.initial["extends"] == previous
    assert form.initial["visa_index"] == "E23"
    assert form.initial["valid_from"] == previous.valid_until + dt.timedelta(days=1)
