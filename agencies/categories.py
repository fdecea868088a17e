"""Data categories and access levels of the policy (DESIGN.md §4).

Kept apart from :mod:`agencies.access` so the models can use them as choices;
``agencies.access`` re-exports both (its interface is the one the rest of the project uses).
"""

from django.utils.translation import gettext_lazy as _


class Category:
    """Data categories a policy grants levels on."""

    IDENTITY = "identity"  # name, sex, nationality, photo
    DOCUMENT = "document"  # passport numbers
    # Field-level (DESIGN.md §4: the camat reads permit "type and validity only"): the status
    # part is the kind, validity dates and state of a permit; the detail part is everything else
    # (number, visa index, sponsor link, extensions, entries and exits with their ports).
    PERMIT_STATUS = "permit.status"
    PERMIT = "permit.detail"
    PERMIT_DETAIL = PERMIT
    RESIDENCE = "residence"  # address, coordinates
    EMPLOYMENT = "employment"  # sponsor, occupation
    SIGHTING = "sighting"
    FLAG = "flag"
    ENFORCEMENT = "enforcement"  # TAK
    AUDIT = "audit"

    CHOICES = [
        (IDENTITY, _("Identity")),
        (DOCUMENT, _("Travel documents")),
        (PERMIT_STATUS, _("Stay permits: type and validity")),
        (PERMIT, _("Stay permits: numbers, visa index, extensions, entries and exits")),
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


# In a policy row's ``subset``: the whole category (all sighting activities; all flags in scope
# rather than only those routed to the agency kind).
ALL_SUBSET = "*"
