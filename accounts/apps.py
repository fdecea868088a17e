from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Sign-in and its safeguards: the second factor (django-otp), session limits, the end of a
    deactivated account's sessions, response headers and API throttles. It owns no model of its
    own: devices are django-otp's, roles are agencies'."""

    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Imported here, once the app registry is ready: signals needs the user model.
        from django import forms

        from agencies.validators import validate_no_control_characters

        from . import signals  # noqa: F401  (connects the receivers)

        # Every text field of every form (portal, admin, sign-in) refuses control characters
        # with a field error, as Django's CharField already does for NUL. Subclasses with
        # validators of their own (email, URL, slug) keep theirs; their syntax excludes them.
        forms.CharField.default_validators = [validate_no_control_characters]
