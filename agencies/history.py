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
from typing import TYPE_CHECKING, Any

import pghistory
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.dateparse import parse_date, parse_datetime
from pghistory.models import Events

if TYPE_CHECKING:  # models.py imports this module: the policy module would be a cycle
    from .access import Access


@dataclass(frozen=True)
class Tracked:
    category: str  # the row's category: no event of it is shown without it
    fields: dict[str, str]  # shown field → its category; fields not named are never shown
    # A region field of the row itself: its events are shown only inside the reader's scope
    # (a residence in another kecamatan stays hidden with the residence).
    scope_field: str = ""
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
    display: dict[str, Callable[[Any], str]] | None = None,
):
    """Install insert / update / delete history triggers on ``model``. ``updated_at`` is left
    out, so touching only it records nothing."""
    names = {f.name for f in model._meta.concrete_fields}
    pghistory.track(
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
        exclude=[n for n in ("updated_at", *exclude) if n in names],
    )(model)
    event_model = model.pgh_event_model
    TRACKED[event_model._meta.label] = Tracked(
        category=category,
        fields=dict(fields),
        scope_field=scope_field,
        model=model,
        display=dict(display or {}),
    )
    return model


def event_model(model: type[models.Model]) -> type[models.Model]:
    return model.pgh_event_model


@dataclass
class Change:
    field: str
    label: str
    old: object
    new: object


@dataclass
class Entry:
    at: dt.datetime
    action: str  # insert | update | delete
    model: str  # verbose name of the changed record
    object_id: str
    user: str
    changes: list[Change] = field(default_factory=list)


def timeline(access: Access, events: Events, *, among, limit: int = 100) -> list[Entry]:
    """Entries (newest first) of ``events`` — an ``Events`` queryset already narrowed with
    ``references()``/``tracks()`` to one record — of the tracked models ``among`` (rows that
    belong to the record, not related records with their own scope), for a reader with
    ``access``: events of categories they cannot read are not fetched, fields they cannot read
    are not shown."""
    labels = [event_model(m)._meta.label for m in among]
    readable = [label for label in labels if access.can_read(TRACKED[label].category)]
    if not readable:
        return []
    rows = list(events.across(*readable).order_by("-pgh_created_at", "-pgh_id")[:limit])
    users = _user_names(rows)
    entries = []
    for row in rows:
        spec = TRACKED[row.pgh_model]
        model = _tracked_model(row.pgh_model)
        if spec.scope_field:
            region_column = model._meta.get_field(spec.scope_field).attname
            if not access.in_scope((row.pgh_data or {}).get(region_column)):
                continue
        # Event rows are keyed by column (``region_id``), the spec by field name.
        columns = {
            model._meta.get_field(n).attname: n
            for n, c in spec.fields.items()
            if access.can_read(c)
        }
        if row.pgh_label == "update":
            pairs = {k: v for k, v in (row.pgh_diff or {}).items() if k in columns}
            if not pairs:
                continue  # nothing this reader may see changed
            changes = [
                Change(
                    columns[k],
                    _label(model, columns[k]),
                    _value(spec, columns[k], old),
                    _value(spec, columns[k], new),
                )
                for k, (old, new) in pairs.items()
            ]
        else:
            data = row.pgh_data or {}
            changes = [
                Change(name, _label(model, name), None, _value(spec, name, data[column]))
                for column, name in columns.items()
                if data.get(column) not in (None, "")
            ]
        entries.append(
            Entry(
                at=row.pgh_created_at,
                action=row.pgh_label,
                model=str(model._meta.verbose_name),
                object_id=str(row.pgh_obj_id),
                user=users.get(_context_user(row), ""),
                changes=changes,
            )
        )
    return entries


def _tracked_model(event_label: str) -> type[models.Model]:
    return TRACKED[event_label].model


def _label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def _value(spec: Tracked, name: str, raw):
    """A stored value as the reader should see it: a choice's label, a date as a date, or what
    the registering app's ``display`` makes of it."""
    if raw in (None, ""):
        return raw
    if name in spec.display:
        return spec.display[name](raw)
    try:
        model_field = spec.model._meta.get_field(name)
    except FieldDoesNotExist:
        return raw
    if model_field.choices:
        return dict(model_field.flatchoices).get(raw, raw)
    if isinstance(raw, str) and isinstance(model_field, models.DateTimeField):
        return parse_datetime(raw) or raw
    if isinstance(raw, str) and isinstance(model_field, models.DateField):
        return parse_date(raw) or raw
    return raw


def _context_user(row) -> int | None:
    context = row.pgh_context or {}
    user = context.get("user") if isinstance(context, dict) else None
    return int(user) if user not in (None, "") else None


def _user_names(rows) -> dict[int, str]:
    ids = {u for u in (_context_user(r) for r in rows) if u is not None}
    if not ids:
        return {}
    users = get_user_model().objects.filter(pk__in=ids)
    return {u.pk: (u.get_full_name() or u.get_username()) for u in users}
