"""The access policy: what each user may see and change. The one place that decides it.

It knows agencies, officers and regions only — no foreigner or sighting model. Each model's
selector asks it for the user's categories (``can_read``), geographic scope (``region_q``),
category subsets (``subset``) and share grantee ids (``user_id``, ``group_id``), so pages, API,
exports, search, counts and the admin all agree.

Three layers combine here (DESIGN.md §4): the policy (agency kind × data category → level, a
table the system admin edits: :class:`~agencies.models.PolicyRule`), the geographic scope
(region subtrees, a camat's kecamatan), and record shares (guardian rows, joined by the
selectors). Deny by default: no officer profile, a disabled account, an inactive agency or a
missing policy row all mean nothing.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from functools import cached_property

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q

from .categories import ALL_SUBSET, Category, Level
from .models import Agency, Officer, PolicyRule, region_prefix_q

__all__ = [
    "ALL_SUBSET",
    "NO_ACCESS",
    "Access",
    "Category",
    "Level",
    "RowAccess",
    "access_changed",
    "access_for",
    "cached_for_scope",
]


# Template names of the categories (``can.read.permit_status``): a dot cannot be part of a
# template lookup. ``permit`` is the permit detail (Category.PERMIT), ``permit_status`` its type
# and validity.
TEMPLATE_KEYS = {c.replace(".", "_"): c for c in Category.ALL} | {"permit": Category.PERMIT}


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
    # The agency's auth group (guardian group shares), None if it has never been shared with.
    group_id: int | None = None
    subsets: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def level(self, category: str) -> str:
        if self.is_system_admin:
            return Level.WRITE
        return self.levels.get(category, Level.NONE)

    def can_read(self, category: str) -> bool:
        return Level.ORDER[self.level(category)] >= Level.ORDER[Level.READ]

    def can_write(self, category: str) -> bool:
        return self.level(category) == Level.WRITE

    def readable(self) -> frozenset[str]:
        """The categories whose fields this user may see (field masking uses this)."""
        return frozenset(c for c in Category.ALL if self.can_read(c))

    def subset(self, category: str) -> tuple[str, ...]:
        """The part of ``category`` the policy opens (see PolicyRule.subset)."""
        if self.is_system_admin:
            return (ALL_SUBSET,)
        return self.subsets.get(category, ())

    def sees_whole(self, category: str) -> bool:
        return ALL_SUBSET in self.subset(category)

    @property
    def is_active(self) -> bool:
        return self.is_system_admin or self.agency_id is not None

    @property
    def is_supervisor(self) -> bool:
        return self.is_system_admin or self.role == Officer.Role.SUPERVISOR

    # --- Capabilities: the one home of "may this user do X" beyond a category level.

    @property
    def can_submit_sightings(self) -> bool:
        """Sightings are submitted by officers of an agency whose policy writes sightings (the
        system admin has no agency to report for)."""
        return self.can_write(Category.SIGHTING) and self.agency_id is not None

    @property
    def can_review_sightings(self) -> bool:
        """Reviewing sightings is the records office's job: those who may write sightings *and*
        identity records (the Kanim under the default policy)."""
        return self.can_write(Category.SIGHTING) and self.can_write(Category.IDENTITY)

    @property
    def can_share(self) -> bool:
        """Sharing a record (what the sharer sees by their own scope) is a supervisor's call."""
        return self.is_supervisor

    @property
    def can_coordinate(self) -> bool:
        """Runs Timpora meetings and joint operations and gives tasks between agencies: a
        supervisor of an agency that supervises its whole area and works flags (the Kanim and
        the Kanwil under the default policy)."""
        return (
            self.agency_id is not None
            and self.role == Officer.Role.SUPERVISOR
            and self.sees_whole(Category.FLAG)
            and self.can_write(Category.FLAG)
        )

    @property
    def can_request_access(self) -> bool:
        return self.is_active and not self.is_system_admin

    def can_decide_requests_of(self, agency_id: int | None) -> bool:
        """Access requests to an agency's records are decided by its supervisors."""
        return self.is_system_admin or (self.is_supervisor and self.agency_id == agency_id)

    @property
    def can_manage_officers(self) -> bool:
        """An agency admin manages the officer accounts of their own agency (in the admin site,
        which also requires a staff account)."""
        return self.role == Officer.Role.AGENCY_ADMIN and self.agency_id is not None

    @cached_property
    def template_flags(self) -> dict:
        """What templates test (``can.read.permit``, ``can.review``…), built once per Access:
        the context processor ``timpora.context_processors.portal`` hands it to every page."""
        return {
            "read": {key: self.can_read(c) for key, c in TEMPLATE_KEYS.items()},
            "write": {key: self.can_write(c) for key, c in TEMPLATE_KEYS.items()},
            "submit": self.can_submit_sightings,
            "review": self.can_review_sightings,
            "share": self.can_share,
            "active": self.is_active,
            "coordinate": self.can_coordinate,
        }

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

    def in_scope(self, code: str | None) -> bool:
        """Python twin of :meth:`region_q` for one code already loaded (forms, services)."""
        if self.scope_codes is None:
            return True
        return bool(code) and any(
            code == root or code.startswith(root + ".") for root in self.scope_codes
        )


NO_ACCESS = Access(user_id=None)


@dataclass(frozen=True)
class RowAccess:
    """What one user may read of one record: the policy's categories ∪ the categories live
    shares open on that record (DESIGN.md §4.3), and for region-bound rows (residences) the
    geographic scope of *that* row. The same questions as :class:`Access`, asked per row."""

    access: Access
    shared: frozenset[str] = frozenset()

    def can_read(self, category: str) -> bool:
        return category in self.shared or self.access.can_read(category)

    def can_write(self, category: str) -> bool:
        return self.access.can_write(category)

    def reads_region(self, category: str, code: str | None) -> bool:
        """Whether a value of ``category`` located in region ``code`` is readable: a share of
        the category opens it wherever it lies; the policy only inside the user's scope (a
        person seen in scope but living elsewhere keeps that address hidden)."""
        if category in self.shared or self.access.is_system_admin:
            return True
        return self.access.can_read(category) and self.access.in_scope(code)

    def readable(self) -> frozenset[str]:
        return self.access.readable() | self.shared

    @property
    def template_flags(self) -> dict:
        """The user's ``can`` flags with ``read`` answered for this record."""
        flags = dict(self.access.template_flags)
        flags["read"] = {key: self.can_read(c) for key, c in TEMPLATE_KEYS.items()}
        return flags


# The computed Access of each user is kept in the cache (Redis) between requests, stamped with a
# global version token. Any change that can alter somebody's access (a policy cell, an officer,
# an agency or its jurisdiction, group membership: see agencies.signals) replaces the token, so
# the next request of every user recomputes. The user row itself is loaded fresh on every request
# by the session middleware: is_active is checked before the cache, and is_superuser and
# date_joined are part of the stamp, so deactivating or promoting an account needs no bump.
#
# If the cache cannot be read, the access is computed from the database (the portal keeps
# working while Redis is down). A change made while the cache cannot be written raises (inside a
# transaction the change is rolled back); entries live ACCESS_CACHE_TIMEOUT at most.
ACCESS_VERSION_KEY = "access:version"
ACCESS_CACHE_TIMEOUT = 600

log = logging.getLogger(__name__)


def _access_key(user_id: int) -> str:
    return f"access:user:{user_id}"


def _new_token() -> None:
    cache.set(ACCESS_VERSION_KEY, uuid.uuid4().hex, timeout=None)


def access_changed() -> None:
    """Invalidate every cached :class:`Access`: now, and again when the current transaction
    commits (a request that recomputed in between read the old rows and must not be trusted).
    Until then, this connection neither reads nor fills the cache (a rollback would otherwise
    leave an entry computed from rows that never existed).

    Signals call it for model saves and deletes; code that changes officers, agencies, policy
    rows or group membership with ``QuerySet.update`` or ``bulk_create`` must call it itself."""
    _new_token()
    connection = transaction.get_connection()
    if connection.in_atomic_block:

        def committed() -> None:
            _new_token()

        transaction.on_commit(committed, robust=True)
        pending = getattr(connection, "_timpora_access_pending", None) or []
        connection._timpora_access_pending = [*pending, committed]


def _change_pending() -> bool:
    """Whether this connection's open transaction changed what access is computed from.

    The markers are the on_commit callbacks themselves: Django drops it from ``run_on_commit`` when its
    transaction or savepoint rolls back, and runs and drops it on commit."""
    connection = transaction.get_connection()
    markers = getattr(connection, "_timpora_access_pending", None)
    if not markers:
        return False
    queued = (
        {id(item[1]) for item in connection.run_on_commit} if connection.in_atomic_block else ()
    )
    markers = [m for m in markers if id(m) in queued]
    connection._timpora_access_pending = markers
    return bool(markers)


def _pending_memo() -> dict:
    """While a change is pending, what this connection computed since its last change: valid for
    this connection only (it reads its own uncommitted rows) and only until the next change.

    The memo is keyed by the pending markers, so a new :func:`access_changed` (one more marker)
    or a rolled-back savepoint (a marker fewer) starts an empty one. Without it, every request
    of a long transaction (a test, a management command) recomputes its access from the
    database."""
    connection = transaction.get_connection()
    signature = tuple(id(m) for m in connection._timpora_access_pending)
    memo = getattr(connection, "_timpora_access_memo", None)
    if memo is None or memo[0] != signature:
        memo = (signature, {})
        connection._timpora_access_memo = memo
    return memo[1]


def access_for(user) -> Access:
    """The user's access: cached on the user object for the request, and in the cache between
    requests (one cache round trip; three small queries when it must be recomputed: officer +
    agency, jurisdiction, policy rows of the agency kind)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_ACCESS
    cached = getattr(user, "_timpora_access", None)
    if cached is not None:
        return cached
    if _change_pending():
        memo = _pending_memo()
        stamp = ("user", user.pk, user.is_superuser, user.date_joined)
        access = memo.get(stamp)
        if access is None:
            access = memo[stamp] = _compute_access(user)
        user._timpora_access = access
        return access
    key = _access_key(user.pk)
    try:
        found = cache.get_many([ACCESS_VERSION_KEY, key])
        version = found.get(ACCESS_VERSION_KEY)
        if version is None:
            cache.add(ACCESS_VERSION_KEY, uuid.uuid4().hex, timeout=None)
            version = cache.get(ACCESS_VERSION_KEY)
    except Exception:  # the cache is unreachable: the database alone decides
        log.warning("access cache unreachable; computing the access of user %s", user.pk)
        access = _compute_access(user)
        user._timpora_access = access
        return access
    # Read before computing: if the rows change while we compute, the token changes and what we
    # store below is never used.
    stamp = (version, user.is_superuser, user.date_joined)
    entry = found.get(key)
    if version is not None and entry is not None and entry[0] == stamp:
        access = entry[1]
    else:
        access = _compute_access(user)
        if version is not None:
            try:
                cache.set(key, (stamp, access), timeout=ACCESS_CACHE_TIMEOUT)
            except Exception:
                log.warning("access cache unreachable; not storing the access of %s", user.pk)
    if version is not None:
        # The token this access was checked against, for cached_for_scope in the same request
        # (set after the cache write: it is never pickled with the entry).
        object.__setattr__(access, "_version", version)
    user._timpora_access = access
    return access


# Values of cached_for_scope already read by this process, by their cache key (which holds the
# version token, so an access change makes them unreachable); bounded.
_SCOPE_MEMO: dict[str, object] = {}
_SCOPE_MEMO_MAX = 512


def cached_for_scope(name: str, access: Access, compute):
    """``compute()``, cached per geographic scope under the current version token (for lists
    derived from the scope and the region tree, such as a form's kecamatan choices).

    The token is the one :func:`access_for` read for this request when it is known; a value
    already read by this process under that token is reused without asking the cache."""
    try:
        version = getattr(access, "_version", None) or cache.get(ACCESS_VERSION_KEY)
        if _change_pending():
            memo = _pending_memo()
            codes = access.scope_codes
            key = (name, None if codes is None else frozenset(codes))
            if key not in memo:
                memo[key] = compute()
            return memo[key]
        if version is None:
            return compute()
        scope = "*" if access.scope_codes is None else ",".join(sorted(access.scope_codes))
        key = f"access:{name}:{version}:{scope}"
        value = _SCOPE_MEMO.get(key)
        if value is not None:
            return value
        value = cache.get(key)
    except Exception:  # the cache is unreachable
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, timeout=ACCESS_CACHE_TIMEOUT)
        except Exception:
            log.warning("access cache unreachable; not storing %s", key)
            return value
    if len(_SCOPE_MEMO) >= _SCOPE_MEMO_MAX:
        _SCOPE_MEMO.clear()
    _SCOPE_MEMO[key] = value
    return value


def _compute_access(user) -> Access:
    if user.is_superuser:
        return Access(user_id=user.pk, scope_codes=None, is_system_admin=True)
    officer = (
        Officer.objects.select_related("agency").filter(user=user, agency__is_active=True).first()
    )
    if officer is None:
        return Access(user_id=user.pk)
    kind = officer.agency.kind
    rules = PolicyRule.objects.filter(agency_kind=kind).exclude(level=Level.NONE)
    levels, subsets = {}, {}
    for category, level, subset in rules.values_list("category", "level", "subset"):
        levels[str(category)] = str(level)
        subsets[str(category)] = tuple(subset)
    return Access(
        user_id=user.pk,
        agency_id=officer.agency_id,
        agency_kind=str(kind),
        role=str(officer.role),
        levels=levels,
        subsets=subsets,
        scope_codes=_scope_codes(officer),
        group_id=officer.agency.group_id,
    )


def access_forget(user) -> None:
    """Drop the per-request memo (after a change to the user's officer profile or policy; the
    cache between requests is invalidated by :func:`access_changed`)."""
    if user is not None and hasattr(user, "_timpora_access"):
        del user._timpora_access


def _scope_codes(officer: Officer) -> tuple[str, ...]:
    if officer.agency.kind == Agency.Kind.KECAMATAN or officer.kecamatan_id:
        return (officer.kecamatan_id or officer.agency.region_id,)
    codes = tuple(officer.agency.jurisdiction.values_list("code", flat=True))
    return codes or (officer.agency.region_id,)
