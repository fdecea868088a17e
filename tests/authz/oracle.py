"""The independent oracle of the authorization tests: what each principal must see.

Written from DESIGN.md §4's table and the issue's visibility rules in plain Python over plain
facts, deliberately sharing no code with ``agencies.access`` or the selectors (not even the
policy defaults): if the implementation and this file disagree, one of them misreads the design.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# DESIGN.md §4, "read" or better, per agency kind. "permit" is two columns in the policy table:
# "permit.status" (type and validity) and "permit.detail" (numbers, visa index, extensions,
# entries and exits): the camat's cell is "type and validity only".
P = {"permit.status", "permit.detail"}
_BASE = {"identity", "sighting", "flag"} | P
READABLE: dict[str, set[str]] = {
    "imigrasi": P
    | {
        "identity",
        "document",
        "residence",
        "employment",
        "sighting",
        "flag",
        "enforcement",
        "audit",
    },
    "kanwil": P
    | {
        "identity",
        "document",
        "residence",
        "employment",
        "sighting",
        "flag",
        "enforcement",
        "audit",
    },
    "polres": P
    | {"identity", "document", "residence", "employment", "sighting", "flag", "enforcement"},
    "kodim": P | {"identity", "residence", "sighting", "flag"},
    "kejari": P | {"identity", "document", "sighting", "enforcement", "flag"},
    "disdukcapil": P | {"identity", "residence", "sighting", "flag"},
    "disnaker": _BASE | {"employment"},
    "dpmptsp": _BASE | {"employment"},
    "kesbangpol": _BASE | {"residence", "employment"},
    "kemenag": {"identity", "sighting", "flag"},
    "pariwisata": {"identity", "sighting", "flag"},
    "bea_cukai": {"identity", "document", "sighting", "flag"},
    "ksop": {"identity", "document", "sighting", "flag"},
    # Not in DESIGN's table (see docs/ACCESS.md): identity, permits and flags, no sightings.
    "sekda": P | {"identity", "flag"},
    # Camat: identity, residence, sightings and flags of the own kecamatan; permits "type and
    # validity only"; a residence outside the kecamatan is not readable (reads_region).
    "kecamatan": {"identity", "permit.status", "residence", "sighting", "flag"},
}
ALL = "all"
# Which sightings in its region an agency kind sees (besides its own reports and shares).
SIGHTINGS: dict[str, object] = {
    "imigrasi": ALL,
    "kanwil": ALL,
    "polres": ALL,
    "kodim": ALL,
    "kecamatan": ALL,
    "kejari": set(),  # "shared"
    "disdukcapil": set(),  # "own"
    "disnaker": {"work"},
    "dpmptsp": {"work", "business"},
    "kesbangpol": {"political", "social"},
    "kemenag": {"religious"},
    "pariwisata": {"tourism"},
    "bea_cukai": {"business"},
    "ksop": {"business"},
    "sekda": set(),
}
# Kinds that see every flag in scope, not only those routed to them.
FLAGS_ALL = {"imigrasi", "kanwil", "kecamatan"}

# DESIGN.md §4 "write" cells: the Kanim/Kanwil maintain the records; Disdukcapil writes
# residence, Disnaker employment ("write / ✓": Disnaker writes, DPMPTSP reads).
WRITABLE: dict[str, set[str]] = {
    "imigrasi": set(READABLE["imigrasi"]),
    "kanwil": set(READABLE["kanwil"]),
    "disdukcapil": {"residence"},
    "disnaker": {"employment"},
}
# DESIGN.md §1: officers of member agencies and camat submit sightings. Kejari's column is
# "shared" (it only reads what is shared with it); the regional secretariat has no sighting
# column at all.
SUBMITS_SIGHTINGS = set(SIGHTINGS) - {"kejari", "sekda"}
# DESIGN.md §1: the Kanim reviews and verifies sightings (and links them to a person).
REVIEWERS = {"imigrasi", "kanwil"}


@dataclass
class Principal:
    label: str
    kind: str | None = None  # agency kind; None: no officer profile
    role: str | None = None
    scope: tuple[str, ...] = ()
    agency_id: int | None = None
    active: bool = True  # account active AND agency active AND has a profile (or superuser)
    superuser: bool = False
    anonymous: bool = False
    staff: bool = False
    user: object = None
    shares: set[tuple[str, int]] = field(default_factory=set)  # live shares it receives

    def reads(self, category: str) -> bool:
        if not self.active:
            return False
        return self.superuser or category in READABLE.get(self.kind, set())

    def reads_region(self, category: str, code: str | None, shared=()) -> bool:
        """DESIGN §4 "related rows keep their own scope": a residence is readable where the
        policy grants the category AND it lies in the principal's scope, or a live share of
        the record opens the category."""
        if not self.active:
            return False
        if category in shared:
            return True
        return self.reads(category) and self.in_scope(code)

    def in_scope(self, code: str | None) -> bool:
        if self.superuser:
            return True
        return bool(code) and any(code == r or code.startswith(r + ".") for r in self.scope)

    def writes(self, category: str) -> bool:
        if not self.active:
            return False
        if self.superuser:
            return True
        if category == "sighting":
            return self.kind in SUBMITS_SIGHTINGS
        # Permits are maintained as a whole (number, validity …): writing needs the detail.
        category = {"permit": "permit.detail"}.get(category, category)
        return category in WRITABLE.get(self.kind, set())

    @property
    def submits_sightings(self) -> bool:
        """A sighting is reported for an agency: the system admin has none."""
        return self.writes("sighting") and not self.superuser

    @property
    def reviews(self) -> bool:
        return self.active and (self.superuser or self.kind in REVIEWERS)

    @property
    def is_officer(self) -> bool:
        return self.active and not self.superuser

    @property
    def is_supervisor(self) -> bool:
        return self.active and (self.superuser or self.role == "supervisor")


@dataclass
class FactForeigner:
    pk: int
    residence: str | None
    sighting_regions: list[str] = field(default_factory=list)
    secrets: dict[str, str] = field(default_factory=dict)  # category -> a value only it shows
    token: str = ""  # a word of the given names: its appearance in a page reveals the identity


@dataclass
class FactSighting:
    pk: int
    region: str
    activity: str
    reporting_agency_id: int
    foreigner: int | None = None


@dataclass
class FactFlag:
    pk: int
    routed_to: list[str]
    foreigner: int | None = None
    sighting: int | None = None


def sees_foreigner(p: Principal, f: FactForeigner, *, shares: bool = True) -> bool:
    if not p.reads("identity"):
        return False
    if p.superuser:
        return True
    return (
        p.in_scope(f.residence)
        or any(p.in_scope(r) for r in f.sighting_regions)
        or (shares and ("foreigner", f.pk) in p.shares)
    )


def sees_sighting(p: Principal, s: FactSighting, *, shares: bool = True) -> bool:
    if not p.reads("sighting"):
        return False
    if p.superuser or s.reporting_agency_id == p.agency_id:
        return True
    opened = SIGHTINGS.get(p.kind, set())
    if p.in_scope(s.region) and (opened == ALL or s.activity in opened):
        return True
    return shares and ("sighting", s.pk) in p.shares


def sees_flag(p: Principal, fl: FactFlag, world) -> bool:
    if not p.reads("flag"):
        return False
    if p.superuser:
        return True
    if p.kind not in FLAGS_ALL and p.kind not in fl.routed_to:
        return False
    return (fl.foreigner is not None and sees_foreigner(p, world.foreigners[fl.foreigner])) or (
        fl.sighting is not None and sees_sighting(p, world.sightings[fl.sighting])
    )


def works_flag(p: Principal, fl: FactFlag, world) -> bool:
    """May acknowledge / resolve: sees the flag AND it is routed to the agency kind (DESIGN §1:
    officers work the alerts routed to their agency), or the agency writes flags (the Kanim)."""
    if not sees_flag(p, fl, world):
        return False
    return p.superuser or p.writes("flag") or p.kind in fl.routed_to
