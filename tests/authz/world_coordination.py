"""The coordination records of the authorization world: meetings, tasks, operations and
enforcement actions around the principal (its agency invited, assigned, taking part) and
elsewhere. Written directly (not through the services), like the rest of the world."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.utils import timezone

from reports.coordination.models import (
    AgencyTask,
    EnforcementAction,
    JointOperation,
    Meeting,
    ReportJob,
)

from .oracle import Principal
from .oracle_coordination import FactAction, FactMeeting, FactOperation, FactTask

SOREANG_KEC, UJUNG_KEC, BARRU = "73.72.03", "73.72.02", "73.11"


@dataclass
class CoordinationWorld:
    meetings: dict[int, FactMeeting] = field(default_factory=dict)
    tasks: dict[int, FactTask] = field(default_factory=dict)
    operations: dict[int, FactOperation] = field(default_factory=dict)
    actions: dict[int, FactAction] = field(default_factory=dict)
    named: dict[str, int] = field(default_factory=dict)


def home_kecamatan(p: Principal) -> str:
    """A kecamatan inside the principal's scope (the operations it organises are there)."""
    for code in (SOREANG_KEC, UJUNG_KEC):
        if p.superuser or p.in_scope(code):
            return code
    return SOREANG_KEC


def build_coordination(world, p: Principal) -> CoordinationWorld:
    cw = CoordinationWorld()
    kanim, other = world.kanim, world.other_agency
    mine = p.agency_id  # None for principals without an agency
    user = world.granter
    today = timezone.localdate()

    def meeting(name, region, organiser, invited=()):
        m = Meeting.objects.create(
            level="kota", region_id=region, held_at=timezone.now(), venue=f"Aula {name}",
            chair="Kepala Kanim", agenda="Agenda", organiser_id=organiser, created_by=user,
        )  # fmt: skip
        invited = [a for a in invited if a]
        m.invited.set(invited)
        cw.meetings[m.pk] = FactMeeting(m.pk, region, organiser, set(invited))
        cw.named[name] = m.pk

    meeting("m_kota", "73.72", kanim.pk, [other.pk])
    meeting("m_soreang", SOREANG_KEC, kanim.pk)
    meeting("m_barru_invited", BARRU, kanim.pk, [mine])

    def task(name, region, assignee, assigned_by=kanim.pk, flag=None):
        t = AgencyTask.objects.create(
            title=f"Tugas {name}", origin="flag" if flag else "manual", flag_id=flag,
            region_id=region, assignee_id=assignee, assigned_by_id=assigned_by,
            created_by=user, due_on=today + dt.timedelta(days=7),
        )  # fmt: skip
        cw.tasks[t.pk] = FactTask(t.pk, region, assignee, assigned_by)
        cw.named[name] = t.pk

    if mine:
        task("t_mine", BARRU, mine)
        task("t_mine_2", BARRU, mine)
    task("t_soreang", SOREANG_KEC + ".1001", other.pk, flag=world.named["fl_soreang_polres"])
    task("t_ujung", UJUNG_KEC + ".1001", other.pk)
    task("t_barru", BARRU, other.pk)

    def operation(name, region, organiser, participants=()):
        o = JointOperation.objects.create(
            title=f"Operasi {name}", operation_date=today, region_id=region,
            order_number=f"SP-{name}", organiser_id=organiser, created_by=user,
        )  # fmt: skip
        participants = [a for a in participants if a]
        o.participants.set(participants)
        cw.operations[o.pk] = FactOperation(o.pk, region, organiser, set(participants))
        cw.named[name] = o.pk

    operation("o_soreang", SOREANG_KEC, kanim.pk, [other.pk])
    operation("o_barru_participant", BARRU, kanim.pk, [mine])
    if mine:
        operation("o_own", home_kecamatan(p), mine)
        operation("o_own_to_complete", home_kecamatan(p), mine)

    for name, person in (("a_soreang", "f_soreang"), ("a_barru", "f_barru")):
        a = EnforcementAction.objects.create(
            foreigner_id=world.named[person], kind="deportation", legal_basis="UU 6/2011 Ps. 75",
            case_review_on=today, decided_on=today, decision="Deportasi", agency=kanim,
            created_by=user,
        )  # fmt: skip
        cw.actions[a.pk] = FactAction(a.pk, world.named[person])
        cw.named[name] = a.pk
    build_jobs(cw, world, p)
    return cw


def build_jobs(cw: CoordinationWorld, world, p: Principal) -> None:
    """A finished export of the principal and one of another user (only its owner sees a job)."""
    owners = [("job_other", world.granter)]
    if p.user is not None:
        owners.append(("job_mine", p.user))
    for name, owner in owners:
        job = ReportJob.objects.create(
            user=owner, kind="export", resource="tasks", fmt="csv", state="done", progress=100
        )
        job.file.save("tasks.csv", ContentFile(b"id\n"), save=True)
        cw.named[name] = job.pk
