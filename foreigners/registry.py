"""Extension points of the foreigners app, filled by the apps above it from their
``AppConfig.ready()`` (foreigners never names their models):

- *related panels*: sections of the person page that list another app's records about the
  person (reports adds sightings and flags);
- *scope contributors*: extra ways a person comes into an officer's scope beside their current
  residence (reports adds "seen in scope": a sighting of the person in the officer's regions).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q


@dataclass(frozen=True)
class RelatedPanel:
    """``rows(user, foreigner)`` fills the page context key ``name`` for viewers who may read
    ``category``. ``foreigner`` is always a person the user sees (the person page finds it
    through ``visible_foreigners``); a panel may rely on that, and must still scope its own
    rows (a sighting of a visible person is not always visible)."""

    name: str
    category: str
    rows: Callable[..., list]


# A contributor takes an :class:`agencies.access.Access` and returns a Q on Foreigner.
ScopeContributor = Callable[..., Q]

_PANELS: dict[str, RelatedPanel] = {}
_SCOPE_CONTRIBUTORS: dict[str, ScopeContributor] = {}


def related_panel_register(panel: RelatedPanel) -> None:
    _PANELS[panel.name] = panel


def related_panels() -> list[RelatedPanel]:
    return list(_PANELS.values())


def scope_contributor_register(name: str, contributor: ScopeContributor) -> None:
    """Registering under the same name again replaces the contributor."""
    _SCOPE_CONTRIBUTORS[name] = contributor


def scope_contributors() -> list[ScopeContributor]:
    return list(_SCOPE_CONTRIBUTORS.values())
