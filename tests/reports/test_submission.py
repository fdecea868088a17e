"""Submitting sightings: one record per submission however often it is retried (the form's
one-time token, the API's Idempotency-Key, two retries at once), field-by-field refusals from
the API, and no photo file left behind by a refused or failed submission."""

import io
import threading
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from reports.models import Sighting, SightingPhoto
from reports.services import sightings as services

from .test_views import jpeg, sighting_form

pytestmark = pytest.mark.django_db

API = "/api/v1/sightings/"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def _key_from_form(client) -> str:
    html = client.get(reverse("sighting-create")).content.decode()
    return html.split('name="submission_key" value="')[1].split('"')[0]


def test_the_form_carries_a_one_time_token_and_a_retried_post_makes_one_sighting(
    client, camat_soreang
):
    client.force_login(camat_soreang)
    key = _key_from_form(client)
    assert key != _key_from_form(client)  # one per form shown
    data = {**sighting_form(), "submission_key": key, "photos": [jpeg(40, 40)]}
    first = client.post(reverse("sighting-create"), data)
    data["photos"] = [jpeg(40, 40)]
    retry = client.post(reverse("sighting-create"), data)
    assert first.status_code == retry.status_code == 302
    assert first["Location"] == retry["Location"]
    assert Sighting.objects.count() == 1
    assert SightingPhoto.objects.count() == 1
    photo = SightingPhoto.objects.get()
    assert len(photo.sha256) == 64
    # Another form (a new token) is another sighting.
    client.post(reverse("sighting-create"), {**sighting_form(), "submission_key": "k" * 20})
    assert Sighting.objects.count() == 2


def test_api_submits_a_sighting_and_a_retry_with_the_same_key_answers_the_same_one(
    client, camat_soreang
):
    client.force_login(camat_soreang)
    body = sighting_form()
    headers = {"HTTP_IDEMPOTENCY_KEY": "3f6d2a4e-9a1b-4c2e-8f00-1234567890ab"}
    first = client.post(API, body, content_type="application/json", **headers)
    assert first.status_code == 201, first.content
    again = client.post(API, body, content_type="application/json", **headers)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Sighting.objects.count() == 1
    # Without a key every POST is a new sighting.
    assert client.post(API, body, content_type="application/json").status_code == 201
    assert Sighting.objects.count() == 2


def test_api_refuses_bad_input_field_by_field_and_stores_nothing(client, camat_soreang):
    client.force_login(camat_soreang)
    body = sighting_form(
        observed_at="0001-01-01T00:00",
        person_count=["1"],
        place="x" * 100_000,
        description="a\x00b",
        latitude="95",
        longitude="0",
    )
    response = client.post(API, body, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) == {"person_count"}  # wrong type first
    body["person_count"] = 1
    response = client.post(API, body, content_type="application/json")
    assert response.status_code == 400
    errors = response.json()
    assert {"observed_at", "place", "description", "latitude"} <= set(errors)
    bad_key = client.post(
        API, sighting_form(), content_type="application/json", HTTP_IDEMPOTENCY_KEY="short"
    )
    assert bad_key.status_code == 400 and "Idempotency-Key" in bad_key.json()
    assert not Sighting.objects.exists()


def test_an_account_that_may_not_submit_gets_403_from_the_api(client, outsider, regions):
    client.force_login(outsider)
    response = client.post(API, sighting_form(), content_type="application/json")
    assert response.status_code == 403
    assert not Sighting.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_retries_at_once_make_one_sighting(camat_soreang, monkeypatch):
    """Both requests pass the "already submitted?" check before either commits; the unique key
    makes the second insert wait for the first and then answer with its sighting."""
    barrier = threading.Barrier(2, timeout=10)
    original = services._submitted
    seen = threading.local()

    def racing(reporter, key):
        found = original(reporter, key)
        if not getattr(seen, "once", False):
            seen.once = True
            barrier.wait()
        return found

    monkeypatch.setattr(services, "_submitted", racing)
    results, errors = [], []

    def submit():
        try:
            client = Client()
            client.force_login(camat_soreang)
            response = client.post(
                API,
                sighting_form(),
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY="same-key-for-both-0001",
            )
            results.append((response.status_code, response.json().get("id")))
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    assert sorted(code for code, _ in results) == [201, 201]
    assert len({pk for _, pk in results}) == 1
    assert Sighting.objects.count() == 1


def test_a_refused_photo_stores_neither_the_sighting_nor_any_file(
    client, camat_soreang, private_media
):
    client.force_login(camat_soreang)
    good = jpeg(40, 40, "good.jpg")
    bad = SimpleUploadedFile("bad.jpg", b"\xff\xd8\xff" + b"\x00" * 50, content_type="image/jpeg")
    response = client.post(reverse("sighting-create"), {**sighting_form(), "photos": [good, bad]})
    assert response.status_code == 200
    assert "bad.jpg" in response.content.decode()
    assert not Sighting.objects.exists()
    # Only the good photo is held for the corrected resend (reports.services.held_photos).
    assert [p.relative_to(private_media).parts[0] for p in _files(private_media)] == ["held-photos"]


def test_a_failure_after_the_photos_were_written_removes_them(
    camat_soreang, private_media, monkeypatch
):
    from agencies.models import Region

    def broken(**kwargs):
        raise RuntimeError("broker down and outbox unwritable")

    monkeypatch.setattr(services, "sighting_rules_enqueue", broken)
    out = io.BytesIO()
    Image.new("RGB", (30, 30)).save(out, format="JPEG")
    photo = SimpleUploadedFile("p.jpg", out.getvalue(), content_type="image/jpeg")
    with pytest.raises(RuntimeError):
        services.sighting_submit(
            reporter=camat_soreang,
            region=Region.objects.get(code="73.72.03.1001"),
            place="Pasar",
            observed_at=timezone.now(),
            activity="work",
            description="x",
            apparent_nationality="CHN",
            photos=[photo],
        )
    assert not Sighting.objects.exists()
    assert _files(private_media) == []
