from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForeignersConfig(AppConfig):
    name = "foreigners"
    verbose_name = _("Foreign nationals")
