"""The dashboard map a person can read (issue 10): the approximate outlines as the offline base,
a legend, clustered markers reached and opened with the keyboard, popups linking to the records,
and a camat's map showing only the camat's kecamatan."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.models import Sighting
from tests.factories import ForeignerFactory, SightingFactory

from .conftest import screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PHONE = {"width": 360, "height": 740}
# Kelurahan cells and kecamatan outlines of Kota Parepare in static/geo/region-outlines.geojson.
OUTLINES = 22 + 4


@pytest.fixture
def world(regions, settings):
    settings.MAP_TILE_URL = ""  # the offline base, whatever the environment says
    for region in ["73.72.03.1001", "73.72.03.1002", "73.72.02.1001"]:
        ForeignerFactory(residence_region_id=region)
    earlier = timezone.now() - dt.timedelta(minutes=5)
    soreang = [
        SightingFactory(region_id="73.72.03.1001", latitude="-4.00550", longitude="119.62790"),
        # Two reports a few metres apart: one cluster until zoomed in.
        SightingFactory(
            region_id="73.72.03.1007",
            latitude="-3.98230",
            longitude="119.64750",
            observed_at=earlier,
        ),
        SightingFactory(
            region_id="73.72.03.1007",
            latitude="-3.98232",
            longitude="119.64752",
            observed_at=earlier,
        ),
    ]
    bacukiki = SightingFactory(
        region_id="73.72.01.1004", latitude="-4.02000", longitude="119.65140", activity="tourism"
    )
    return soreang, bacukiki


def _open_dashboard(page):
    """The dashboard with its map drawn; the URLs it requested. Fails on a refused inline
    script or style (the Content-Security-Policy allows none)."""
    requests, refused = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and refused.append(message.text),
    )
    page.goto(reverse("dashboard"))
    page.wait_for_selector("#map[data-markers][data-outlines]")
    assert not refused, refused
    return requests


def _tab_to(page, selector: str, limit: int = 40, *, from_map: bool = True):
    """Press Tab from the map until the focus is on an element matching ``selector``; the
    locator follows the focus (read what you need before the focus moves)."""
    if from_map:
        page.focus("#map")
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return page.locator(":focus")
    raise AssertionError(f"Tab never reached {selector}")


def test_supervisor_map_draws_outlines_legend_and_keyboard_markers(
    open_as, kanim_supervisor, world
):
    soreang, bacukiki = world
    page = open_as(kanim_supervisor)
    requests = _open_dashboard(page)
    # The offline base: the vendored outlines, drawn as SVG paths, and no tile layer.
    assert page.get_attribute("#map", "data-outlines") == str(OUTLINES)
    assert page.locator("#map path.outline-kelurahan").count() == 22
    assert page.locator("#map path.outline-kecamatan").count() == 4
    assert page.locator("#map .leaflet-tile").count() == 0
    assert page.locator("#map .label-kecamatan", has_text=re.compile("^Soreang$")).is_visible()
    assert page.locator("#map .leaflet-control-attribution").inner_text().count("perkiraan") == 1
    host = page.url.split("/dasbor/")[0]
    assert all(url.startswith(host) for url in requests), "loaded from another host"
    # The legend, in Indonesian, and the honest note.
    legend = page.get_by_role("list", name="Keterangan peta")
    assert legend.is_visible()
    for entry in ("Penduduk asing", "Satu laporan temuan", "Batas kecamatan (perkiraan)"):
        assert legend.get_by_text(entry).first.is_visible(), entry
    assert "perkiraan" in page.inner_text("#map-help")
    # Kecamatan markers: Soreang and Ujung residents, Soreang and Bacukiki sightings.
    assert page.get_attribute("#map", "data-markers") == "3"
    assert page.locator("#map .kec-marker").count() == 3
    assert page.get_attribute("#map", "data-points") == "4"
    # The two close reports are one cluster; the others are points of their own.
    assert page.locator("#map .sighting-cluster").count() == 1
    assert page.locator("#map .sighting-point").count() == 2
    screenshot(page, "map-dashboard-supervisor")

    # Tab reaches a sighting point, Enter opens its popup and the focus goes to its link.
    point = _tab_to(page, ".sighting-point")
    title = point.get_attribute("title")
    assert point.get_attribute("role") == "button" and "Laporan temuan LAP-" in title
    page.keyboard.press("Enter")
    popup = page.locator("#map .leaflet-popup")
    popup.wait_for()
    reference = re.search(r"LAP-\S+", title).group(0)
    sighting = Sighting.objects.get(reference=reference)
    link = popup.get_by_role("link", name="Buka laporan")
    assert link.get_attribute("href") == reverse("sighting-detail", args=[sighting.pk])
    assert page.evaluate("document.activeElement.textContent") == "Buka laporan"
    # Leaflet's own controls speak Indonesian too.
    assert popup.get_by_role("button", name="Tutup").is_visible()
    assert page.get_by_role("button", name="Perbesar", exact=True).is_visible()
    screenshot(page, "map-dashboard-popup")
    page.keyboard.press("Escape")
    popup.wait_for(state="detached")
    page.keyboard.press("Tab")  # the focus came back to the marker: Tab goes on from there

    # A kecamatan marker links to its residents and its sightings of the period.
    _tab_to(page, ".kec-marker[title^='Soreang']")
    page.keyboard.press("Enter")
    popup.wait_for()
    people = popup.get_by_role("link", name="Penduduk asing di kecamatan ini")
    assert people.get_attribute("href") == reverse("foreigner-list") + "?kecamatan=73.72.03"
    sightings = popup.get_by_role("link", name="Laporan temuan di sini dalam periode ini")
    assert sightings.get_attribute("href").startswith(
        reverse("sighting-list") + "?kecamatan=73.72.03&date_from="
    )
    assert popup.locator("strong").inner_text() == "Soreang"
    # Followed with the keyboard: a click could land where the link was before the popup's
    # auto-pan moved it (the list may take a while to load while the suite runs on two cores).
    with page.expect_navigation(timeout=30_000):
        people.press("Enter")
    assert re.search(r"/orang-asing/\?kecamatan=73\.72\.03$", page.url)
    assert page.locator("tbody tr").count() == 2

    # The cluster opens with Enter too: its two reports (metres apart) become points of their
    # own, reachable with Tab.
    page.goto(reverse("dashboard"))
    page.wait_for_selector("#map[data-markers]")
    _tab_to(page, ".sighting-cluster")
    page.keyboard.press("Enter")
    # The zoom's end gives the focus back to the map (dashboard-map.js); tabbing before that
    # could start over from the map half-way (two points were there before the cluster opened).
    page.wait_for_function(
        "() => document.activeElement === document.getElementById('map')"
        " && document.querySelectorAll('#map .sighting-point').length >= 2"
    )
    first = _tab_to(page, ".sighting-point").get_attribute("title")
    second = _tab_to(page, ".sighting-point", from_map=False).get_attribute("title")
    assert first != second


def test_camat_map_shows_only_the_camats_kecamatan(open_as, camat_soreang, world):
    soreang, bacukiki = world
    page = open_as(camat_soreang, viewport=PHONE)
    _open_dashboard(page)
    assert page.get_attribute("#map", "data-outlines") == str(OUTLINES)
    config = page.evaluate("JSON.parse(document.getElementById('map-config').textContent)")
    assert [m["code"] for m in config["markers"]] == ["73.72.03"]
    assert sorted(p["url"] for p in config["points"]) == sorted(
        reverse("sighting-detail", args=[s.pk]) for s in soreang
    )
    assert bacukiki.reference not in page.content()
    assert page.locator("#map .kec-marker").count() == 1
    assert "Soreang" in page.get_attribute("#map .kec-marker", "title")
    # Fits the phone: the page and the legend.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    box = page.locator(".map-legend").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    screenshot(page, "map-dashboard-camat-phone")


def test_with_a_tile_server_the_outlines_are_drawn_over_the_tiles(
    open_as, kanim_supervisor, world, settings
):
    # A tile "server" on this host (the policy lets images come from it): any small image.
    settings.MAP_TILE_URL = "/static/vendor/leaflet/images/layers.png?z={z}&x={x}&y={y}"
    settings.MAP_TILE_ATTRIBUTION = "Peta uji"
    page = open_as(kanim_supervisor)
    _open_dashboard(page)
    page.wait_for_selector("#map .leaflet-tile-loaded")
    assert "map-tiled" in page.get_attribute("#map", "class")
    assert page.locator("#map path.outline-kecamatan").count() == 4
    # Outlines over the tiles: the cells' fill is faint, so the tiles show through.
    assert float(page.get_attribute("#map path.outline-kelurahan >> nth=0", "fill-opacity")) < 0.2
    attribution = page.inner_text("#map .leaflet-control-attribution")
    assert "Peta uji" in attribution and "perkiraan" in attribution
    assert "server peta" in page.inner_text("#map-help")
