"""The dashboard for a period and an area (reports.dashboard, reports.forms.DashboardForm):
every figure follows both, bad input is a clear form error, and the drill-down links carry them."""

import datetime as dt
import html

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.timezone import localtime

from agencies.services import share_grant
from reports.models import Flag
from tests.factories import FlagFactory, ForeignerFactory, SightingFactory, StayPermitFactory

DASHBOARD = reverse("dashboard")
SOREANG_KEL = "73.72.03.1001"
SOREANG_KEL2 = "73.72.03.1002"
UJUNG_KEL = "73.72.02.1001"


def days_ago(n):
    return timezone.localdate() - dt.timedelta(days=n)


def at(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def flag_on(person, day):
    return FlagFactory(
        foreigner=person,
        subject_type=Flag.SubjectType.FOREIGNER,
        subject_id=person.pk,
        rule="permit.overstay",
        opened_at=at(day),
    )


@pytest.fixture
def world(regions):
    soreang = ForeignerFactory(residence_region_id=SOREANG_KEL, nationality="AUS")
    soreang2 = ForeignerFactory(residence_region_id=SOREANG_KEL2, nationality="AUS")
    ujung = ForeignerFactory(residence_region_id=UJUNG_KEL, nationality="KOR")
    for person in (soreang, soreang2, ujung):
        StayPermitFactory(foreigner=person, valid_until=timezone.localdate() + dt.timedelta(10))
    flag_on(soreang, days_ago(3))
    flag_on(ujung, days_ago(3))
    flag_on(soreang2, days_ago(200))
    SightingFactory(region_id=SOREANG_KEL, observed_at=at(days_ago(2)))
    SightingFactory(region_id=UJUNG_KEL, observed_at=at(days_ago(2)))
    SightingFactory(region_id=SOREANG_KEL, observed_at=at(days_ago(150)))
    return soreang


def figures(client, **params):
    response = client.get(DASHBOARD, params)
    assert response.status_code == 200
    return response.context["f"], response


def counts(f):
    return {
        "people": f["total_foreigners"],
        "expiring": f["expiring_count"],
        "flags": sum(row["n"] for row in f["open_flags_by_rule"]),
        "sightings": sum(row["n"] for row in f["sightings_per_week"]),
    }


def test_default_period_is_the_last_twelve_weeks(client, kanim_supervisor, world):
    client.force_login(kanim_supervisor)
    f, _ = figures(client)
    assert (f["date_from"], f["date_to"]) == (days_ago(83), days_ago(0))
    assert counts(f) == {"people": 3, "expiring": 3, "flags": 2, "sightings": 2}


def test_period_bounds_alerts_and_sightings(client, kanim_supervisor, world):
    client.force_login(kanim_supervisor)
    f, _ = figures(client, date_from=days_ago(250).isoformat(), date_to=days_ago(100).isoformat())
    assert (counts(f)["flags"], counts(f)["sightings"]) == (1, 1)
    # Permits are counted on the period's last day: none of them had started then (factory:
    # valid from 100 days ago) … and none ended within 30 days after it.
    assert counts(f)["expiring"] == 0


def test_area_narrows_every_figure(client, kanim_supervisor, world):
    client.force_login(kanim_supervisor)
    f, _ = figures(client, kecamatan="73.72.03")
    assert counts(f) == {"people": 2, "expiring": 2, "flags": 1, "sightings": 1}
    f, _ = figures(client, kecamatan="73.72.03", kelurahan=SOREANG_KEL)
    assert counts(f) == {"people": 1, "expiring": 1, "flags": 1, "sightings": 1}


def test_camat_may_choose_only_their_own_kecamatan(client, camat_soreang, world):
    client.force_login(camat_soreang)
    f, response = figures(client, kecamatan="73.72.02")
    assert response.context["form"].errors["kecamatan"]
    assert f["area"] == ""  # the default (their own scope), not the refused area
    assert f["total_foreigners"] == 2
    choices = [code for code, _ in response.context["form"].fields["kecamatan"].choices]
    assert choices == ["", "73.72.03"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date_from": "not-a-date"}, "date_from"),
        ({"date_to": (timezone.localdate() + dt.timedelta(1)).isoformat()}, "date_to"),
        ({"date_from": "2025-01-01", "date_to": "2026-06-30"}, "date_from"),
        ({"date_from": "2026-03-01", "date_to": "2026-02-01"}, "date_to"),
        ({"kecamatan": "73.72.03", "kelurahan": UJUNG_KEL}, "kelurahan"),
        ({"kecamatan": "'; drop table"}, "kecamatan"),
    ],
)
def test_bad_period_or_area_is_a_clear_error_not_a_500(
    client, kanim_supervisor, world, params, field
):
    client.force_login(kanim_supervisor)
    f, response = figures(client, **params)
    assert field in response.context["form"].errors
    assert 'role="alert"' in response.content.decode()
    assert (f["date_from"], f["date_to"], f["area"]) == (days_ago(83), days_ago(0), "")


def test_drill_down_links_carry_the_period_and_area(client, kanim_supervisor, world):
    client.force_login(kanim_supervisor)
    start, end = days_ago(30), days_ago(1)
    params = {"date_from": start.isoformat(), "date_to": end.isoformat(), "kecamatan": "73.72.03"}
    _, response = figures(client, **params)
    body = html.unescape(response.content.decode())
    flags_link = (
        f"{reverse('flag-list')}?date_from={start}&date_to={end}&kecamatan=73.72.03"
        "&rule=permit.overstay"
    )
    permits_link = f"{reverse('foreigner-list')}?kecamatan=73.72.03&as_of={end}&expiring_within=30"
    assert flags_link in body and permits_link in body
    # … and the lists count what the figures counted.
    flagged = client.get(flags_link).context["page"]
    assert flagged.total == 1
    people = client.get(permits_link).context["page"].rows
    assert len(people) == 2


def test_a_kelurahan_area_reaches_the_lists(client, kanim_supervisor, world):
    client.force_login(kanim_supervisor)
    _, response = figures(client, kecamatan="73.72.03", kelurahan=SOREANG_KEL)
    body = html.unescape(response.content.decode())
    assert f"{reverse('sighting-list')}?kecamatan={SOREANG_KEL}&date_from=" in body
    listed = client.get(reverse("sighting-list"), {"kecamatan": SOREANG_KEL})
    assert listed.context["form"].is_valid() and listed.context["page"].total == 2


def test_area_is_not_offered_without_the_residence_category(client, kemenag_officer, world):
    client.force_login(kemenag_officer)
    f, response = figures(client, kecamatan="73.72.03")
    assert "kecamatan" not in response.context["form"].fields
    assert f["area"] == ""


@pytest.mark.parametrize(
    "params",
    [
        {"date_to": "0001-01-01"},
        {"date_from": "0001-01-01", "date_to": "0001-01-02"},
        {"date_from": "9999-12-31"},
    ],
)
def test_dates_outside_the_calendar_we_keep_are_a_form_error(client, kanim_supervisor, params):
    client.force_login(kanim_supervisor)
    response = client.get(reverse("dashboard"), params)
    assert response.status_code == 200
    assert response.context["form"].errors


def _map(response) -> dict:
    return response.context["map_config"]


def test_map_popups_link_to_the_records_each_marker_counts(client, kanim_supervisor, world):
    located = SightingFactory(
        region_id=UJUNG_KEL, observed_at=at(days_ago(1)), latitude="-4.01750", longitude="119.625"
    )
    client.force_login(kanim_supervisor)
    _, response = figures(client)
    config = _map(response)
    assert config["outlines"].endswith("geo/region-outlines.geojson")
    assert config["show"] == {"residents": True, "sightings": True}
    markers = {m["code"]: m for m in config["markers"]}
    assert set(markers) == {"73.72.02", "73.72.03"}
    for marker in markers.values():
        people = client.get(marker["people_url"]).context["page"].rows
        assert len(people) == marker["residents"]
        sightings = client.get(marker["sightings_url"]).context["page"]
        assert sightings.total == marker["sightings"]
    assert markers["73.72.03"]["sightings"] == 1  # the 150-day-old one is outside the period
    (point,) = config["points"]
    assert point["url"] == reverse("sighting-detail", args=[located.pk])
    assert point["ref"] == located.reference and point["activity"] == "Bekerja"
    assert point["observed"] == date_format(localtime(located.observed_at), "SHORT_DATETIME_FORMAT")
    assert client.get(point["url"]).status_code == 200
    # The same figures read in English: the time in the English format (kept per language).
    client.cookies["django_language"] = "en"
    (english,) = _map(figures(client)[1])["points"]
    with translation.override("en"):
        observed = date_format(localtime(located.observed_at), "SHORT_DATETIME_FORMAT")
    assert english["observed"] == observed != point["observed"]


def test_map_links_only_what_the_user_may_read(
    client, kanim_supervisor, camat_ujung, kemenag_officer, world
):
    seen = SightingFactory(region_id=SOREANG_KEL, observed_at=at(days_ago(1)), activity="religious")
    share_grant(
        granted_by=kanim_supervisor,
        subject_type="sighting",
        subject_id=seen.pk,
        reason="Koordinasi",
        expires_at=timezone.now() + dt.timedelta(days=3),
        user=camat_ujung,
    )
    # The camat of Ujung sees the shared Soreang sighting: its kecamatan gets a marker that
    # opens the sightings, never the people of a kecamatan outside the camat's area.
    client.force_login(camat_ujung)
    markers = {m["code"]: m for m in _map(figures(client)[1])["markers"]}
    assert "people_url" not in markers["73.72.03"] and markers["73.72.03"]["sightings_url"]
    assert markers["73.72.02"]["people_url"]
    # Without the residence category no marker links to people.
    client.force_login(kemenag_officer)
    config = _map(figures(client)[1])
    assert config["show"]["residents"] is False
    assert config["markers"] and not any("people_url" in m for m in config["markers"])
