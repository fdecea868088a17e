"""The coordination loop: meeting → decision → task → reminder → escalation (with time travel),
acknowledgement receipts, operations whose findings are sightings that run the rules, and
enforcement actions under the policy's ``enforcement`` category."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from agencies.access import access_for
from agencies.audit import record_accesses
from agencies.models import Agency, AuditEvent, Notification, Officer, Region
from reports.coordination import services
from reports.coordination.models import AgencyTask, EnforcementAction, OperationFinding
from reports.coordination.selectors import (
    barring_actions,
    task_on_time_rates,
    visible_enforcement_actions,
    visible_operations,
    visible_tasks,
)
from reports.models import Flag, Sighting
from tests.factories import AgencyFactory, FlagFactory, ForeignerFactory, OfficerFactory

WITA = dt.timezone(dt.timedelta(hours=8))
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=WITA)


def _staff(agency, role=Officer.Role.OFFICER, **kwargs):
    return OfficerFactory(agency=agency, role=role, **kwargs).user


@pytest.fixture
def kanim(regions):
    return AgencyFactory(kind=Agency.Kind.IMIGRASI, jurisdiction=["73.72", "73.15"])


@pytest.fixture
def polres(regions):
    return AgencyFactory(kind=Agency.Kind.POLRES)


@pytest.fixture
def chief(kanim):
    return _staff(kanim, Officer.Role.SUPERVISOR)


def _meeting(chief, **kwargs):
    return services.meeting_create(
        user=chief,
        level="kota",
        region=Region.objects.get(pk="73.72"),
        held_at=timezone.now(),
        venue="Aula Kanim Parepare",
        chair="Kepala Kantor Imigrasi",
        agenda="Pengawasan orang asing triwulan I",
        **kwargs,
    )


def _notes(user, kind):
    return list(Notification.objects.filter(recipient=user, kind=kind))


@pytest.mark.django_db
def test_meeting_decision_task_reminder_escalation(
    chief, kanim, polres, django_capture_on_commit_callbacks
):
    polres_officer = _staff(polres)
    polres_chief = _staff(polres, Officer.Role.SUPERVISOR)
    with time_machine.travel(MONDAY, tick=False):
        meeting = _meeting(chief, invited=[polres])
        with django_capture_on_commit_callbacks(execute=True):
            decision = services.meeting_decision_add(
                user=chief,
                meeting_id=meeting.pk,
                text="Polres memeriksa keberadaan WNA di Soreang",
                task_assignee=polres,
                task_title="Cek keberadaan WNA",
                task_due_on=dt.date(2026, 3, 9),
            )
        task = decision.tasks.get()
        assert task.origin == AgencyTask.Origin.DECISION and task.assignee == polres
        assert task.region_id == "73.72"
        assigned = _notes(polres_officer, services.KIND_TASK_ASSIGNED)
        assert len(assigned) == 1 and "Cek keberadaan WNA" in assigned[0].title
        assert services.tasks_remind() == 0  # a week ahead: not yet

    # Two days before the due date (TASK_REMINDER_DAYS=2): the assignee is reminded, once.
    with time_machine.travel(dt.datetime(2026, 3, 7, 8, 0, tzinfo=WITA), tick=False):
        assert services.tasks_remind() == 1
        assert services.tasks_remind() == 0
        assert len(_notes(polres_officer, services.KIND_TASK_REMINDER)) == 1
        assert services.tasks_escalate() == 0

    # Due date passed (WITA) and still not closed: both supervisors hear of it, once; the
    # assignee's officer is not a supervisor and gets no escalation.
    with time_machine.travel(dt.datetime(2026, 3, 10, 0, 30, tzinfo=WITA), tick=False):
        assert services.tasks_escalate() == 1
        assert services.tasks_escalate() == 0
    assert len(_notes(polres_chief, services.KIND_TASK_OVERDUE)) == 1
    assert len(_notes(chief, services.KIND_TASK_OVERDUE)) == 1
    assert _notes(polres_officer, services.KIND_TASK_OVERDUE) == []


@pytest.mark.django_db
def test_task_due_today_is_not_escalated_before_the_day_ends_in_wita(chief, polres):
    with time_machine.travel(MONDAY, tick=False):
        task = services.task_create(
            user=chief,
            title="Cek sponsor",
            assignee=polres,
            due_on=dt.date(2026, 3, 2),
            region=Region.objects.get(pk="73.72.03"),
        )
    # 23:30 WITA on the due date is 15:30 UTC: still on time.
    with time_machine.travel(dt.datetime(2026, 3, 2, 23, 30, tzinfo=WITA), tick=False):
        assert services.tasks_escalate() == 0
    with time_machine.travel(dt.datetime(2026, 3, 3, 0, 5, tzinfo=WITA), tick=False):
        assert services.tasks_escalate() == 1
    task.refresh_from_db()
    assert task.escalated_at is not None


@pytest.mark.django_db
def test_acknowledgement_keeps_the_first_receipt_time_and_who(chief, polres):
    officer = _staff(polres)
    with time_machine.travel(MONDAY, tick=False):
        task = services.task_create(
            user=chief,
            title="Cek alamat",
            assignee=polres,
            due_on=dt.date(2026, 3, 9),
            region=Region.objects.get(pk="73.72"),
        )
    receipt = dt.datetime(2026, 3, 3, 10, 15, tzinfo=WITA)
    with time_machine.travel(receipt, tick=False):
        services.task_acknowledge(user=officer, task_id=task.pk)
    with time_machine.travel(receipt + dt.timedelta(days=1), tick=False):
        services.task_acknowledge(user=officer, task_id=task.pk)  # again: nothing changes
        services.task_close(user=officer, task_id=task.pk, result="Alamat sesuai.")
    task.refresh_from_db()
    assert task.acknowledged_at == receipt and task.acknowledged_by == officer
    assert task.state == AgencyTask.State.CLOSED and task.on_time is True
    with pytest.raises(ValidationError):
        services.task_acknowledge(user=officer, task_id=task.pk)


@pytest.mark.django_db
def test_only_the_assignee_works_a_task_and_a_result_is_required(chief, polres, kanim):
    task = services.task_create(
        user=chief,
        title="Cek",
        assignee=polres,
        due_on=timezone.localdate() + dt.timedelta(days=3),
        region=Region.objects.get(pk="73.72"),
    )
    other = _staff(AgencyFactory(kind=Agency.Kind.KODIM))
    with pytest.raises(PermissionDenied):
        services.task_acknowledge(user=other, task_id=task.pk)
    with pytest.raises(ValidationError) as exc:
        services.task_close(user=_staff(polres), task_id=task.pk, result="  ")
    assert "result" in exc.value.message_dict
    task.refresh_from_db()
    assert task.state == AgencyTask.State.OPEN  # nothing half-written


@pytest.mark.django_db
def test_task_from_flag_takes_the_flagged_persons_area(chief, polres):
    person = ForeignerFactory(residence_region_id="73.72.03.1001")
    flag = FlagFactory(foreigner=person, subject_type="foreigner", subject_id=person.pk)
    task = services.task_create(
        user=chief,
        title="Polres: cari orang ini",
        assignee=polres,
        due_on=timezone.localdate() + dt.timedelta(days=7),
        flag=flag,
    )
    assert task.origin == AgencyTask.Origin.FLAG and task.region_id == "73.72.03.1001"


@pytest.mark.django_db
def test_only_a_kanim_supervisor_gives_tasks_and_bad_input_is_refused(chief, kanim, polres):
    with pytest.raises(PermissionDenied):
        services.task_create(
            user=_staff(kanim),
            title="x",
            assignee=polres,
            due_on=timezone.localdate(),
            region=Region.objects.get(pk="73.72"),
        )
    with pytest.raises(ValidationError) as exc:
        services.task_create(
            user=chief,
            title="x",
            assignee=polres,
            due_on=timezone.localdate() - dt.timedelta(days=1),
            region=Region.objects.get(pk="73.11"),  # Barru: outside the Kanim's jurisdiction
        )
    assert set(exc.value.message_dict) == {"due_on", "region"}
    assert not AgencyTask.objects.exists()


@pytest.mark.django_db
def test_camat_sees_the_tasks_and_operations_of_their_kecamatan_only(chief, polres):
    camat = _staff(
        AgencyFactory(kind=Agency.Kind.KECAMATAN, region_id="73.72.03"), kecamatan_id="73.72.03"
    )
    due = timezone.localdate() + dt.timedelta(days=5)
    here = services.task_create(
        user=chief, title="a", assignee=polres, due_on=due,
        region=Region.objects.get(pk="73.72.03.1001"),
    )  # fmt: skip
    services.task_create(
        user=chief, title="b", assignee=polres, due_on=due,
        region=Region.objects.get(pk="73.72.02.1001"),
    )  # fmt: skip
    assert list(visible_tasks(camat)) == [here]
    op_here = services.operation_create(
        user=chief,
        title="Operasi Soreang",
        operation_date=due,
        region=Region.objects.get(pk="73.72.03"),
        order_number="SP-1",
    )
    services.operation_create(
        user=chief,
        title="Operasi Ujung",
        operation_date=due,
        region=Region.objects.get(pk="73.72.02"),
        order_number="SP-2",
    )
    assert list(visible_operations(camat)) == [op_here]
    # Polres is not a participant and does not supervise the area: sees neither operation, but
    # both tasks given to it.
    assert not visible_operations(_staff(polres)).exists()
    assert visible_tasks(_staff(polres)).count() == 2


@pytest.mark.django_db
def _soreang_operation(chief, polres, flag):
    return services.operation_create(
        user=chief,
        title="Operasi gabungan Soreang",
        operation_date=timezone.localdate(),
        region=Region.objects.get(pk="73.72.03"),
        order_number="SP-07/2026",
        participants=[polres],
        flag_ids=[flag.pk],
        addresses=["Jl. Bau Massepe 12"],
    )


def _market_finding(officer, operation):
    return services.operation_finding_record(
        user=officer,
        operation_id=operation.pk,
        region=Region.objects.get(pk="73.72.03.1001"),
        place="Warung dekat pasar",
        observed_at=timezone.now(),
        activity="work",
        description="Dua WNA bekerja tanpa dokumen",
        apparent_nationality="CHN",
        person_count=2,
    )


def _overstay_fine(chief, person, **kwargs):
    today = timezone.localdate()
    return services.enforcement_action_record(
        user=chief,
        foreigner_id=person.pk,
        kind=EnforcementAction.Kind.OVERSTAY_FINE,
        case_review_on=today - dt.timedelta(days=2),
        decided_on=today,
        decision="Membayar biaya beban overstay",
        overstay_days=5,
        **kwargs,
    )


def test_operation_findings_are_sightings_that_run_the_sighting_rules(
    chief, polres, django_capture_on_commit_callbacks
):
    person = ForeignerFactory(residence_region_id="73.72.03.1001")
    flag_target = FlagFactory(foreigner=person, subject_type="foreigner", subject_id=person.pk)
    operation = _soreang_operation(chief, polres, flag_target)
    assert operation.targets.count() == 2
    officer = _staff(polres)
    with django_capture_on_commit_callbacks(execute=True):
        finding = _market_finding(officer, operation)
    sighting = finding.sighting
    assert sighting.reporting_agency == polres and sighting.operation_finding == finding
    # The sighting rules ran after commit: an unidentified person → sighting.unregistered.
    assert Flag.objects.filter(rule="sighting.unregistered", sighting=sighting).exists()

    # Outside the operation's area: refused, nothing written.
    with pytest.raises(ValidationError):
        services.operation_finding_record(
            user=officer,
            operation_id=operation.pk,
            region=Region.objects.get(pk="73.72.02.1001"),
            place="x",
            observed_at=timezone.now(),
            activity="work",
            description="x",
            apparent_nationality="CHN",
        )
    # An agency not taking part may not record findings.
    with pytest.raises(PermissionDenied):
        services.operation_finding_record(
            user=_staff(AgencyFactory(kind=Agency.Kind.KODIM)),
            operation_id=operation.pk,
            region=Region.objects.get(pk="73.72.03.1001"),
            place="x",
            observed_at=timezone.now(),
            activity="work",
            description="x",
            apparent_nationality="CHN",
        )
    assert Sighting.objects.count() == 1 and OperationFinding.objects.count() == 1

    done = services.operation_complete(
        user=chief,
        operation_id=operation.pk,
        persons_checked=12,
        violations_found=2,
        actions_taken=1,
        result_summary="Dua pelanggaran, satu deportasi diusulkan.",
    )
    assert done.state == "done"
    with pytest.raises(PermissionDenied):  # closed operations take no more findings
        services.operation_finding_record(
            user=officer,
            operation_id=operation.pk,
            region=Region.objects.get(pk="73.72.03.1001"),
            place="x",
            observed_at=timezone.now(),
            activity="work",
            description="x",
            apparent_nationality="CHN",
        )


@pytest.mark.django_db
def test_enforcement_actions_follow_the_enforcement_category(chief, kanim, polres):
    person = ForeignerFactory(residence_region_id="73.72.03.1001")
    today = timezone.localdate()
    action = _overstay_fine(chief, person)
    assert action.fine_amount == 5_000_000
    assert action.legal_basis.startswith("UU 6/2011 Ps. 78")
    kejari = _staff(AgencyFactory(kind=Agency.Kind.KEJARI))
    kemenag = _staff(AgencyFactory(kind=Agency.Kind.KEMENAG))
    camat = _staff(
        AgencyFactory(kind=Agency.Kind.KECAMATAN, region_id="73.72.03"), kecamatan_id="73.72.03"
    )
    assert list(visible_enforcement_actions(_staff(polres))) == [action]
    assert list(visible_enforcement_actions(kejari)) == [action]
    assert not visible_enforcement_actions(kemenag).exists()
    assert not visible_enforcement_actions(camat).exists()
    with pytest.raises(PermissionDenied):
        services.enforcement_action_record(
            user=_staff(polres),
            foreigner_id=person.pk,
            kind="deportation",
            case_review_on=today,
            decided_on=today,
            decision="x",
        )
    with pytest.raises(ValidationError) as exc:
        services.enforcement_action_record(
            user=chief,
            foreigner_id=person.pk,
            kind="deportation",
            case_review_on=today,
            decided_on=today - dt.timedelta(days=1),
            decision="",
        )
    assert set(exc.value.message_dict) == {"decided_on", "decision"}


@pytest.mark.django_db
def test_on_time_rate_per_agency(chief, polres):
    kodim = AgencyFactory(kind=Agency.Kind.KODIM, name="Kodim 1405")
    region = Region.objects.get(pk="73.72")
    with time_machine.travel(MONDAY, tick=False):
        tasks = [
            services.task_create(
                user=chief,
                title=f"t{i}",
                assignee=agency,
                due_on=dt.date(2026, 3, 5),
                region=region,
            )  # fmt: skip
            for i, agency in enumerate([polres, polres, polres, kodim])
        ]
    polres_officer, kodim_officer = _staff(polres), _staff(kodim)
    with time_machine.travel(dt.datetime(2026, 3, 4, 10, 0, tzinfo=WITA), tick=False):
        services.task_close(user=polres_officer, task_id=tasks[0].pk, result="ok")
    with time_machine.travel(dt.datetime(2026, 3, 7, 10, 0, tzinfo=WITA), tick=False):
        services.task_close(user=polres_officer, task_id=tasks[1].pk, result="late")
        rates = {r["agency_id"]: r for r in task_on_time_rates(chief)}
    assert rates[polres.pk] | {} == rates[polres.pk]
    assert (rates[polres.pk]["due"], rates[polres.pk]["on_time"]) == (3, 1)
    assert (rates[polres.pk]["late"], rates[polres.pk]["overdue"]) == (1, 1)
    assert rates[polres.pk]["rate"] == 33
    assert rates[kodim.pk]["rate"] == 0
    assert kodim_officer  # the Kodim task is simply overdue


@pytest.mark.django_db
def test_a_ban_from_places_names_its_region_and_is_offered_to_the_rules(chief):
    person = ForeignerFactory(residence_region_id="73.72.03.1001")
    today = timezone.localdate()
    common = {
        "user": chief,
        "foreigner_id": person.pk,
        "kind": EnforcementAction.Kind.PLACE_BAN,
        "case_review_on": today,
        "decided_on": today,
        "decision": "Dilarang berada di Pelabuhan Nusantara",
    }
    with pytest.raises(ValidationError) as exc:
        services.enforcement_action_record(**common)
    assert "region" in exc.value.message_dict
    ban = services.enforcement_action_record(
        **common,
        region=Region.objects.get(pk="73.72.02"),
        effective_until=today + dt.timedelta(days=30),
    )
    assert ban.legal_basis == "UU 6/2011 Ps. 75 ayat (2) huruf c"
    assert list(barring_actions(today)) == [ban]
    assert not barring_actions(today + dt.timedelta(days=31)).exists()


@pytest.mark.django_db
def test_operation_and_enforcement_pages_record_the_read(
    client, chief, polres, django_capture_on_commit_callbacks
):
    person = ForeignerFactory(residence_region_id="73.72.03.1001")
    flag = FlagFactory(foreigner=person, subject_type="foreigner", subject_id=person.pk)
    operation = _soreang_operation(chief, polres, flag)
    with django_capture_on_commit_callbacks(execute=True):
        finding = _market_finding(_staff(polres), operation)
    action = _overstay_fine(chief, person, flag_ids=[flag.pk])
    client.force_login(chief)

    def read(name, *args) -> AuditEvent:
        since = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        assert client.get(reverse(name, args=args)).status_code == 200
        [row] = AuditEvent.objects.filter(id__gt=since)
        assert row.action == AuditEvent.READ and row.route == name and row.user == chief
        return row

    assert read("operation-detail", operation.pk).shown == {
        "jointoperation": [operation.pk],
        "sighting": [finding.sighting_id],
        "flag": [flag.pk],
    }
    detail = read("enforcement-detail", action.pk)
    assert detail.shown == {
        "enforcementaction": [action.pk],
        "foreigner": [person.pk],
        "flag": [flag.pk],
    }
    listed = read("enforcement-list")
    assert listed.shown == {"enforcementaction": [action.pk], "foreigner": [person.pk]}
    # The TAK pages are reads of the person: "who accessed this record" lists them.
    assert {r.pk for r in record_accesses(_system_admin(), "foreigner", person.pk)} == {
        detail.pk,
        listed.pk,
    }

    # Denied: the same 404 as for a missing record, and no row.
    client.force_login(_staff(AgencyFactory(kind=Agency.Kind.KEMENAG)))
    since = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    assert client.get(reverse("enforcement-detail", args=[action.pk])).status_code == 404
    assert not AuditEvent.objects.filter(id__gt=since).exists()


@pytest.mark.django_db
def test_enforcement_api_records_the_actions_and_people_it_shows(client, chief):
    person = ForeignerFactory(residence_region_id="73.72.03.1001")
    action = _overstay_fine(chief, person)
    client.force_login(chief)
    for url in (
        reverse("api-enforcement-list"),
        reverse("api-enforcement-detail", args=[action.pk]),
    ):
        since = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        assert client.get(url).status_code == 200
        [row] = AuditEvent.objects.filter(id__gt=since)
        assert row.action == AuditEvent.READ
        assert row.shown == {"enforcementaction": [action.pk], "foreigner": [person.pk]}


def _system_admin():
    """Who may read every row of the access log (the panel's other readers see their agency's)."""
    from tests.factories import UserFactory

    return access_for(UserFactory(is_superuser=True))
