"""The oracle for meetings, tasks, operations and enforcement actions (issue 12), written from
the issue's words over plain facts, sharing no code with ``reports.coordination``:

- an agency sees the meetings it organised or was invited to, the tasks it gave or was given,
  the operations it organised or takes part in;
- the Kanim, the Kanwil and the camat (who supervise everything in their area) also see every
  meeting, task and operation located in their scope; a camat: their kecamatan;
- enforcement actions: Imigrasi, Kejari and Polres (the ``enforcement`` column), about a person
  they see;
- Kanim/Kanwil supervisors run meetings and operations and give tasks; any officer of the
  assignee works a task; organiser, participants and the camat of the area record findings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .oracle import Principal, sees_foreigner

AREA_SUPERVISORS = {"imigrasi", "kanwil", "kecamatan"}
COORDINATORS = {"imigrasi", "kanwil"}


@dataclass
class FactMeeting:
    pk: int
    region: str
    organiser: int
    invited: set[int] = field(default_factory=set)


@dataclass
class FactTask:
    pk: int
    region: str
    assignee: int
    assigned_by: int


@dataclass
class FactOperation:
    pk: int
    region: str
    organiser: int
    participants: set[int] = field(default_factory=set)


@dataclass
class FactAction:
    pk: int
    foreigner: int


def _area(p: Principal, region: str) -> bool:
    return p.kind in AREA_SUPERVISORS and p.in_scope(region)


def sees_meeting(p: Principal, m: FactMeeting) -> bool:
    if not p.active:
        return False
    if p.superuser:
        return True
    return p.agency_id in ({m.organiser} | m.invited) or _area(p, m.region)


def sees_task(p: Principal, t: FactTask) -> bool:
    if not p.active:
        return False
    if p.superuser:
        return True
    return p.agency_id in (t.assignee, t.assigned_by) or _area(p, t.region)


def works_task(p: Principal, t: FactTask) -> bool:
    return p.active and not p.superuser and p.agency_id == t.assignee


def sees_operation(p: Principal, o: FactOperation) -> bool:
    if not p.active:
        return False
    if p.superuser:
        return True
    return p.agency_id in ({o.organiser} | o.participants) or _area(p, o.region)


def records_findings(p: Principal, o: FactOperation) -> bool:
    if not p.active or p.superuser or not p.writes("sighting"):
        return False
    return p.agency_id in ({o.organiser} | o.participants) or (
        p.kind == "kecamatan" and p.in_scope(o.region)
    )


def coordinates(p: Principal) -> bool:
    return p.active and not p.superuser and p.role == "supervisor" and p.kind in COORDINATORS


def edits_meeting(p: Principal, m: FactMeeting) -> bool:
    return coordinates(p) and (m.organiser == p.agency_id or p.in_scope(m.region))


def sees_action(p: Principal, a: FactAction, world) -> bool:
    return p.reads("enforcement") and sees_foreigner(p, world.foreigners[a.foreigner])


def records_actions(p: Principal) -> bool:
    return p.active and not p.superuser and p.kind in COORDINATORS
