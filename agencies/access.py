"""The access policy: what each user may see and change. The one place that decides it.

It knows agencies, officers and regions only — no foreigner or sighting model. Each model's
``visible_to`` / selector asks it for the user's categories (``can_read``) and geographic scope
(``region_q``), so pages, API, exports, search, counts and the admin all agree.

Three layers combine here (DESIGN.md §4): the policy (agency kind × data category → level),
the geographic scope (region subtrees, a camat's kecamatan), and record shares (guardian).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Agency, Officer, region_prefix_q


class Category:
    """Data categories a policy grants levels on."""

    IDENTITY = "identity"  # name, sex, nationality, photo
    DOCUMENT = "document"  # passport numbers
    PERMIT = "permit"
    RESIDENCE = "residence"  # address, coordinates
    EMPLOYMENT = "employment"  # sponsor, occupation
    SIGHTING = "sighting"
    FLAG = "flag"
    ENFORCEMENT = "enforcement"  # TAK
    AUDIT = "audit"

    CHOICES = [
        (IDENTITY, _("Identity")),
        (DOCUMENT, _("Travel documents")),
        (PERMIT, _("Stay permits")),
        (RESIDENCE, _("Residence")),
        (EMPLOYMENT, _("Employment and sponsor")),
        (SIGHTING, _("Sightings")),
        (FLAG, _("Flags")),
        (ENFORCEMENT, _("Enforcement (TAK)")),
        (AUDIT, _("Audit log")),
    ]
    ALL = tuple(code for code, _label in CHOICES)


class Level:
    NONE = "none"
    READ = "read"
    WRITE = "write"
    CHOICES = [(NONE, _("None")), (READ, _("Read")), (WRITE, _("Write"))]
    ORDER = {NONE: 0, READ: 1, WRITE: 2}


@dataclass(frozen=True)
class Access:
    """What one user may do, computed once per request by :func:`access_for`.

    ``scope_codes`` are the region codes whose subtrees the user sees; ``None`` means
    unrestricted (system admin). An empty tuple sees nothing.
    """

    user_id: int | None
    agency_id: int | None = None
    agency_kind: str | None = None
    role: str | None = None
    levels: dict[str, str] = field(default_factory=dict)
    scope_codes: tuple[str, ...] | None = ()
    is_system_admin: bool = False

    def level(self, category: str) -> str:
        if self.is_system_admin:
            return Level.WRITE
        return self.levels.get(category, Level.NONE)

    def can_read(self, category: str) -> bool:
        return Level.ORDER[self.level(category)] >= Level.ORDER[Level.READ]

    def can_write(self, category: str) -> bool:
        return self.level(category) == Level.WRITE

    @property
    def is_active(self) -> bool:
        return self.is_system_admin or self.agency_id is not None

    def region_q(self, field: str) -> Q:
        """A filter keeping rows whose region ``field`` lies inside the user's scope."""
        if self.scope_codes is None:
            return Q()
        if not self.scope_codes:
            return Q(pk__in=[])
        q = Q()
        for code in self.scope_codes:
            q |= region_prefix_q(field, code)
        return q


NO_ACCESS = Access(user_id=None)


def _default_levels(kind: str) -> dict[str, str]:
    from .policy_defaults import DEFAULT_POLICY

    return dict(DEFAULT_POLICY.get(kind, {}))


def access_for(user) -> Access:
    """The user's access, cached on the user object for the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_ACCESS
    cached = getattr(user, "_timpora_access", None)
    if cached is not None:
        return cached
    if user.is_superuser:
        access = Access(user_id=user.pk, scope_codes=None, is_system_admin=True)
    else:
        officer = (
            Officer.objects.select_related("agency")
            .filter(user=user, agency__is_active=True)
            .first()
        )
        if officer is None:
            access = Access(user_id=user.pk)
        else:
            access = Access(
                user_id=user.pk,
                agency_id=officer.agency_id,
                agency_kind=officer.agency.kind,
                role=officer.role,
                levels=_default_levels(officer.agency.kind),
                scope_codes=_scope_codes(officer),
            )
    user._timpora_access = access
    return access


def _scope_codes(officer: Officer) -> tuple[str, ...]:
    if officer.agency.kind == Agency.Kind.KECAMATAN or officer.kecamatan_id:
        return (officer.kecamatan_id or officer.agency.region_id,)
    codes = tuple(officer.agency.jurisdiction.values_list("code", flat=True))
    return codes or (officer.agency.region_id,)
