"""Writes to flags made by officers through the portal (acknowledge, resolve)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Flag
from ..selectors import actionable_flags


def _flag_for_update(user, flag_id: int) -> Flag:
    flag = actionable_flags(user).select_for_update(of=("self",)).filter(pk=flag_id).first()
    if flag is None:
        raise PermissionDenied(_("This alert is not routed to your agency."))
    return flag


@transaction.atomic
def flag_acknowledge(*, flag_id: int, user) -> Flag:
    """Mark an open flag as seen and being worked on. Idempotent for acknowledged flags."""
    flag = _flag_for_update(user, flag_id)
    if flag.state == Flag.State.OPEN:
        flag.state = Flag.State.ACKNOWLEDGED
        flag.save(update_fields=["state", "updated_at"])
    elif flag.state != Flag.State.ACKNOWLEDGED:
        raise ValidationError(_("This flag is already closed."))
    return flag


@transaction.atomic
def flag_resolve(*, flag_id: int, user, note: str) -> Flag:
    """Close a flag by an officer's decision, with a note saying what was done."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what was done about this flag.")})
    flag = _flag_for_update(user, flag_id)
    if not flag.is_open:
        raise ValidationError(_("This flag is already closed."))
    flag.state = Flag.State.RESOLVED
    flag.closed_at = max(timezone.now(), flag.opened_at)
    flag.close_reason = note
    flag.closed_by = user
    flag.save(update_fields=["state", "closed_at", "close_reason", "closed_by", "updated_at"])
    return flag
