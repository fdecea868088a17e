"""Photos of a sighting form with errors are held and sent with the corrected form, without a
second upload; a held photo opens only for its user, counts towards the five, and goes away
when used or when it is too old."""

import datetime as dt
import os
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.models import Sighting, SightingPhoto
from reports.services import held_photos
from reports.services.held_photos import HOLD_DIR, HOLD_PER_USER, held_photos_purge, photos_hold

from .test_views import jpeg, private_media, sighting_form  # noqa: F401 (autouse: photos on disk under tmp_path)

pytestmark = pytest.mark.django_db


TOKEN_RE = re.compile(r'name="held_photo" value="([^"]+)"')


def _held_files(root) -> list:
    folder = root / HOLD_DIR
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def _post_with_error(client, photos):
    """A form missing its description, with photos: the page comes back with the tokens."""
    response = client.post(
        reverse("sighting-create"), {**sighting_form(description=""), "photos": photos}
    )
    assert response.status_code == 200
    assert not Sighting.objects.exists()
    return response, TOKEN_RE.findall(response.content.decode())


def test_photos_of_a_form_with_an_error_are_kept_and_sent_with_the_corrected_form(
    client, camat_soreang, tmp_path, django_capture_on_commit_callbacks
):
    client.force_login(camat_soreang)
    response, tokens = _post_with_error(client, [jpeg(60, 40, "pasar.jpg"), jpeg(40, 40, "b.jpg")])
    assert len(tokens) == 2
    assert "pasar.jpg" in response.content.decode()
    assert len(_held_files(tmp_path)) == 2

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("sighting-create"), {**sighting_form(), "held_photo": tokens, "photos": []}
        )
    sighting = Sighting.objects.get()
    assert response.status_code == 302
    assert sighting.photos.count() == 2
    assert {len(photo.sha256) for photo in sighting.photos.all()} == {64}
    assert _held_files(tmp_path) == []


def test_an_unticked_kept_photo_is_not_sent(client, camat_soreang, tmp_path):
    client.force_login(camat_soreang)
    _, tokens = _post_with_error(client, [jpeg(40, 40, "a.jpg"), jpeg(40, 40, "b.jpg")])
    client.post(reverse("sighting-create"), {**sighting_form(), "held_photo": tokens[:1]})
    assert Sighting.objects.get().photos.count() == 1


def test_kept_and_new_photos_together_count_towards_the_five(client, camat_soreang):
    client.force_login(camat_soreang)
    _, tokens = _post_with_error(client, [jpeg(30, 30, f"{i}.jpg") for i in range(3)])
    response = client.post(
        reverse("sighting-create"),
        {
            **sighting_form(),
            "held_photo": tokens,
            "photos": [jpeg(30, 30, f"new{i}.jpg") for i in range(3)],
        },
    )
    assert response.status_code == 200
    assert "5" in response.context["form"].errors["photos"][0]
    assert not Sighting.objects.exists() and not SightingPhoto.objects.exists()
    # The three kept ones are still offered, the new ones only as far as there is room.
    assert len(response.context["held_photos"]) == 5


def test_a_kept_photo_opens_only_for_the_user_it_was_kept_for(client, camat_soreang, camat_ujung):
    client.force_login(camat_soreang)
    _, tokens = _post_with_error(client, [jpeg(40, 40)])
    client.force_login(camat_ujung)
    response = client.post(
        reverse("sighting-create"),
        {**sighting_form(region="73.72.02.1001"), "held_photo": tokens},
        follow=True,
    )
    assert "percobaan sebelumnya sudah kedaluwarsa" in response.content.decode()
    assert not SightingPhoto.objects.exists()


@pytest.mark.parametrize("token", ["nonsense", "a" * 5000, "eyJmIjoiLi4vLi4vZXRjL3Bhc3N3ZCJ9:x:y"])
def test_a_forged_kept_photo_token_is_a_message_not_an_error(client, camat_soreang, token):
    client.force_login(camat_soreang)
    response = client.post(
        reverse("sighting-create"), {**sighting_form(description=""), "held_photo": [token]}
    )
    assert response.status_code == 200
    assert "sudah kedaluwarsa" in response.content.decode()


def test_a_refused_photo_field_holds_nothing(client, camat_soreang, tmp_path):
    client.force_login(camat_soreang)
    response = client.post(
        reverse("sighting-create"),
        {**sighting_form(), "photos": [jpeg(20, 20, f"{i}.jpg") for i in range(6)]},
    )
    assert response.status_code == 200
    assert _held_files(tmp_path) == []


def test_held_photos_are_bounded_per_user_and_purged_when_old(camat_soreang, tmp_path):
    for _ in range(HOLD_PER_USER + 3):
        held, refused = photos_hold(user=camat_soreang, uploads=[jpeg(20, 20)])
        assert len(held) == 1 and refused == []
    files = _held_files(tmp_path)
    assert len(files) == HOLD_PER_USER
    old = (timezone.now() - dt.timedelta(seconds=held_photos.HOLD_SECONDS + 60)).timestamp()
    os.utime(files[0], (old, old))
    assert held_photos_purge() == 1
    assert len(_held_files(tmp_path)) == HOLD_PER_USER - 1
