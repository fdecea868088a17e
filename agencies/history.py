"""Every write is history: database triggers (django-pghistory) copy each inserted, changed or
deleted row of a tracked model into its event table, whatever wrote it (a service, the admin,
``QuerySet.update()``, ``bulk_create``, psql). The pghistory middleware adds the user and URL of
the request to each event; event tables are append-only (``PGHISTORY_APPEND_ONLY``).

Each app registers its models with :func:`track`, naming the data category of the row and of
each field, so a timeline shows a reader only what the policy lets them read (deny by default:
a field without a category is never shown). :func:`timeline` turns events into entries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import pghistory
import pghistory.middleware
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import Resolver404, resolve
from django.utils.dateparse import parse_date, parse_datetime
from pghistory.models import Events

from .registry import shareable


@dataclass(frozen=True)
class Tracked:
    category: str  # the row's category: no event of it is shown without it
    fields: dict[str, str]  # shown field → its category; fields not named are never shown
    # A region field of the row itself: every value of the row is readable only where the row
    # lay inside the reader's readable area at that time (a residence in another kecamatan stays
    # hidden with the residence, before and after a move).
    scope_field: str = ""
    # Fields whose value is itself a region code of their category (a person's residence
    # region): readable only where that region is (``reads_region``).
    region_fields: tuple[str, ...] = ()
    # Fields naming another record (field → shareable subject type): the id is shown only to
    # who sees that record (agencies.registry), like the record's own page.
    references: dict[str, str] = field(default_factory=dict)
    model: type[models.Model] | None = None  # the tracked model (events name it by label)
    # field → how a stored value reads (a rule code's title); fields with choices show their
    # label and dates are shown as dates without it: a history never shows a raw code.
    display: dict[str, Callable[[Any], str]] = field(default_factory=dict)


TRACKED: dict[str, Tracked] = {}  # event model label → what a reader may see of it


def track(
    model: type[models.Model],
    *,
    category: str,
    fields: dict[str, str],
    exclude=(),
    scope_field: str = "",
    region_fields: tuple[str, ...] = (),
    references: dict[str, str] | None = None,
    display: dict[str, Callable[[Any], str]] | None = None,
    bulk: bool = False,
):
    """Install insert / update / delete history triggers on ``model``. ``updated_at`` is left
    out, so touching only it records nothing.

    ``bulk``: for a model written mostly by set-based statements of many rows (the rules' flags:
    a first national scan opens over a million in a few statements). Its triggers fire once per
    statement and copy the statement's rows from its transition tables in one INSERT, instead
    of running a trigger function per row (a third of a first scan's time); and its event
    table indexes only what the timeline reads (the record), not each reference to another
    record (``references()`` is never asked of such a model). The events are the same."""
    names = {f.name for f in model._meta.concrete_fields}
    level = pghistory.Statement if bulk else None
    attrs = {}
    if bulk:
        attrs = {
            f.name: _unindexed_reference(f)
            for f in model._meta.concrete_fields
            if isinstance(f, models.ForeignKey) and f.name not in exclude
        }
    pghistory.track(
        pghistory.InsertEvent(level=level),
        pghistory.UpdateEvent(level=level),
        pghistory.DeleteEvent(level=level),
        exclude=[n for n in ("updated_at", *exclude) if n in names],
        # Looked up by record through the (pgh_obj, pgh_id) index below, which also serves every
        # lookup of pgh_obj alone: a second index of pgh_obj only cost each write.
        obj_field=pghistory.ObjForeignKey(db_index=False),
        attrs=attrs,
        # A record's events in order: the timeline reads them by record, and pghistory's diff
        # looks up each event's previous one (pgh_obj = x AND pgh_id < y, newest first). Without
        # it PostgreSQL walked the event table's primary key backwards from the event, past the
        # events of every other record (a million at national scale, seconds per person page).
        meta={
            "indexes": [
                models.Index(
                    fields=["pgh_obj", "pgh_id"], name=f"{model._meta.model_name[:18]}_pgh_obj_idx"
                )
            ]
        },
    )(model)
    event_model = model.pgh_event_model
    TRACKED[event_model._meta.label] = Tracked(
        category=category,
        fields=dict(fields),
        scope_field=scope_field,
        region_fields=tuple(region_fields),
        references=dict(references or {}),
        model=model,
        display=dict(display or {}),
    )
    return model


def _unindexed_reference(field: models.ForeignKey) -> models.ForeignKey:
    """An event table's copy of a foreign key as pghistory makes it (no constraint, no reverse
    accessor, nothing done on delete), without its index."""
    return models.ForeignKey(
        field.remote_field.model,
        verbose_name=field.verbose_name,
        null=field.null,
        blank=field.blank,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
        related_query_name="+",
    )


def event_model(model: type[models.Model]) -> type[models.Model]:
    return model.pgh_event_model


class Reader(Protocol):
    """What :func:`timeline` asks of the reader: :class:`agencies.access.RowAccess` (the policy
    ∪ the shares of the record, and the row scope of region-bound values)."""

    def can_read(self, category: str) -> bool: ...

    def reads_region(self, category: str, code: str | None) -> bool: ...


@dataclass
class Change:
    field: str
    label: str
    old: object
    new: object
    # A side the reader may not read (a residence moved in from, or out to, another kecamatan)
    # is rendered "restricted", never its value.
    old_hidden: bool = False
    new_hidden: bool = False


@dataclass
class Entry:
    at: dt.datetime
    action: str  # insert | update | delete
    model: str  # verbose name of the changed record
    object_id: str
    user: str
    changes: list[Change] = field(default_factory=list)


_BATCH = 200


def timeline(reader: Reader, events: Events, *, among, user=None, limit: int = 100) -> list[Entry]:
    """Entries (newest first, at most ``limit``) of ``events`` — an ``Events`` queryset already
    narrowed with ``references()``/``tracks()`` to one record — of the tracked models ``among``
    (rows that belong to the record, not related records with their own scope).

    Each entry is a read of the categories of the fields it changes, so it goes through the
    same checks as the record's page (``reader`` is the record's ``RowAccess``: policy, shares,
    row scope): a field is shown only when its category is readable, a region-bound value
    (``scope_field``, ``region_fields``) only inside the reader's readable area, an id of
    another record (``references``) only to who sees that record (``user``'s selector). An
    entry with nothing readable is dropped, and ``limit`` counts only entries shown, so neither
    the entries nor their number depend on what the reader may not read."""
    labels = [event_model(m)._meta.label for m in among]
    fetched = [label for label in labels if reader.can_read(TRACKED[label].category)]
    if not fetched:
        return []
    # pgh_id is numbered per event table: events of one transaction (one time) in two tables
    # may share it, and the model makes the order total (else the order of such ties would
    # follow the plan, and differ with rows the reader never sees).
    ordered = events.across(*fetched).order_by("-pgh_created_at", "-pgh_id", "pgh_model")
    entries: list[Entry] = []
    offset = 0
    while len(entries) < limit:
        rows = list(ordered[offset : offset + _BATCH])
        visible_refs = _visible_references(user, rows)
        users = _user_names(rows)
        for row in rows:
            entry = _entry(reader, row, visible_refs, users)
            if entry is not None:
                entries.append(entry)
                if len(entries) == limit:
                    break
        if len(rows) < _BATCH:
            break
        offset += _BATCH
    return entries


def _entry(reader: Reader, row, visible_refs, users) -> Entry | None:
    spec = TRACKED[row.pgh_model]
    model = spec.model
    data = row.pgh_data or {}
    if row.pgh_label == "update":
        diff = row.pgh_diff or {}
        new_side = data
        old_side = {**data, **{column: old for column, (old, _new) in diff.items()}}
        columns = list(diff)
    else:
        # An insert shows the new row, a delete the row removed; both as "new" values.
        new_side = old_side = data
        columns = [c for c in _field_columns(model, spec) if data.get(c) not in (None, "")]
    names = _field_columns(model, spec)
    changes = []
    for column in columns:
        name = names.get(column)
        if name is None:
            continue
        new_ok = _readable(reader, spec, model, name, new_side, visible_refs)
        if row.pgh_label != "update":
            if new_ok:
                value = _value(spec, name, new_side.get(column), users, visible_refs)
                changes.append(Change(name, _label(model, name), None, value))
            continue
        old_ok = _readable(reader, spec, model, name, old_side, visible_refs)
        if not (new_ok or old_ok):
            continue
        changes.append(
            Change(
                name,
                _label(model, name),
                _value(spec, name, old_side.get(column), users, visible_refs) if old_ok else None,
                _value(spec, name, new_side.get(column), users, visible_refs) if new_ok else None,
                old_hidden=not old_ok,
                new_hidden=not new_ok,
            )
        )
    if not changes:
        return None  # nothing this reader may see changed
    return Entry(
        at=row.pgh_created_at,
        action=row.pgh_label,
        model=str(model._meta.verbose_name),
        object_id=str(row.pgh_obj_id),
        user=users.get(_context_user(row), ""),
        changes=changes,
    )


def _value(spec: Tracked, name: str, raw, users: dict[int, str], refs=None):
    """A stored value as the reader should see it: a choice's label, a date as a date, a user
    by name (``users``), another record by its name (``refs``: only records the reader sees
    are ever shown), or what the registering app's ``display`` makes of it."""
    if raw in (None, ""):
        return raw
    if name in spec.references:
        return (refs or {}).get(spec.references[name], {}).get(int(raw), raw)
    if name in spec.display:
        return spec.display[name](raw)
    try:
        model_field = spec.model._meta.get_field(name)
    except FieldDoesNotExist:
        return raw
    if name in _user_fields(spec):
        return users.get(int(raw), raw)
    if model_field.choices:
        return dict(model_field.flatchoices).get(raw, raw)
    if isinstance(raw, str) and isinstance(model_field, models.DateTimeField):
        return parse_datetime(raw) or raw
    if isinstance(raw, str) and isinstance(model_field, models.DateField):
        return parse_date(raw) or raw
    return raw


def _field_columns(model, spec: Tracked) -> dict[str, str]:
    # Event rows are keyed by column (``region_id``), the spec by field name.
    return {model._meta.get_field(n).attname: n for n in spec.fields}


def _readable(reader: Reader, spec: Tracked, model, name: str, side: dict, refs) -> bool:
    """Whether the value of field ``name`` in the row state ``side`` is readable."""
    category = spec.fields[name]
    if not reader.can_read(category):
        return False
    if spec.scope_field:
        region = side.get(model._meta.get_field(spec.scope_field).attname)
        if not reader.reads_region(category, region):
            return False
    value = side.get(model._meta.get_field(name).attname)
    if name in spec.region_fields and value not in (None, ""):
        return reader.reads_region(category, value)
    if name in spec.references and value not in (None, ""):
        return int(value) in refs.get(spec.references[name], set())
    return True


def _visible_references(user, rows) -> dict[str, dict[int, str]]:
    """The records named by ``references`` fields of ``rows`` that ``user`` sees, by subject
    type, each id with the record's name (one query per type)."""
    wanted: dict[str, set[int]] = {}
    for row in rows:
        spec = TRACKED[row.pgh_model]
        for name, subject_type in spec.references.items():
            column = spec.model._meta.get_field(name).attname
            values = [(row.pgh_data or {}).get(column), *((row.pgh_diff or {}).get(column) or ())]
            ids = {int(v) for v in values if v not in (None, "")}
            wanted.setdefault(subject_type, set()).update(ids)
    if user is None:
        return {}
    return {
        subject_type: {
            record.pk: str(record)
            for record in shareable(subject_type).selector(user).filter(pk__in=ids)
        }
        for subject_type, ids in wanted.items()
    }


def _label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def _context_user(row) -> int | None:
    context = row.pgh_context or {}
    user = context.get("user") if isinstance(context, dict) else None
    return int(user) if user not in (None, "") else None


def _user_fields(spec: Tracked) -> list[str]:
    """The shown fields naming a user (who reviewed, who closed): shown by name, not id."""
    user_model = get_user_model()
    return [
        name
        for name in spec.fields
        if getattr(spec.model._meta.get_field(name), "related_model", None) is user_model
    ]


def _user_names(rows) -> dict[int, str]:
    """The names of the users who made the changes of ``rows`` and of those the changed values
    name (``_user_fields``)."""
    ids = {u for u in (_context_user(r) for r in rows) if u is not None}
    for row in rows:
        spec = TRACKED[row.pgh_model]
        for name in _user_fields(spec):
            column = spec.model._meta.get_field(name).attname
            values = [(row.pgh_data or {}).get(column), *((row.pgh_diff or {}).get(column) or ())]
            ids.update(int(v) for v in values if v not in (None, ""))
    if not ids:
        return {}
    users = get_user_model().objects.filter(pk__in=ids)
    return {u.pk: (u.get_full_name() or u.get_username()) for u in users}


# --- The request's context for the events (user, URL).


def writes_no_history(view):
    """Mark a view whose POST writes no tracked row (a search posted to keep its terms out of
    URLs, such as the passport-number lookup): :class:`HistoryMiddleware` gives its requests no
    event context. The context costs a statement per query (pghistory prepends a ``set_config``
    to each one); a write of a tracked row under a marked view would get an event without the
    user and URL, so mark only views that write no tracked row
    (``tests/agencies/test_history_context.py`` names the marked views and checks that their
    POSTs write no event)."""
    view.writes_no_history = True
    return view


class HistoryMiddleware(pghistory.middleware.HistoryMiddleware):
    """pghistory's middleware (the user and URL of each write's event), except for the POSTs of
    views marked :func:`writes_no_history`."""

    def __call__(self, request):
        if request.method == "POST" and _marked(request.path_info):
            return self.get_response(request)
        return super().__call__(request)


def _marked(path: str) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return marked_view(match.func)


def marked_view(func) -> bool:
    """Whether a URL's view (or, for a REST framework view set, its POST action) is marked
    :func:`writes_no_history`."""
    if getattr(func, "writes_no_history", False):
        return True
    cls, actions = getattr(func, "cls", None), getattr(func, "actions", None) or {}
    action = getattr(cls, actions.get("post", ""), None) if cls is not None else None
    return bool(getattr(action, "writes_no_history", False))
