"""The default policy of DESIGN.md §4: agency kind × data category → level (and subset).

Seeded into :class:`agencies.models.PolicyRule` by a data migration and by
:func:`agencies.services.policy_seed`; after that the table in the database is the policy and the
system admin edits it in the admin site. Deny by default: a category or agency kind missing here
(and in the table) gets ``none``.

Sightings carry a *subset*: the activity kinds the agency kind sees in its region
(``*`` = all). Every agency also sees the sightings it reported itself; an empty subset means
"own reports only" (Disdukcapil: "own"; Kejari: "shared" — only own reports and shares).
Flags: ``*`` = every flag whose subject is in scope (Kanim, camat); empty = only flags routed to
the agency kind.
"""

from .categories import ALL_SUBSET
from .categories import Category as C
from .categories import Level as L
from .models import Agency

K = Agency.Kind
R, W = L.READ, L.WRITE

DEFAULT_POLICY: dict[str, dict[str, str]] = {
    K.IMIGRASI: {c: W for c in C.ALL},
    K.KANWIL: {c: W for c in C.ALL},
    K.POLRES: {
        C.IDENTITY: R,
        C.DOCUMENT: R,
        C.PERMIT_STATUS: R,
        C.PERMIT: R,
        C.RESIDENCE: R,
        C.EMPLOYMENT: R,
        C.SIGHTING: W,
        C.FLAG: R,
        # Issue 12: enforcement actions (TAK) are visible to Imigrasi, Kejari and Polres.
        C.ENFORCEMENT: R,
    },
    K.KODIM: {
        C.IDENTITY: R,
        C.PERMIT_STATUS: R,
        C.PERMIT: R,
        C.RESIDENCE: R,
        C.SIGHTING: W,
        C.FLAG: R,
    },
    K.KEJARI: {
        C.IDENTITY: R,
        C.DOCUMENT: R,
        C.PERMIT_STATUS: R,
        C.PERMIT: R,
        C.SIGHTING: R,
        C.ENFORCEMENT: R,
        C.FLAG: R,
    },
    K.DISDUKCAPIL: {
        C.IDENTITY: R,
        C.PERMIT_STATUS: R,
        C.PERMIT: R,
        C.RESIDENCE: W,
        C.SIGHTING: W,
        C.FLAG: R,
    },
    K.DISNAKER: {
        C.IDENTITY: R,
        C.PERMIT_STATUS: R,
        C.PERMIT: R,
        C.EMPLOYMENT: W,
        C.SIGHTING: W,
        C.FLAG: R,
    },
    K.DPMPTSP: {
        C.IDENTITY: R,
        C.PERMIT_STATUS: R,
        C.PERMIT: R,
        C.EMPLOYMENT: R,
        C.SIGHTING: W,
        C.FLAG: R,
    },
    K.KESBANGPOL: {
        C.IDENTITY: R,
        C.PERMIT_STATUS: R,
        C.PERMIT: R,
        C.RESIDENCE: R,
        C.EMPLOYMENT: R,
        C.SIGHTING: W,
        C.FLAG: R,
    },
    K.KEMENAG: {C.IDENTITY: R, C.SIGHTING: W, C.FLAG: R},
    K.PARIWISATA: {C.IDENTITY: R, C.SIGHTING: W, C.FLAG: R},
    K.BEA_CUKAI: {C.IDENTITY: R, C.DOCUMENT: R, C.SIGHTING: W, C.FLAG: R},
    K.KSOP: {C.IDENTITY: R, C.DOCUMENT: R, C.SIGHTING: W, C.FLAG: R},
    # Not in DESIGN's table: the regional secretariat chairs nothing operational.
    K.SEKDA: {C.IDENTITY: R, C.PERMIT_STATUS: R, C.PERMIT: R, C.FLAG: R},
    # Camat: everything only inside their own kecamatan (the scope does that); permits "type and
    # validity only" (the status part); residence rows only inside the kecamatan (row scope).
    K.KECAMATAN: {C.IDENTITY: R, C.PERMIT_STATUS: R, C.RESIDENCE: R, C.SIGHTING: W, C.FLAG: R},
}

ALL = [ALL_SUBSET]
DEFAULT_SUBSETS: dict[str, dict[str, list[str]]] = {
    K.IMIGRASI: {C.SIGHTING: ALL, C.FLAG: ALL},
    K.KANWIL: {C.SIGHTING: ALL, C.FLAG: ALL},
    K.POLRES: {C.SIGHTING: ALL},
    K.KODIM: {C.SIGHTING: ALL},
    K.KEJARI: {C.SIGHTING: []},  # "shared": own reports and shares only
    K.DISDUKCAPIL: {C.SIGHTING: []},  # "own"
    K.DISNAKER: {C.SIGHTING: ["work"]},
    K.DPMPTSP: {C.SIGHTING: ["work", "business"]},
    K.KESBANGPOL: {C.SIGHTING: ["political", "social"]},
    K.KEMENAG: {C.SIGHTING: ["religious"]},
    K.PARIWISATA: {C.SIGHTING: ["tourism"]},
    # "port / customs": sightings have no port activity kind yet; trade is the nearest.
    K.BEA_CUKAI: {C.SIGHTING: ["business"]},
    K.KSOP: {C.SIGHTING: ["business"]},
    K.KECAMATAN: {C.SIGHTING: ALL, C.FLAG: ALL},
}


def default_rules() -> list[tuple[str, str, str, list[str]]]:
    """(agency kind, category, level, subset) for every non-``none`` cell of the default."""
    return [
        (kind, category, level, list(DEFAULT_SUBSETS.get(kind, {}).get(category, [])))
        for kind, levels in DEFAULT_POLICY.items()
        for category, level in levels.items()
        if level != L.NONE
    ]
