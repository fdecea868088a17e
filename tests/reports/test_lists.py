"""The working lists: paging without a limit and with a total, filters that stay in the URL,
sorting, the period and area filters the dashboard links use, and no raw codes on screen."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from agencies.models import AuditEvent
from reports.models import Flag, Sighting
from tests.clock import earlier_today
from tests.factories import FlagFactory, ForeignerFactory, SightingFactory, StayPermitFactory

pytestmark = pytest.mark.django_db


def flags(n, *, region="73.72.03.1001", rule="permit.expiring", opened_days_ago=1, **fields):
    opened = timezone.now() - dt.timedelta(days=opened_days_ago)
    people = [ForeignerFactory(residence_region_id=region) for _ in range(n)]
    return [
        FlagFactory(
            foreigner=p,
            subject_type=Flag.SubjectType.FOREIGNER,
            subject_id=p.pk,
            rule=rule,
            opened_at=opened,
            **fields,
        )
        for p in people
    ]


def shown_ids(response) -> list[int]:
    return [int(i) for i in re.findall(r'data-flag-id="(\d+)"', response.content.decode())]


def test_alert_list_pages_past_100_with_a_total_and_keeps_filters(client, kanim_officer):
    flags(130, severity=Flag.Severity.HIGH)
    flags(5, severity=Flag.Severity.LOW)
    client.force_login(kanim_officer)
    url = reverse("flag-list")
    first = client.get(url, {"severity": "40"})
    body = first.content.decode()
    # Before the last page a list scoped row by row says no total (agencies.paging) …
    assert '<p class="pager-total" id="list-total">1–50</p>' in body
    assert 'href="?severity=40&amp;page=2"' in body
    pages = [shown_ids(client.get(url, {"severity": "40", "page": n})) for n in (1, 2, 3)]
    assert [len(p) for p in pages] == [50, 50, 30]
    assert len({i for p in pages for i in p}) == 130  # no row twice, none lost
    # … and the last page counts its way there.
    last = client.get(url, {"severity": "40", "page": 3}).content.decode()
    assert "101–130 dari 130" in last and 'rel="next"' not in last


def test_alert_totals_come_from_what_the_reader_may_see(client, camat_soreang):
    """Two worlds that differ only in alerts the camat may not see (people elsewhere) answer
    the camat the same pages and the same totals, on the first page and on the last."""
    flags(60, region="73.72.03.1001")
    client.force_login(camat_soreang)
    url = reverse("flag-list")

    def answers():
        pages = [client.get(url, {"page": n}) for n in (1, 2)]
        return [
            (shown_ids(page), re.search(r'id="list-total">([^<]*)<', page.content.decode())[1])
            for page in pages
        ]

    before = answers()
    flags(150, region="73.72.02.1001")  # Ujung: not the camat's
    assert answers() == before
    assert [total for _, total in before] == ["1–50", "51–60 dari 60"]


def test_alert_list_sorts_and_the_sort_link_keeps_the_filter(client, kanim_officer):
    old = flags(1, opened_days_ago=9)[0]
    new = flags(1, opened_days_ago=2)[0]
    client.force_login(kanim_officer)
    url = reverse("flag-list")
    assert shown_ids(client.get(url, {"sort": "opened"}))[:2] == [old.pk, new.pk]
    newest_first = client.get(url, {"sort": "-opened", "severity": "10"})
    assert shown_ids(newest_first)[:2] == [new.pk, old.pk]
    # The header link reverses the current sort and keeps the severity filter.
    assert 'href="?severity=10&amp;sort=opened"' in newest_first.content.decode()
    assert client.get(url, {"sort": "nonsense"}).status_code == 200


def test_alert_list_filters_by_period_and_kecamatan(client, kanim_officer):
    soreang_recent = flags(2, region="73.72.03.1001", opened_days_ago=3)
    flags(3, region="73.72.02.1001", opened_days_ago=3)  # Ujung
    flags(4, region="73.72.03.1001", opened_days_ago=40)
    client.force_login(kanim_officer)
    today = timezone.localdate()
    response = client.get(
        reverse("flag-list"),
        {
            "kecamatan": "73.72.03",
            "date_from": (today - dt.timedelta(days=7)).isoformat(),
            "date_to": today.isoformat(),
        },
    )
    assert sorted(shown_ids(response)) == sorted(f.pk for f in soreang_recent)
    # The date inputs get ISO values whatever the language (<input type=date> needs them).
    assert f'value="{today.isoformat()}"' in response.content.decode()


def test_a_reversed_period_is_a_form_error_not_a_500(client, kanim_officer):
    client.force_login(kanim_officer)
    response = client.get(
        reverse("flag-list"), {"date_from": "2026-05-02", "date_to": "2026-05-01"}
    )
    assert response.status_code == 200
    assert "Akhir periode sebelum awalnya." in response.content.decode()


def test_area_filter_is_not_offered_without_residence_access(client, kemenag_officer):
    client.force_login(kemenag_officer)
    response = client.get(reverse("flag-list"), {"kecamatan": "73.72.03"})
    assert response.status_code == 200
    assert 'name="kecamatan"' not in response.content.decode()


def test_rule_filter_and_rows_show_titles_not_codes(client, kanim_officer):
    flags(1, rule="permit.overstay")
    client.force_login(kanim_officer)
    body = client.get(reverse("flag-list")).content.decode()
    assert "permit.overstay</option>" not in body and ">permit.overstay<" not in body
    assert '<option value="permit.overstay">Overstay (melebihi izin tinggal)</option>' in body


# --- sightings: all, my reports, the review queue ------------------------------------------


def sighting_ids(response) -> list[int]:
    return [int(i) for i in re.findall(r'data-sighting-id="(\d+)"', response.content.decode())]


def test_my_reports_lists_only_mine_with_status_and_finds_a_reference(
    client, camat_soreang, regions
):
    mine = [
        SightingFactory(reporter=camat_soreang, reporting_agency=camat_soreang.officer.agency)
        for _ in range(3)
    ]
    mine[0].review_status = Sighting.ReviewStatus.VERIFIED
    mine[0].reviewed_at = timezone.now()
    mine[0].save()
    colleague = SightingFactory(reporting_agency=camat_soreang.officer.agency)
    client.force_login(camat_soreang)
    response = client.get(reverse("sighting-mine"))
    assert sorted(sighting_ids(response)) == sorted(s.pk for s in mine)
    assert colleague.pk not in sighting_ids(response)
    assert "Terverifikasi" in response.content.decode()
    found = client.get(reverse("sighting-mine"), {"q": mine[1].reference.lower()})
    assert sighting_ids(found) == [mine[1].pk]


def test_my_reports_is_not_for_who_does_not_report(client, outsider):
    client.force_login(outsider)
    assert client.get(reverse("sighting-mine")).status_code == 404


def test_review_queue_counts_filters_and_shows_newest_first(client, kanim_officer, regions):
    now = timezone.now()
    old = SightingFactory(observed_at=now - dt.timedelta(days=5))
    new = SightingFactory(observed_at=now - dt.timedelta(hours=1))
    done = SightingFactory(
        review_status=Sighting.ReviewStatus.DISMISSED, reviewed_at=timezone.now()
    )
    client.force_login(kanim_officer)
    response = client.get(reverse("sighting-queue"))
    assert sighting_ids(response) == [new.pk, old.pk]
    assert "1–2 dari 2" in response.content.decode()
    assert sighting_ids(client.get(reverse("sighting-queue"), {"sort": "observed"})) == [
        old.pk,
        new.pk,
    ]
    every = client.get(reverse("sighting-queue"), {"status": ""})
    assert set(sighting_ids(every)) == {old.pk, new.pk, done.pk}


# --- drill-down from the dashboard -----------------------------------------------------------


def test_dashboard_figures_lead_to_the_lists_they_count(client, kanim_supervisor, regions):
    today = timezone.localdate()
    expiring = []
    for i in range(3):
        person = ForeignerFactory(nationality="AUS")
        StayPermitFactory(foreigner=person, valid_until=today + dt.timedelta(days=5 + i))
        expiring.append(person)
    later = ForeignerFactory(nationality="CHN")
    StayPermitFactory(foreigner=later, valid_until=today + dt.timedelta(days=200))
    flags(2, rule="permit.overstay")
    client.force_login(kanim_supervisor)
    dashboard = client.get(reverse("dashboard")).content.decode()
    foreigners = reverse("foreigner-list")
    start = today - dt.timedelta(weeks=12, days=-1)
    period = f"date_from={start.isoformat()}&amp;date_to={today.isoformat()}"
    for link in (
        f'href="{foreigners}?as_of={today.isoformat()}&amp;expiring_within=30"',
        f'href="{foreigners}?nationality=AUS"',
        f'href="{reverse("flag-list")}?{period}&amp;rule=permit.overstay"',
    ):
        assert link in dashboard, link
    listed = client.get(foreigners, {"expiring_within": "30"}).context["page"].rows
    assert {p.pk for p in listed} == {p.pk for p in expiring}
    overstays = client.get(reverse("flag-list"), {"rule": "permit.overstay"})
    assert "1–2 dari 2" in overstays.content.decode()


# --- one filter set behind the sighting lists, the API and the export ----------------------


def test_dashboard_week_link_lands_on_the_sightings_of_that_week(client, kanim_supervisor, regions):
    now = timezone.now()
    this_week = SightingFactory(observed_at=earlier_today(hours=2))
    older = SightingFactory(observed_at=now - dt.timedelta(days=40))
    client.force_login(kanim_supervisor)
    dashboard = client.get(reverse("dashboard")).content.decode()
    links = re.findall(
        re.escape(reverse("sighting-list")) + r'\?(date_from=[\d-]+&amp;date_to=[\d-]+)"', dashboard
    )
    assert links, "the weekly bars link to the sighting list"
    listed = client.get(f"{reverse('sighting-list')}?{links[-1].replace('&amp;', '&')}")
    assert sighting_ids(listed) == [this_week.pk]
    assert older.pk not in sighting_ids(listed)


def test_sighting_list_filters_by_period_area_reference_and_status(client, kanim_officer, regions):
    now = timezone.now()
    soreang = SightingFactory(region_id="73.72.03.1001", observed_at=now - dt.timedelta(days=2))
    SightingFactory(region_id="73.72.02.1001", observed_at=now - dt.timedelta(days=2))  # Ujung
    SightingFactory(region_id="73.72.03.1001", observed_at=now - dt.timedelta(days=30))
    client.force_login(kanim_officer)
    url = reverse("sighting-list")
    today = timezone.localdate()
    week = {"date_from": (today - dt.timedelta(days=7)).isoformat(), "date_to": today.isoformat()}
    assert sighting_ids(client.get(url, {**week, "kecamatan": "73.72.03"})) == [soreang.pk]
    assert sighting_ids(client.get(url, {"q": soreang.reference[-4:]})) == [soreang.pk]
    assert sighting_ids(client.get(url, {"status": "verified"})) == []
    body = client.get(url, {"kecamatan": "73.72.03"}).content.decode()
    # The kecamatan is picked from the user's area, the dates are ISO.
    assert '<option value="73.72.03" selected>' in body


def test_sighting_list_reversed_period_is_a_form_error_and_no_rows(client, kanim_officer, regions):
    SightingFactory()
    client.force_login(kanim_officer)
    response = client.get(
        reverse("sighting-list"), {"date_from": "2026-05-02", "date_to": "2026-05-01"}
    )
    assert response.status_code == 200
    assert "Akhir periode sebelum awalnya." in response.content.decode()
    assert sighting_ids(response) == []


def test_sighting_api_takes_the_list_names_and_its_own_older_names(client, kanim_officer, regions):
    pending = SightingFactory()
    verified = SightingFactory(
        review_status=Sighting.ReviewStatus.VERIFIED, reviewed_at=timezone.now()
    )
    client.force_login(kanim_officer)
    url = reverse("api-sighting-list")

    def ids(params):
        return [row["id"] for row in client.get(url, params).json()["results"]]

    assert ids({"status": "verified"}) == [verified.pk]
    assert ids({"review_status": "pending"}) == [pending.pk]
    day = timezone.localdate(verified.observed_at).isoformat()
    assert set(ids({"observed_from": day, "observed_until": day})) <= {pending.pk, verified.pk}
    assert ids({"observed_from": "2000-01-01", "observed_until": "2000-01-02"}) == []
    assert client.get(url, {"date_from": "2026-05-02", "date_to": "2026-05-01"}).status_code == 400


def test_sighting_export_uses_the_filters_of_the_page(client, kanim_officer, regions):
    soreang = SightingFactory(region_id="73.72.03.1001")
    SightingFactory(region_id="73.72.02.1001")
    client.force_login(kanim_officer)
    params = {"kecamatan": "73.72.03", "q": soreang.reference}
    assert sighting_ids(client.get(reverse("sighting-list"), params)) == [soreang.pk]
    export = client.get(reverse("export", args=["sightings", "csv"]), params)
    rows = b"".join(export.streaming_content).decode("utf-8-sig").splitlines()[1:]
    assert [int(row.split(",")[0]) for row in rows] == [soreang.pk]


def test_alert_list_shows_a_refused_filter_as_a_message_and_no_rows(
    client, kemenag_officer, kanim_officer
):
    flagged = flags(1, region="73.72.03.1001")[0]
    client.force_login(kemenag_officer)
    response = client.get(reverse("flag-list"), {"kecamatan": "73.72.03"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'role="alert"' in body and "akan membuka Domisili" in body
    assert shown_ids(response) == []
    client.force_login(kanim_officer)
    assert shown_ids(client.get(reverse("flag-list"), {"kecamatan": "73.72.03"})) == [flagged.pk]


def test_alert_period_is_one_criterion_of_page_api_and_export(client, kanim_officer):
    recent = flags(1, opened_days_ago=2)[0]
    flags(1, opened_days_ago=40)
    client.force_login(kanim_officer)
    today = timezone.localdate()
    period = {"date_from": (today - dt.timedelta(days=7)).isoformat(), "date_to": today.isoformat()}
    assert shown_ids(client.get(reverse("flag-list"), period)) == [recent.pk]
    api = client.get(reverse("api-flag-list"), period).json()["results"]
    assert [row["id"] for row in api] == [recent.pk]
    export = client.get(reverse("export", args=["flags", "csv"]), period)
    rows = b"".join(export.streaming_content).decode("utf-8-sig").splitlines()[1:]
    assert [int(row.split(",")[0]) for row in rows] == [recent.pk]
    reversed_ = {"date_from": today.isoformat(), "date_to": "2000-01-01"}
    assert client.get(reverse("api-flag-list"), reversed_).status_code == 400


def test_sighting_list_logs_its_rows_and_only_the_people_it_names(client, polres_officer):
    hidden = ForeignerFactory(residence_region_id="73.11")
    seen = ForeignerFactory(residence_region_id="73.72.03.1001")
    outside = SightingFactory(region_id="73.11", foreigner=hidden)
    # Polres reported it, so Polres reads the sighting, but not the person living elsewhere.
    Sighting.objects.filter(pk=outside.pk).update(
        reporting_agency_id=polres_officer.officer.agency_id
    )
    inside = SightingFactory(region_id="73.72.03.1001", foreigner=seen)
    client.force_login(polres_officer)
    response = client.get(reverse("sighting-list"))
    assert sorted(sighting_ids(response)) == sorted([outside.pk, inside.pk])
    [row] = AuditEvent.objects.filter(action=AuditEvent.READ, route="sighting-list")
    assert row.shown == {"sighting": sorted([outside.pk, inside.pk]), "foreigner": [seen.pk]}
