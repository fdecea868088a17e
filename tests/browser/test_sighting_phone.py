"""The camat's sighting form on a 360 px phone (issue 10): photos survive a form error, are
checked before they are sent, go up by a request that reports progress, and the position can be
picked on the map; without JavaScript the form still posts and keeps its photos."""

import re

import pytest
from django.conf import settings
from django.utils import timezone

from agencies.models import Region
from reports.coordination.services import operation_create
from reports.models import Sighting

from .conftest import screenshot
from .test_journeys import small_jpeg

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PHONE = {"width": 360, "height": 740}


def _photo(name: str) -> dict:
    return {"name": name, "mimeType": "image/jpeg", "buffer": small_jpeg()}


def _fill_all_but_the_description(page):
    page.goto("/laporan/baru/")
    page.select_option("#id_region", "73.72.03.1001")
    page.fill("#id_place", "Pasar Lakessi")
    page.select_option("#id_activity", "work")
    page.select_option("#id_apparent_nationality", "CHN")


def _send(page):
    page.get_by_role("button", name="Kirim laporan").click()


@pytest.mark.parametrize("javascript", [True, False], ids=["script", "no-script"])
def test_photos_are_kept_after_a_form_error_and_sent_with_the_corrected_report(
    open_as, camat_soreang, private_media, javascript
):
    page = open_as(camat_soreang, viewport=PHONE, java_script_enabled=javascript)
    _fill_all_but_the_description(page)
    page.set_input_files("#id_photos", [_photo("pasar-1.jpg"), _photo("pasar-2.jpg")])
    if javascript:
        # Hold the upload at the server's door to see the progress bar while it is under way.
        waiting = []
        page.route(
            "**/laporan/baru/",
            lambda route: (
                waiting.append(route) if route.request.method == "POST" else route.continue_()
            ),
        )
        _send(page)
        page.locator("#upload-progress").wait_for()
        assert page.get_by_text("Mengirim…").is_visible()
        assert page.get_by_role("button", name="Kirim laporan").is_disabled()
        for _ in range(100):  # the held request reaches the route handler on Playwright's turn
            if waiting:
                break
            page.wait_for_timeout(50)
        assert waiting[0].request.resource_type == "xhr"
        waiting[0].continue_()
        page.unroute("**/laporan/baru/")
    else:
        _send(page)
    page.get_by_text("2 foto dari percobaan sebelumnya disimpan").wait_for()
    assert not Sighting.objects.exists()
    kept = page.locator("input[name=held_photo]")
    assert kept.count() == 2 and all(kept.nth(i).is_checked() for i in range(2))
    assert page.get_by_text("pasar-1.jpg").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, f"sighting-photos-kept-{'script' if javascript else 'no-script'}")

    page.fill("#id_description", "Dua orang asing berjualan di pasar.")
    _send(page)
    page.wait_for_url(re.compile(r"/laporan/\d+/terkirim/$"))
    assert Sighting.objects.get().photos.count() == 2


def test_photos_are_checked_before_they_are_sent(open_as, camat_soreang):
    page = open_as(camat_soreang, viewport=PHONE)
    _fill_all_but_the_description(page)
    page.fill("#id_description", "Terlihat bekerja.")
    page.set_input_files(
        "#id_photos", {"name": "catatan.txt", "mimeType": "text/plain", "buffer": b"bukan foto"}
    )
    assert page.get_by_text("catatan.txt bukan foto JPEG, PNG atau WebP.").is_visible()
    _send(page)
    page.set_input_files("#id_photos", [_photo(f"{i}.jpg") for i in range(6)])
    assert page.get_by_text("Paling banyak 5 foto (termasuk yang disimpan).").is_visible()
    _send(page)
    assert page.url.endswith("/laporan/baru/")
    assert not Sighting.objects.exists()


def test_the_position_can_be_picked_on_the_map_or_typed(open_as, camat_soreang):
    page = open_as(camat_soreang, viewport=PHONE)
    page.goto("/laporan/baru/")
    page.get_by_role("button", name="Pilih di peta").click()
    map_ = page.locator("#pick-map")
    map_.locator(".leaflet-tile-pane, .leaflet-map-pane").first.wait_for(state="attached")
    # Keyboard: focus the map and press Enter to take its centre (the configured centre).
    map_.focus()
    page.keyboard.press("Enter")
    page.get_by_text("Posisi diambil dari peta.").wait_for()
    lat, lon = settings.MAP_CENTER
    assert abs(float(page.input_value("#id_latitude")) - lat) < 0.001
    assert abs(float(page.input_value("#id_longitude")) - lon) < 0.001
    # A tap away from the centre gives another point.
    box = map_.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.3)
    assert page.input_value("#id_latitude") != f"{lat:.5f}"
    assert page.locator("#pick-map .leaflet-marker-icon").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # Typing stays possible: the fields are ordinary inputs.
    page.fill("#id_latitude", "-4.01000")
    assert page.input_value("#id_latitude") == "-4.01000"
    screenshot(page, "sighting-map-pick")


def test_an_operation_finding_form_shares_the_script_and_still_posts(
    open_as, kanim_supervisor, camat_soreang
):
    operation = operation_create(
        user=kanim_supervisor,
        title="Operasi gabungan Soreang",
        operation_date=timezone.localdate(),
        region=Region.objects.get(pk="73.72.03"),
        order_number="SP-07/2026",
        participants=[],
        flag_ids=[],
        addresses=["Jl. Bau Massepe 12"],
    )
    page = open_as(camat_soreang, viewport=PHONE)
    page.goto(f"/koordinasi/operasi/{operation.pk}/temuan/")
    page.set_input_files("#id_photos", _photo("temuan.jpg"))
    page.get_by_role("button", name="Simpan temuan").click()
    page.wait_for_load_state()
    assert page.locator(".has-error").count() >= 1  # the plain post came back with its errors
