"""The notification centre: the bell's unread count on every page, the paged list of one's own
notifications, opening one (read, then to its record) and marking all read."""

import re

import pytest
from django.urls import reverse

from agencies.models import Notification
from agencies.services import access_request_create, access_request_decide, notification_send
from reports.services import sighting_review
from tests.factories import ForeignerFactory, SightingFactory, UserFactory

pytestmark = pytest.mark.django_db


def send(user, n=1, kind="share.granted", url="/orang-asing/1/"):
    for i in range(n):
        notification_send(recipients=[user], kind=kind, title=f"Note {i}", body="", url=url)


def bell_count(response) -> str:
    match = re.search(r'class="bell-count"[^>]*>([^<]*)<', response.content.decode())
    return match.group(1) if match else ""


def test_bell_shows_the_unread_count_on_every_page(client, polres_officer):
    send(polres_officer, 3)
    send(UserFactory(), 5)  # someone else's
    client.force_login(polres_officer)
    for url in (reverse("home"), reverse("flag-list"), reverse("notification-list")):
        assert bell_count(client.get(url)) == "3", url
    Notification.objects.filter(recipient=polres_officer).update(read_at="2026-01-01T00:00Z")
    assert bell_count(client.get(reverse("home"))) == ""


def test_list_shows_only_my_notifications_newest_first(client, polres_officer):
    send(polres_officer, 2)
    other = UserFactory()
    notification_send(recipients=[other], kind="share.granted", title="Not yours", url="/")
    client.force_login(polres_officer)
    body = client.get(reverse("notification-list")).content.decode()
    assert "Not yours" not in body
    assert body.index("Note 1") < body.index("Note 0")
    assert "Catatan dibagikan kepada Anda" in body  # the kind's label, in Indonesian


def test_opening_marks_read_and_goes_to_the_record(client, polres_officer):
    send(polres_officer, url="/orang-asing/42/")
    notification = Notification.objects.get()
    client.force_login(polres_officer)
    response = client.post(reverse("notification-open", args=[notification.pk]))
    assert response.status_code == 302 and response["Location"] == "/orang-asing/42/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_opening_someone_elses_notification_is_not_found_and_changes_nothing(
    client, polres_officer
):
    send(UserFactory())
    notification = Notification.objects.get()
    client.force_login(polres_officer)
    assert client.post(reverse("notification-open", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_an_outside_link_is_never_followed(client, polres_officer):
    send(polres_officer, url="https://evil.example/")
    client.force_login(polres_officer)
    response = client.post(reverse("notification-open", args=[Notification.objects.get().pk]))
    assert response["Location"] == reverse("notification-list")


def test_mark_all_read_touches_only_mine(client, polres_officer):
    send(polres_officer, 4)
    other = UserFactory()
    send(other, 2)
    client.force_login(polres_officer)
    response = client.post(reverse("notification-read-all"), follow=True)
    assert "4 pemberitahuan ditandai telah dibaca" in response.content.decode()
    assert not Notification.objects.filter(recipient=polres_officer, read_at__isnull=True)
    assert Notification.objects.filter(recipient=other, read_at__isnull=True).count() == 2


def test_list_pages_without_limit_and_keeps_the_filter(client, polres_officer):
    send(polres_officer, 120, kind="access_request.decided")
    send(polres_officer, 3, kind="share.granted")
    client.force_login(polres_officer)
    url = reverse("notification-list") + "?kind=access_request.decided"
    first = client.get(url)
    body = first.content.decode()
    assert first.context["page"].total == 120 and len(first.context["page"].rows) == 50
    assert "1–50 dari 120" in body
    assert 'href="?kind=access_request.decided&amp;page=2"' in body
    last = client.get(url + "&page=3")
    assert len(last.context["page"].rows) == 20 and not last.context["page"].has_next
    assert "101–120 dari 120" in last.content.decode()
    unread = client.get(reverse("notification-list") + "?unread=1")
    assert unread.context["page"].total == 123


def test_english_reader_sees_english_labels(client, polres_officer):
    send(polres_officer, kind="access_request.decided")
    client.force_login(polres_officer)
    client.cookies["django_language"] = "en"
    body = client.get(reverse("notification-list")).content.decode()
    assert "Access request decided" in body and "1–1 of 1" in body


def test_the_total_of_ones_own_notifications_is_counted_before_the_last_page(
    client, polres_officer
):
    """Notifications are the reader's own rows (by an indexed key): counted exactly, never
    estimated; an alert list before its last page says no total (tests/reports/test_lists)."""
    send(polres_officer, 51)
    client.force_login(polres_officer)
    response = client.get(reverse("notification-list"))
    assert response.context["page"].total == 51 and response.context["page"].has_next
    assert "1–50 dari 51" in response.content.decode()


def test_the_reporter_is_notified_of_the_review_in_their_language(
    client, camat_soreang, kanim_officer
):
    sighting = SightingFactory(
        reporter=camat_soreang, reporting_agency=camat_soreang.officer.agency
    )
    sighting_review(
        sighting_id=sighting.pk, reviewer=kanim_officer, decision="dismissed", note="Salah orang"
    )
    (notification,) = Notification.objects.filter(recipient=camat_soreang)
    assert notification.kind == "sighting.reviewed"
    assert notification.url == reverse("sighting-detail", args=[sighting.pk])
    client.force_login(camat_soreang)
    body = client.get(reverse("notification-list")).content.decode()
    assert "Laporan Anda ditolak" in body and sighting.reference in body
    client.cookies["django_language"] = "en"
    assert "Your report was dismissed" in client.get(reverse("notification-list")).content.decode()


def test_an_access_decision_reaches_the_requester_in_the_centre(
    client, kanim_supervisor, polres_officer
):
    person = ForeignerFactory()
    request = access_request_create(
        requester=polres_officer,
        subject_type="foreigner",
        subject_id=person.pk,
        purpose="Pemeriksaan lapangan",
    )
    access_request_decide(request=request, decided_by=kanim_supervisor, approve=False, note="")
    client.force_login(polres_officer)
    response = client.get(reverse("notification-list"))
    assert bell_count(response) == "1"
    assert "Permintaan akses diputuskan" in response.content.decode()
    assert "Permintaan akses Anda ditolak" in response.content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(reverse("notification-list")).content.decode()
    assert "Your access request was declined" in english


def test_bell_counts_up_to_99_then_shows_99_plus(client, polres_officer):
    send(polres_officer, 99)
    client.force_login(polres_officer)
    assert bell_count(client.get(reverse("home"))) == "99"
    send(polres_officer, 2)
    response = client.get(reverse("home"))
    assert bell_count(response) == "99+"
    assert "Lebih dari 99 pemberitahuan belum dibaca" in response.content.decode()
