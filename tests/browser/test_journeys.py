"""The five journeys of the portal issue, in a real browser, as the people who make them.

Each asserts what the person sees and keeps a screenshot of its last screen in test-artifacts/.
The interface is in Bahasa Indonesia unless the journey switches language.
"""

import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from PIL import Image

from agencies.models import Region
from reports.models import Flag, Sighting
from reports.services import sighting_submit
from tests.clock import earlier_today
from tests.factories import (
    ForeignerFactory,
    ResidenceFactory,
    SightingFactory,
    StayPermitFactory,
    TravelDocumentFactory,
)

from .conftest import screenshot, sign_in

# Transactional: the live server is another thread and reads only committed rows.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PHONE = {"width": 360, "height": 740}


def small_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (30, 120, 200)).save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.fixture
def overstayer(regions):
    """A registered foreigner living in Soreang whose ITAS ended 20 days ago."""
    today = timezone.localdate()
    person = ForeignerFactory(family_name="Wang", given_names="Lei", nationality="CHN")
    TravelDocumentFactory(foreigner=person, number="EH7654321")
    ResidenceFactory(foreigner=person, region_id="73.72.03.1001")
    StayPermitFactory(
        foreigner=person,
        number="2C11XY0042",
        issued_on=today - dt.timedelta(days=200),
        valid_from=today - dt.timedelta(days=200),
        valid_until=today - dt.timedelta(days=20),
    )
    return person


def test_camat_reports_an_unidentified_foreigner_from_a_phone(
    open_as, camat_soreang, private_media
):
    page = open_as(
        camat_soreang,
        viewport=PHONE,
        geolocation={"latitude": -4.01355, "longitude": 119.62841},  # Pasar Lakessi
        permissions=["geolocation"],
    )
    page.get_by_role("link", name="Laporkan temuan").first.click()
    page.wait_for_url("**/laporan/baru/")
    assert page.get_by_role("heading", name="Laporkan temuan").is_visible()
    # Usable at 360 px: nothing wider than the screen, the send button reachable.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.select_option("#id_region", "73.72.03.1001")
    page.fill("#id_place", "Pasar Lakessi, los ikan")
    page.get_by_role("button", name="Gunakan posisi saya saat ini").click()
    page.get_by_text("Posisi telah diisi.").wait_for()
    assert page.input_value("#id_latitude") == "-4.01355"
    assert page.input_value("#id_longitude") == "119.62841"
    page.select_option("#id_activity", "work")
    page.fill("#id_description", "Dua orang asing terlihat berjualan di pasar.")
    assert page.is_checked("input[name=person][value=unknown]")
    page.select_option("#id_apparent_nationality", "CHN")
    page.select_option("#id_apparent_sex", "M")
    page.fill("#id_person_count", "2")
    page.set_input_files(
        "#id_photos", {"name": "pasar.jpg", "mimeType": "image/jpeg", "buffer": small_jpeg()}
    )
    send = page.get_by_role("button", name="Kirim laporan")
    send.scroll_into_view_if_needed()
    box = send.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    screenshot(page, "journey-1-camat-form")
    send.click()

    page.wait_for_url(re.compile(r"/laporan/\d+/terkirim/$"))
    assert page.get_by_role(
        "heading", name="Terima kasih, laporan Anda telah terkirim"
    ).is_visible()
    reference = page.inner_text("#reference").strip()
    assert re.fullmatch(r"LAP-\S+", reference)
    sighting = Sighting.objects.get(reference=reference)
    assert sighting.region_id == "73.72.03.1001" and sighting.foreigner_id is None
    assert sighting.person_count == 2 and sighting.photos.count() == 1
    assert (float(sighting.latitude), float(sighting.longitude)) == (-4.01355, 119.62841)
    screenshot(page, "journey-1-camat-reference")


def test_kanim_links_a_sighting_and_polres_sees_the_after_expiry_alert(
    open_as, camat_soreang, kanim_officer, polres_officer, overstayer, private_media
):
    sighting = sighting_submit(
        reporter=camat_soreang,
        region=Region.objects.get(pk="73.72.03.1001"),
        place="Pelabuhan Nusantara",
        observed_at=earlier_today(),
        activity="tourism",
        description="Seorang pria asing berjalan-jalan di pelabuhan.",
        apparent_nationality="CHN",
    )
    page = open_as(kanim_officer)
    page.get_by_role("link", name="Tinjau laporan").first.click()
    page.get_by_role("link", name=sighting.reference).click()
    page.wait_for_url(f"**/laporan/{sighting.pk}/")
    page.fill("#person-search", "Wang")
    page.get_by_role("button", name=re.compile(r"Lei Wang \(CHN")).click()
    assert page.input_value("#id_foreigner") == str(overstayer.pk)
    page.get_by_role("button", name="Tautkan dan periksa ulang").click()
    page.wait_for_url(f"**/laporan/{sighting.pk}/")
    assert page.get_by_text("Laporan telah ditautkan ke orang tersebut").is_visible()
    assert page.get_by_role("link", name="Lei Wang").is_visible()

    inbox = open_as(polres_officer)
    inbox.get_by_role("link", name="Peringatan").first.click()
    inbox.wait_for_url("**/peringatan/")
    row = inbox.locator("tbody tr", has_text="Terlihat setelah izin tinggal berakhir")
    assert row.count() == 1
    assert "Lei Wang" in row.inner_text() and sighting.reference in row.inner_text()
    row.get_by_role("link", name="Terlihat setelah izin tinggal berakhir").click()
    # The reason names the permit that ended and how long before the sighting.
    reason = inbox.locator("main").inner_text()
    assert "2C11XY0042" in reason and "20 hari" in reason
    flag = Flag.objects.get(rule="sighting.after_expiry", sighting=sighting)
    assert inbox.url.endswith(f"/peringatan/{flag.pk}/") and "polres" in flag.routed_to
    screenshot(inbox, "journey-2-polres-alert")


def test_each_agency_sees_what_the_policy_allows_of_the_same_foreigner(
    browser, live_server, polres_officer, kemenag_officer, camat_ujung, overstayer
):
    url = f"/orang-asing/{overstayer.pk}/"
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)

    page = context.new_page()
    sign_in(page, polres_officer)
    page.goto(url)
    assert page.get_by_role("heading", name="Lei Wang").is_visible()
    assert "2C11XY0042" in page.inner_text("#izin")
    assert "EH7654321" in page.inner_text("#dokumen")

    context.clear_cookies()
    sign_in(page, kemenag_officer)
    page.goto(url)
    assert page.get_by_role("heading", name="Lei Wang").is_visible()
    assert "Dibatasi" in page.inner_text("#dokumen") and "Dibatasi" in page.inner_text("#izin")
    assert "EH7654321" not in page.content() and "2C11XY0042" not in page.content()
    assert page.locator("#izin").get_by_role("link", name="Minta akses").is_visible()

    context.clear_cookies()
    sign_in(page, camat_ujung)
    response = page.goto(url)
    assert response.status == 404
    assert page.get_by_role("heading", name="Tidak ditemukan").is_visible()
    assert "Wang" not in page.content()
    screenshot(page, "journey-3-camat-not-found")
    context.close()


def test_supervisor_dashboard_shows_counts_and_map_markers(open_as, kanim_supervisor, regions):
    today = timezone.localdate()
    for region in ["73.72.03.1001", "73.72.03.1001", "73.72.02.1001"]:
        person = ForeignerFactory(residence_region_id=region)
        StayPermitFactory(foreigner=person, valid_until=today + dt.timedelta(days=12))
    SightingFactory(region_id="73.72.01.1004", latitude="-4.02000", longitude="119.63000")

    requests = []
    page = open_as(kanim_supervisor)
    page.on("request", lambda request: requests.append(request.url))
    page.get_by_role("link", name="Dasbor").first.click()
    page.wait_for_selector("#map[data-markers]")
    assert page.get_by_role("heading", name="Dasbor pengawasan").is_visible()
    assert page.inner_text("#stat-foreigners") == "3"
    assert page.inner_text("#stat-expiring") == "3"
    markers = int(page.get_attribute("#map", "data-markers"))
    assert markers >= 2  # Soreang and Ujung residents, Bacukiki sighting
    assert page.locator("#map .kec-marker").count() == markers
    assert page.locator("#map .sighting-point").count() == 1
    assert page.locator("#map .kec-marker").first.is_visible()
    # The offline base map: the approximate outlines (tests/browser/test_map.py has more).
    assert page.locator("#map path.outline").count() > 0
    # Nothing is loaded from another host (no CDN, no tile server configured).
    assert requests and all(url.startswith(page.url.split("/dasbor/")[0]) for url in requests)
    screenshot(page, "journey-4-dashboard-map")


def test_switching_to_english_persists_across_pages_and_sign_in(open_as, polres_officer):
    page = open_as(polres_officer)
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.get_by_role("button", name="Keluar").is_visible()

    with page.expect_navigation():
        page.select_option("#language-select", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("button", name="Sign out").is_visible()

    page.get_by_role("link", name="Alerts").first.click()
    assert page.get_by_role("heading", name="Alerts for my agency").is_visible()

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/masuk/")
    assert page.get_by_role("heading", name="Sign in to Timpora").is_visible()
    sign_in(page, polres_officer)
    assert page.get_by_role("link", name="Dashboard").is_visible()
    (cookie,) = [c for c in page.context.cookies() if c["name"] == "django_language"]
    assert (
        cookie["value"] == "en" and cookie["expires"] > dt.datetime.now().timestamp() + 300 * 86400
    )
    screenshot(page, "journey-5-english-after-sign-in")
