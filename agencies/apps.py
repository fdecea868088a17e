from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = _("Agencies and regions")

    def ready(self) -> None:
        # Signal receivers connect on import, which must wait for the app registry.
        from . import signals  # noqa: F401
