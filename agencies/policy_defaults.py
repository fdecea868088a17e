"""The default policy of DESIGN.md §4: agency kind × data category → level.

Deny by default: a category or agency kind missing here gets ``none``.
"""

from .access import Category as C
from .access import Level as L
from .models import Agency

K = Agency.Kind

_READ_ALL_BASE = {C.IDENTITY: L.READ, C.PERMIT: L.READ, C.SIGHTING: L.READ, C.FLAG: L.READ}

DEFAULT_POLICY: dict[str, dict[str, str]] = {
    K.IMIGRASI: {c: L.WRITE for c in C.ALL},
    K.KANWIL: {c: L.WRITE for c in C.ALL},
    K.POLRES: {
        C.IDENTITY: L.READ,
        C.DOCUMENT: L.READ,
        C.PERMIT: L.READ,
        C.RESIDENCE: L.READ,
        C.EMPLOYMENT: L.READ,
        C.SIGHTING: L.WRITE,
        C.FLAG: L.READ,
    },
    K.KODIM: {
        C.IDENTITY: L.READ,
        C.PERMIT: L.READ,
        C.RESIDENCE: L.READ,
        C.SIGHTING: L.WRITE,
        C.FLAG: L.READ,
    },
    K.KEJARI: {
        C.IDENTITY: L.READ,
        C.DOCUMENT: L.READ,
        C.PERMIT: L.READ,
        C.ENFORCEMENT: L.READ,
        C.FLAG: L.READ,
    },
    K.DISDUKCAPIL: {
        C.IDENTITY: L.READ,
        C.PERMIT: L.READ,
        C.RESIDENCE: L.WRITE,
        C.SIGHTING: L.WRITE,
        C.FLAG: L.READ,
    },
    K.DISNAKER: {**_READ_ALL_BASE, C.EMPLOYMENT: L.WRITE, C.SIGHTING: L.WRITE},
    K.DPMPTSP: {**_READ_ALL_BASE, C.EMPLOYMENT: L.READ, C.SIGHTING: L.WRITE},
    K.KESBANGPOL: {
        **_READ_ALL_BASE,
        C.RESIDENCE: L.READ,
        C.EMPLOYMENT: L.READ,
        C.SIGHTING: L.WRITE,
    },
    K.KEMENAG: {C.IDENTITY: L.READ, C.SIGHTING: L.WRITE, C.FLAG: L.READ},
    K.PARIWISATA: {C.IDENTITY: L.READ, C.SIGHTING: L.WRITE, C.FLAG: L.READ},
    K.BEA_CUKAI: {C.IDENTITY: L.READ, C.DOCUMENT: L.READ, C.SIGHTING: L.WRITE, C.FLAG: L.READ},
    K.KSOP: {C.IDENTITY: L.READ, C.DOCUMENT: L.READ, C.SIGHTING: L.WRITE, C.FLAG: L.READ},
    K.SEKDA: {C.IDENTITY: L.READ, C.PERMIT: L.READ, C.FLAG: L.READ},
    K.KECAMATAN: {
        C.IDENTITY: L.READ,
        C.PERMIT: L.READ,
        C.RESIDENCE: L.READ,
        C.SIGHTING: L.WRITE,
        C.FLAG: L.READ,
    },
}
