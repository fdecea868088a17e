"""The portal in daily use (issue 10's proof), in a real browser: the camat's week on a phone,
the supervisor's drill-down from a dashboard figure to a record and back, and an alert worked
from the bell to resolved. Each keeps a screenshot of its last screen in test-artifacts/."""

import datetime as dt
import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone

from agencies.models import Notification
from reports.models import Flag, RuleSettings, Sighting
from reports.rules import rules_run
from reports.services.alerts import flags_alert
from tests.factories import ForeignerFactory, StayPermitFactory

from .conftest import screenshot
from .test_journeys import small_jpeg

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PHONE = {"width": 360, "height": 740}


def _photo(name: str) -> dict:
    return {"name": name, "mimeType": "image/jpeg", "buffer": small_jpeg()}


def _fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _report(page, *, place: str, activity: str, description: str, photos=()) -> None:
    """Fill the sighting form (an empty description leaves it with an error)."""
    page.goto("/laporan/baru/")
    page.select_option("#id_region", "73.72.03.1001")
    page.fill("#id_place", place)
    page.select_option("#id_activity", activity)
    page.select_option("#id_apparent_nationality", "CHN")
    if description:
        page.fill("#id_description", description)
    if photos:
        page.set_input_files("#id_photos", [_photo(name) for name in photos])


def _send_and_read_reference(page) -> str:
    page.get_by_role("button", name="Kirim laporan").click()
    page.wait_for_url(re.compile(r"/laporan/\d+/terkirim/$"))
    reference = page.inner_text("#reference").strip()
    assert re.fullmatch(r"LAP-\S+", reference)
    return reference


def _my_reports_rows(page):
    return page.locator("#sighting-table tbody tr")


def test_the_camats_week_three_reports_found_again_and_the_review_notified(
    open_as, camat_soreang, kanim_officer, private_media
):
    page = open_as(camat_soreang, viewport=PHONE)

    # Monday: a report sent without its description while two photos are attached.
    _report(
        page,
        place="Pasar Lakessi",
        activity="work",
        description="",
        photos=["pasar-1.jpg", "pasar-2.jpg"],
    )
    page.get_by_role("button", name="Kirim laporan").click()
    page.get_by_text("2 foto dari percobaan sebelumnya disimpan").wait_for()
    assert not Sighting.objects.exists()
    kept = page.locator("input[name=held_photo]")
    assert kept.count() == 2 and all(kept.nth(i).is_checked() for i in range(2))
    assert page.get_by_text("pasar-1.jpg").is_visible()
    assert page.get_by_text("pasar-2.jpg").is_visible()
    assert _fits_the_phone(page)
    page.fill("#id_description", "Dua orang asing berjualan di pasar.")
    first = _send_and_read_reference(page)
    assert Sighting.objects.get(reference=first).photos.count() == 2

    # Wednesday and Friday: two more, without photos.
    _report(
        page,
        place="Pelabuhan Nusantara",
        activity="tourism",
        description="Seorang pria asing memotret kapal.",
    )
    second = _send_and_read_reference(page)
    _report(
        page,
        place="Jl. Bau Massepe",
        activity="work",
        description="Tiga orang asing bekerja di bengkel.",
    )
    third = _send_and_read_reference(page)
    assert len({first, second, third}) == 3

    # "My reports" lists all three, waiting for review, and the reference search finds one.
    page.goto("/laporan/saya/")
    assert page.get_by_role("heading", name="Laporan saya").is_visible()
    rows = _my_reports_rows(page)
    assert rows.count() == 3
    table = page.inner_text("#sighting-table")
    assert all(reference in table for reference in (first, second, third))
    assert table.count("Menunggu peninjauan") == 3
    assert _fits_the_phone(page)
    page.fill("#id_q", second)
    page.get_by_role("button", name="Saring").click()
    page.wait_for_url(re.compile(r"[?&]q="))
    assert parse_qs(urlparse(page.url).query)["q"] == [second]
    assert page.input_value("#id_q") == second
    assert rows.count() == 1 and second in rows.first.inner_text()

    # A Kanim officer verifies the second report from the review queue.
    reviewer = open_as(kanim_officer)
    reviewer.goto("/laporan/tinjau/")
    reviewer.get_by_role("link", name=second).click()
    sighting = Sighting.objects.get(reference=second)
    reviewer.wait_for_url(f"**/laporan/{sighting.pk}/")
    reviewer.check(f"input[name=decision][value={Sighting.ReviewStatus.VERIFIED}]")
    reviewer.fill("#id_note", "Dicek di pelabuhan, sesuai.")
    reviewer.get_by_role("button", name="Simpan keputusan").click()
    reviewer.get_by_text("Keputusan peninjauan telah disimpan.").wait_for()
    sighting.refresh_from_db()
    assert sighting.review_status == Sighting.ReviewStatus.VERIFIED
    assert sighting.reviewed_by == kanim_officer

    # The camat's bell counts it; the notification opens the report, now verified.
    page.goto("/laporan/saya/")
    assert page.inner_text("#bell .bell-count") == "1"
    page.locator("#bell").click()
    page.wait_for_url("**/pemberitahuan/")
    notification = Notification.objects.get(recipient=camat_soreang, kind="sighting.reviewed")
    item = page.locator(f"#notification-{notification.pk}")
    assert "unread" in item.get_attribute("class").split()
    assert second in item.inner_text()
    item.get_by_role("button", name="Laporan Anda telah diverifikasi").click()
    page.wait_for_url(f"**/laporan/{sighting.pk}/")
    assert page.get_by_role("heading", name=second).is_visible()
    assert "Terverifikasi" in page.inner_text("main")
    assert "Dicek di pelabuhan, sesuai." in page.inner_text("main")
    reviewer_name = kanim_officer.get_full_name() or kanim_officer.username
    assert f"ditinjau oleh: — → {reviewer_name}" in page.inner_text("body")  # the history
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert page.locator("#bell .bell-count").count() == 0
    assert _fits_the_phone(page)
    screenshot(page, "journey-camat-week")


def test_the_supervisors_drill_down_keeps_its_filters_after_a_record(open_as, kanim_supervisor):
    today = timezone.localdate()
    soreang = []
    for family in ["Visser", "Tanaka", "Okafor"]:
        person = ForeignerFactory(
            family_name=family, given_names="Sam", residence_region_id="73.72.03.1001"
        )
        StayPermitFactory(foreigner=person, valid_until=today + dt.timedelta(days=12))
        soreang.append(person)
    elsewhere = ForeignerFactory(
        family_name="Lindqvist", given_names="Sam", residence_region_id="73.72.02.1001"
    )
    StayPermitFactory(foreigner=elsewhere, valid_until=today + dt.timedelta(days=12))
    later = ForeignerFactory(
        family_name="Moreau", given_names="Sam", residence_region_id="73.72.03.1001"
    )
    StayPermitFactory(foreigner=later, valid_until=today + dt.timedelta(days=90))

    page = open_as(kanim_supervisor)
    page.goto("/dasbor/")
    assert page.inner_text("#stat-expiring") == "4"
    page.select_option("#id_kecamatan", "73.72.03")
    page.get_by_role("button", name="Tampilkan").click()
    page.wait_for_url(re.compile(r"/dasbor/\?.*kecamatan=73\.72\.03"))
    assert page.inner_text("#stat-expiring") == "3"

    page.locator("a.stat", has=page.locator("#stat-expiring")).click()
    page.wait_for_url(re.compile(r"/orang-asing/\?"))
    list_url = page.url
    query = parse_qs(urlparse(list_url).query)
    assert query["kecamatan"] == ["73.72.03"]
    assert query["expiring_within"] == ["30"]
    assert query["as_of"] == [today.isoformat()]

    def the_list_shows_its_filters():
        assert page.input_value("#id_kecamatan") == "73.72.03"
        assert page.input_value("#id_expiring_within") == "30"
        assert page.input_value("#id_as_of") == today.isoformat()
        names = page.locator("main table tbody tr").all_inner_texts()
        assert len(names) == 3
        assert sorted(n.split("\t")[0].strip() for n in names) == sorted(
            p.full_name for p in soreang
        )

    the_list_shows_its_filters()
    assert elsewhere.full_name not in page.inner_text("main")
    assert later.full_name not in page.inner_text("main")

    page.get_by_role("link", name=soreang[1].full_name).click()
    page.wait_for_url(f"**/orang-asing/{soreang[1].pk}/")
    assert page.get_by_role("heading", name=soreang[1].full_name).is_visible()

    page.go_back()
    page.wait_for_url(list_url)
    assert page.url == list_url
    the_list_shows_its_filters()
    screenshot(page, "journey-drilldown")


def test_an_alert_is_worked_from_the_bell_to_resolved(open_as, polres_officer):
    settings = RuleSettings.load()
    settings.notify_officers = True  # the Polres officer is alerted, not only supervisors
    settings.save()
    today = timezone.localdate()
    person = ForeignerFactory(
        family_name="Wang", given_names="Lei", residence_region_id="73.72.03.1001"
    )
    StayPermitFactory(
        foreigner=person,
        issued_on=today - dt.timedelta(days=100),
        valid_from=today - dt.timedelta(days=100),
        valid_until=today - dt.timedelta(days=3),
    )
    rules_run(today=today, codes=["permit.overstay"])
    flag = Flag.objects.get(rule="permit.overstay", foreigner=person)
    assert "polres" in flag.routed_to
    assert flags_alert() == 1
    notification = Notification.objects.get(recipient=polres_officer, kind="flag.new")
    assert notification.url.endswith(f"/peringatan/{flag.pk}/")

    page = open_as(polres_officer)
    assert page.inner_text("#bell .bell-count") == "1"
    page.locator("#bell").click()
    page.wait_for_url("**/pemberitahuan/")
    item = page.locator(f"#notification-{notification.pk}")
    item.locator("button.notification-title").click()
    page.wait_for_url(f"**/peringatan/{flag.pk}/")
    assert page.locator("#bell .bell-count").count() == 0
    assert page.get_by_role("link", name="Lei Wang").is_visible()
    assert page.locator(".heading .badge").inner_text() == "Terbuka"

    page.get_by_role("button", name="Terima").click()
    page.get_by_text("Peringatan telah diterima.").wait_for()
    flag.refresh_from_db()
    assert flag.state == Flag.State.ACKNOWLEDGED
    assert page.locator(".heading .badge").inner_text() == "Diterima"
    assert page.get_by_role("button", name="Terima").count() == 0

    page.get_by_role("button", name="Selesaikan").click()  # without a note: the browser refuses
    assert page.locator("#id_note:invalid").count() == 1
    assert page.url.endswith(f"/peringatan/{flag.pk}/")
    flag.refresh_from_db()
    assert flag.state == Flag.State.ACKNOWLEDGED
    page.fill("#id_note", "Didatangi bersama Kanim; pemohon sedang mengurus perpanjangan.")
    page.get_by_role("button", name="Selesaikan").click()
    page.get_by_text("Peringatan telah diselesaikan.").wait_for()
    flag.refresh_from_db()
    assert flag.state == Flag.State.RESOLVED and flag.closed_by == polres_officer
    assert flag.close_reason.startswith("Didatangi bersama Kanim")
    main = page.inner_text("main")
    assert "Didatangi bersama Kanim" in main
    assert page.locator(".heading .badge").inner_text() == flag.get_state_display()
    assert page.get_by_role("button", name="Selesaikan").count() == 0
    # The history names who closed it, not their user id.
    closer = polres_officer.get_full_name() or polres_officer.username
    assert f"ditutup oleh: — → {closer}" in main

    # The open-alerts list no longer shows it; the resolved filter does.
    page.goto("/peringatan/")
    assert "Lei Wang" not in page.inner_text("main")
    page.goto("/peringatan/?state=resolved")
    assert "Lei Wang" in page.inner_text("main")
    page.goto(f"/peringatan/{flag.pk}/")
    screenshot(page, "journey-alert-resolved")
