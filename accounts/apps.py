from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Sign-in and its safeguards: the second factor (django-otp), session limits, the end of a
    deactivated account's sessions, response headers and API throttles. It owns no model of its
    own: devices are django-otp's, roles are agencies'."""

    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the receivers)
