from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports and flags")

    def ready(self) -> None:
        # The notification centre (agencies) labels the kinds this app sends.
        from agencies.notification_kinds import notification_kind_register

        notification_kind_register("flag.new", _("New alert"))
        notification_kind_register("flag.escalated", _("Alert escalated"))
        notification_kind_register("sighting.reviewed", _("Your report was reviewed"))
