"""Extension points of the agencies app: the records that can be shared, requested and audited.

agencies sits below foreigners and reports, so it never names their models. Each higher app
describes its shareable records here from its ``AppConfig.ready()``; the share and access-request
services then work on whatever is registered (DESIGN.md §4.3).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class ShareableRecord:
    """A kind of record that can be shared with an officer or an agency.

    ``selector(user, shares=…)`` is the record's visibility selector; ``user_perm_model`` /
    ``group_perm_model`` are its guardian direct-FK tables (with :class:`ShareRowFields`);
    ``region_field`` locates the record for the owning agency; ``agency_field`` (optional) names
    the agency that decides when no Kanim or Kanwil covers the record's region.
    """

    subject_type: str
    label: str | Promise
    model: type[Model]
    user_perm_model: type[Model]
    group_perm_model: type[Model]
    codename: str
    selector: Callable[..., QuerySet]
    region_field: str
    url_name: str
    agency_field: str = ""
    # The data categories a share of such a record can open beyond the grantee's policy (an
    # access request asks for some of them; DESIGN.md §4.3 "shares open fields").
    categories: tuple[str, ...] = ()


_SHAREABLE: dict[str, ShareableRecord] = {}


def shareable_register(record: ShareableRecord) -> None:
    """Called from the owning app's ``AppConfig.ready()``; registering twice replaces."""
    _SHAREABLE[record.subject_type] = record


def shareable_records() -> list[ShareableRecord]:
    return list(_SHAREABLE.values())


def is_shareable(subject_type: str) -> bool:
    return subject_type in _SHAREABLE


def shareable(subject_type: str) -> ShareableRecord:
    """The registered record kind, or a ValidationError on ``subject_type``."""
    try:
        return _SHAREABLE[subject_type]
    except KeyError:
        raise ValidationError(
            {"subject_type": _("This kind of record cannot be shared.")}
        ) from None


def subject_label(subject_type: str) -> str:
    """The human name of a record kind (the raw value for one no app registers)."""
    record = _SHAREABLE.get(subject_type)
    return str(record.label) if record else subject_type
