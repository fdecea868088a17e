from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports and flags")

    def ready(self) -> None:
        """Fill the extension points of the lower apps (agencies, foreigners) and register the
        Celery tasks (the outbox publishes them by name)."""
        # Models, selectors and tasks can be imported only once the app registry is ready.
        from agencies.access import Category
        from agencies.registry import ShareableRecord, shareable_register
        from foreigners.registry import (
            RelatedPanel,
            related_panel_register,
            scope_contributor_register,
        )

        from . import tasks  # noqa: F401
        from .models import Sighting, SightingGroupObjectPermission, SightingUserObjectPermission
        from .selectors import (
            foreigners_seen_in_scope_q,
            person_flags,
            person_sightings,
            visible_sightings,
        )

        shareable_register(
            ShareableRecord(
                subject_type="sighting",
                label=_("Sighting"),
                model=Sighting,
                user_perm_model=SightingUserObjectPermission,
                group_perm_model=SightingGroupObjectPermission,
                codename="view_sighting",
                selector=visible_sightings,
                region_field="region",
                url_name="sighting-detail",
                agency_field="reporting_agency",
            )
        )
        scope_contributor_register("reports.seen_in_scope", foreigners_seen_in_scope_q)
        related_panel_register(RelatedPanel("sightings", Category.SIGHTING, person_sightings))
        related_panel_register(RelatedPanel("flags", Category.FLAG, person_flags))
