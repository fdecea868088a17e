from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForeignersConfig(AppConfig):
    name = "foreigners"
    verbose_name = _("Foreign nationals")

    def ready(self) -> None:
        # Models and selectors can be imported only once the app registry is ready.
        from agencies.access import Category
        from agencies.registry import ShareableRecord, shareable_register

        from .models import Foreigner, ForeignerGroupObjectPermission, ForeignerUserObjectPermission
        from .selectors import visible_foreigners

        shareable_register(
            ShareableRecord(
                subject_type="foreigner",
                label=_("Foreign national"),
                model=Foreigner,
                user_perm_model=ForeignerUserObjectPermission,
                group_perm_model=ForeignerGroupObjectPermission,
                codename="view_foreigner",
                selector=visible_foreigners,
                region_field="residence_region",
                url_name="foreigner-detail",
                categories=(
                    Category.DOCUMENT,
                    Category.PERMIT_STATUS,
                    Category.PERMIT,
                    Category.RESIDENCE,
                    Category.EMPLOYMENT,
                ),
            )
        )
