"""Issue 12's journey in a real browser: a Kanim supervisor plans a meeting and records a
decision with a follow-up task for Polres; a Polres officer confirms receipt from the task
inbox on a phone."""

import datetime as dt

import pytest
from django.utils import timezone

from agencies.models import Agency, Notification, Officer
from reports.coordination.models import AgencyTask, Meeting
from tests.factories import AgencyFactory, OfficerFactory

from .conftest import screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PHONE = {"width": 360, "height": 740}


def test_supervisor_meeting_decision_task_acknowledged_by_polres(open_as, regions):
    kanim = AgencyFactory(
        kind=Agency.Kind.IMIGRASI, name="Kantor Imigrasi Parepare", short_name="Kanim Parepare",
        jurisdiction=["73.72", "73.15"],
    )  # fmt: skip
    polres = AgencyFactory(kind=Agency.Kind.POLRES, name="Polres Parepare", short_name="Polres")
    supervisor = OfficerFactory(agency=kanim, role=Officer.Role.SUPERVISOR).user
    polres_officer = OfficerFactory(agency=polres).user
    due = timezone.localdate() + dt.timedelta(days=10)

    page = open_as(supervisor)
    page.get_by_role("link", name="Rapat", exact=True).click()
    page.get_by_role("link", name="Rencanakan rapat").click()
    page.select_option("#id_level", "kota")
    page.select_option("#id_region", "73.72")
    page.fill("#id_held_at", timezone.localtime().strftime("%Y-%m-%dT09:00"))
    page.fill("#id_venue", "Aula Kantor Imigrasi Parepare")
    page.fill("#id_chair", "Kepala Kantor Imigrasi")
    page.fill("#id_agenda", "Evaluasi pengawasan orang asing triwulan IV")
    page.check(f"input[name=invited][value='{polres.pk}']")
    page.get_by_role("button", name="Simpan").click()
    page.get_by_text("Rapat telah direncanakan.").wait_for()
    meeting = Meeting.objects.get()
    assert list(meeting.invited.all()) == [polres]

    page.fill("#id_text", "Polres memeriksa keberadaan WNA di Pasar Lakessi")
    page.select_option("#id_task_assignee", str(polres.pk))
    page.fill("#id_task_title", "Periksa WNA di Pasar Lakessi")
    page.fill("#id_task_due_on", due.isoformat())
    page.get_by_role("button", name="Simpan keputusan").click()
    page.get_by_text("Keputusan telah dicatat.").wait_for()
    assert page.get_by_role("link", name="Periksa WNA di Pasar Lakessi").is_visible()
    task = AgencyTask.objects.get()
    assert task.assignee == polres and task.decision.meeting == meeting and task.due_on == due
    screenshot(page, "coordination-meeting-decision")

    # The Polres officer was notified and works the task from the inbox, on a phone.
    assert Notification.objects.filter(recipient=polres_officer, kind="task.assigned").exists()
    phone = open_as(polres_officer, viewport=PHONE)
    phone.get_by_role("button", name="Menu").click()  # the top menu folds away on a phone
    phone.get_by_role("link", name="Tugas", exact=True).click()
    phone.get_by_role("link", name="Periksa WNA di Pasar Lakessi").click()
    # The task's page has loaded (its button is there) before its width is read: read during
    # the navigation, the document has no root element yet.
    acknowledge = phone.get_by_role("button", name="Konfirmasi penerimaan")
    acknowledge.wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    acknowledge.click()
    phone.get_by_text("Penerimaan tugas telah dikonfirmasi.").wait_for()
    assert phone.locator("#receipt").is_visible()
    task.refresh_from_db()
    assert task.state == "acknowledged" and task.acknowledged_by == polres_officer
    assert task.acknowledged_at is not None
    screenshot(phone, "coordination-task-acknowledged")
