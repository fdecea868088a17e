import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from agencies.access import access_changed
from reports.models import Flag, Sighting, SightingComment, SightingRulesOutbox
from reports.selectors import visible_flags
from tests.factories import (
    FlagFactory,
    ForeignerFactory,
    SightingFactory,
    StayPermitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


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


def jpeg(width=3000, height=2000, name="photo.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 80, 40)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def sighting_form(**overrides):
    data = {
        "region": "73.72.03.1001",
        "place": "Pasar Lakessi",
        "observed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "activity": "work",
        "description": "Seen selling goods",
        "person": "unknown",
        "apparent_nationality": "CHN",
        "apparent_sex": "M",
        "person_count": "1",
    }
    data.update(overrides)
    return data


def test_camat_submits_sighting_with_resized_private_photo(client, camat_soreang):
    client.force_login(camat_soreang)
    response = client.post(reverse("sighting-create"), {**sighting_form(), "photos": [jpeg()]})
    assert response.status_code == 302
    sighting = Sighting.objects.get()
    assert sighting.reference.startswith("LAP-")
    photo = sighting.photos.get()
    with Image.open(photo.image.path) as img:
        assert max(img.size) == 1600
    confirmation = client.get(response.url).content.decode()
    assert sighting.reference in confirmation
    assert client.get(reverse("sighting-photo", args=[photo.pk])).status_code == 200


def test_camat_cannot_report_from_another_kecamatan(client, camat_soreang):
    client.force_login(camat_soreang)
    response = client.post(reverse("sighting-create"), sighting_form(region="73.72.02"))
    assert response.status_code == 200
    assert not Sighting.objects.exists()
    assert 'value="Pasar Lakessi"' in response.content.decode()


def test_unidentified_sighting_needs_a_description(client, camat_soreang):
    client.force_login(camat_soreang)
    response = client.post(reverse("sighting-create"), sighting_form(apparent_nationality=""))
    assert response.status_code == 200
    assert not Sighting.objects.exists()


def test_more_than_five_photos_are_refused(client, camat_soreang):
    client.force_login(camat_soreang)
    photos = [jpeg(20, 20, f"{i}.jpg") for i in range(6)]
    response = client.post(reverse("sighting-create"), {**sighting_form(), "photos": photos})
    assert response.status_code == 200
    assert not Sighting.objects.exists()


def test_a_non_image_is_refused_with_a_message(client, camat_soreang):
    client.force_login(camat_soreang)
    bogus = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    response = client.post(reverse("sighting-create"), {**sighting_form(), "photos": [bogus]})
    assert response.status_code == 200
    assert not Sighting.objects.exists()


def test_photo_is_not_served_to_someone_who_cannot_see_the_sighting(
    client, camat_soreang, camat_ujung
):
    client.force_login(camat_soreang)
    client.post(reverse("sighting-create"), {**sighting_form(), "photos": [jpeg(50, 50)]})
    photo = Sighting.objects.get().photos.get()
    client.force_login(camat_ujung)
    assert client.get(reverse("sighting-photo", args=[photo.pk])).status_code == 404


def test_review_dismiss_requires_a_reason(client, kanim_officer, regions):
    sighting = SightingFactory()
    client.force_login(kanim_officer)
    url = reverse("sighting-review", args=[sighting.pk])
    assert client.post(url, {"decision": "dismissed", "note": ""}).status_code == 400
    assert client.post(url, {"decision": "dismissed", "note": "Local resident"}).status_code == 302
    sighting.refresh_from_db()
    assert sighting.review_status == Sighting.ReviewStatus.DISMISSED
    assert sighting.reviewed_by == kanim_officer


def test_only_reviewers_see_the_queue(client, polres_officer, kanim_officer, regions):
    SightingFactory()
    client.force_login(polres_officer)
    assert client.get(reverse("sighting-queue")).status_code == 403
    client.force_login(kanim_officer)
    assert client.get(reverse("sighting-queue")).status_code == 200


def test_link_to_foreigner_reruns_the_rules(client, kanim_officer, regions, monkeypatch):
    calls = []
    monkeypatch.setattr(
        "reports.services.sightings.sighting_rules_enqueue",
        lambda *, sighting_id: calls.append(sighting_id),
    )
    sighting = SightingFactory()
    foreigner = ForeignerFactory()
    client.force_login(kanim_officer)
    response = client.post(
        reverse("sighting-link", args=[sighting.pk]), {"foreigner": foreigner.pk}
    )
    assert response.status_code == 302
    sighting.refresh_from_db()
    assert sighting.foreigner == foreigner
    assert calls == [sighting.pk]


def test_linking_a_sighting_to_an_overstayer_flags_it_for_polres(
    client, kanim_officer, polres_officer, kemenag_officer, regions,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    # Browser journey 2: the Kanim links an unknown person's sighting to a registered foreigner
    # whose permit ended; the rules re-run through the outbox and Polres sees the new flag.
    today = timezone.localdate()
    foreigner = ForeignerFactory()
    StayPermitFactory(
        foreigner=foreigner,
        issued_on=today - dt.timedelta(days=200),
        valid_from=today - dt.timedelta(days=200),
        valid_until=today - dt.timedelta(days=10),
    )
    client.force_login(kanim_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("sighting-create"), sighting_form(activity="tourism"))
    assert response.status_code == 302
    sighting = Sighting.objects.get()
    assert Flag.objects.filter(rule="sighting.unregistered", sighting=sighting, state="open")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("sighting-link", args=[sighting.pk]), {"foreigner": foreigner.pk}
        )
    assert response.status_code == 302
    flag = Flag.objects.get(rule="sighting.after_expiry", sighting=sighting)
    assert flag.state == Flag.State.OPEN and flag.foreigner == foreigner
    assert flag.evidence["days_after_expiry"] == 10
    unregistered = Flag.objects.get(rule="sighting.unregistered", sighting=sighting)
    assert unregistered.state == Flag.State.CLOSED
    assert "Linked to a registered foreign national" in unregistered.close_reason
    assert not SightingRulesOutbox.objects.exists()

    assert list(visible_flags(polres_officer).filter(rule="sighting.after_expiry")) == [flag]
    assert not visible_flags(kemenag_officer).filter(pk=flag.pk).exists()
    client.force_login(polres_officer)
    inbox = client.get(reverse("flag-list"), {"rule": "sighting.after_expiry"})
    assert [f.pk for f in inbox.context["flags"]] == [flag.pk]
    assert client.get(reverse("flag-detail", args=[flag.pk])).status_code == 200


def test_comment_thread_is_shared_by_agencies_that_see_the_sighting(
    client, kanim_officer, polres_officer, regions
):
    sighting = SightingFactory()
    client.force_login(kanim_officer)
    client.post(reverse("sighting-comment", args=[sighting.pk]), {"body": "Field check Monday"})
    client.force_login(polres_officer)
    page = client.get(reverse("sighting-detail", args=[sighting.pk])).content.decode()
    assert "Field check Monday" in page
    assert SightingComment.objects.count() == 1


def test_flag_acknowledge_then_resolve_with_note(client, polres_officer, regions):
    foreigner = ForeignerFactory()
    flag = FlagFactory(foreigner=foreigner, routed_to=["polres"])
    client.force_login(polres_officer)
    client.post(reverse("flag-acknowledge", args=[flag.pk]))
    flag.refresh_from_db()
    assert flag.state == Flag.State.ACKNOWLEDGED
    assert client.post(reverse("flag-resolve", args=[flag.pk]), {"note": ""}).status_code == 400
    client.post(reverse("flag-resolve", args=[flag.pk]), {"note": "Checked: left the country"})
    flag.refresh_from_db()
    assert flag.state == Flag.State.RESOLVED and flag.closed_by == polres_officer


def test_flag_not_routed_to_my_agency_is_not_found(client, kemenag_officer, regions):
    flag = FlagFactory(foreigner=ForeignerFactory(), routed_to=["polres"])
    client.force_login(kemenag_officer)
    assert client.get(reverse("flag-detail", args=[flag.pk])).status_code == 404


def test_inbox_filters_by_rule_and_severity(client, polres_officer, regions):
    foreigner = ForeignerFactory()
    FlagFactory(foreigner=foreigner, rule="permit.overstay", severity=50, routed_to=["polres"])
    FlagFactory(foreigner=foreigner, rule="permit.expiring", severity=20, routed_to=["polres"])
    client.force_login(polres_officer)
    response = client.get(reverse("flag-list"), {"severity": "40"})
    assert [f.rule for f in response.context["flags"]] == ["permit.overstay"]
    response = client.get(reverse("flag-list"), {"rule": "permit.expiring"})
    assert [f.rule for f in response.context["flags"]] == ["permit.expiring"]


def test_dashboard_counts_only_what_the_user_may_see(
    client, camat_ujung, kanim_supervisor, regions
):
    ForeignerFactory(residence_region_id="73.72.03.1001", nationality="CHN")
    ForeignerFactory(residence_region_id="73.72.02.1001", nationality="KOR")
    client.force_login(kanim_supervisor)
    assert client.get(reverse("dashboard")).context["f"]["total_foreigners"] == 2
    client.force_login(camat_ujung)
    figures = client.get(reverse("dashboard")).context["f"]
    assert figures["total_foreigners"] == 1
    assert [row["nationality"] for row in figures["by_nationality"]] == ["KOR"]


def _populate(n):
    today = timezone.localdate()
    reporter = UserFactory()  # one account: each new one costs a password hash
    for i in range(n):
        foreigner = ForeignerFactory(residence_region_id="73.72.03.1001")
        StayPermitFactory(foreigner=foreigner, valid_until=today + dt.timedelta(days=10 + i))
        SightingFactory(
            foreigner=foreigner, reporter=reporter, latitude="-4.01", longitude="119.62"
        )
        FlagFactory(foreigner=foreigner, routed_to=["imigrasi"], subject_id=foreigner.pk)


@pytest.mark.parametrize(
    ("url_name", "params"),
    [
        ("home", {}),
        ("foreigner-list", {}),
        ("foreigner-list", {"q": "family"}),
        ("foreigner-list", {"permit_status": "valid", "nationality": "CHN"}),
        ("sighting-queue", {}),
        ("flag-list", {}),
        ("flag-list", {"state": "all", "severity": "10"}),
        ("dashboard", {}),
    ],
)
def test_list_pages_cost_the_same_queries_for_3_and_30_rows(
    client, kanim_supervisor, django_assert_max_num_queries, url_name, params
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(kanim_supervisor)
    _populate(3)
    client.get(reverse(url_name), params)  # warm up (session, sites)
    # Both measured requests compute the user's access afresh (the rows added between them
    # create officers, which empties what this connection remembered).
    access_changed()
    with CaptureQueriesContext(connection) as small:
        response = client.get(reverse(url_name), params)
        assert response.status_code == 200
    _populate(27)
    access_changed()
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse(url_name), params)
        assert response.status_code == 200
    if url_name == "foreigner-list":
        assert len(response.context["page"].rows) > 3  # the rows really were rendered


def test_detail_pages_cost_the_same_queries_for_3_and_30_related_rows(
    client, kanim_supervisor, django_assert_max_num_queries, regions
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    foreigner = ForeignerFactory()
    sighting = SightingFactory(foreigner=foreigner)
    client.force_login(kanim_supervisor)

    def add(n):
        for _ in range(n):
            StayPermitFactory(foreigner=foreigner)
            SightingFactory(foreigner=foreigner, reporter=kanim_supervisor)
            SightingComment.objects.create(sighting=sighting, author=kanim_supervisor, body="x")

    add(3)
    urls = [
        reverse("foreigner-detail", args=[foreigner.pk]),
        reverse("sighting-detail", args=[sighting.pk]),
    ]
    counts = []
    for url in urls:
        client.get(url)
        access_changed()  # as after add() below: the access is computed afresh in both
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        counts.append(len(ctx.captured_queries))
    add(27)
    for url, count in zip(urls, counts, strict=True):
        access_changed()
        with django_assert_max_num_queries(count):
            assert client.get(url).status_code == 200


def test_no_activity_is_preselected_and_a_missing_one_is_asked_for(client, camat_soreang):
    client.force_login(camat_soreang)
    form = client.get(reverse("sighting-create")).content.decode()
    select = re.search(r'<select name="activity".*?</select>', form, re.S).group(0)
    assert "selected" not in select.split("</option>", 1)[1]  # only the empty prompt may be
    response = client.post(reverse("sighting-create"), sighting_form(activity=""))
    assert response.status_code == 200
    assert response.context["form"].errors["activity"]
    assert not Sighting.objects.exists()
