"""The kinds of in-portal notification (``Notification.kind``) and their labels.

The notification centre lists, filters and labels notifications by kind. This app knows only its
own kinds; a higher app registers its kinds in its ``AppConfig.ready()`` with
:func:`notification_kind_register` (reports: new and escalated flags, reviewed reports; tasks
and meetings likewise), so no lower app names a higher app's records. An unregistered kind is
still listed, under a generic label.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

_KINDS: dict[str, Promise | str] = {}


def notification_kind_register(kind: str, label: Promise | str) -> None:
    """Declare a kind and its (lazily translated) label; registering a kind again replaces
    its label."""
    _KINDS[kind] = label


def notification_kinds() -> dict[str, Promise | str]:
    return dict(_KINDS)


def notification_kind_label(kind: str) -> str:
    return str(_KINDS.get(kind, _("Notification")))


notification_kind_register("share.granted", _("Record shared with you"))
notification_kind_register("access_request.new", _("Access request to decide"))
notification_kind_register("access_request.decided", _("Access request decided"))
