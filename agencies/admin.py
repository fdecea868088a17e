from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from .access import access_for
from .models import (
    AccessRequest,
    Agency,
    AuditEvent,
    Notification,
    Officer,
    PolicyChange,
    PolicyRule,
    RecordShare,
    Region,
)
from .services import policy_set


class ScopedAdminMixin:
    """For the admin of records the policy scopes (their queryset offers ``visible_to``): the
    admin is one more reader of the one enforcement point."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


class SystemAdminOnlyMixin:
    """Only the system admin (superuser) sees these models in the admin."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "region", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name"]
    autocomplete_fields = ["region"]
    filter_horizontal = ["jurisdiction"]


def _agency_admin_of(request):
    """The agency whose officers ``request.user`` manages as agency admin, else None."""
    access = access_for(request.user)
    if request.user.is_staff and access.can_manage_officers:
        return access.agency_id
    return None


@admin.register(Officer)
class OfficerAdmin(admin.ModelAdmin):
    """System admin: every officer. Agency admin (staff + role agency_admin): the officers of
    their own agency only — list, edit, add, remove; the agency cannot be changed to another."""

    list_display = ["user", "agency", "role", "kecamatan", "nip"]
    list_filter = ["role", "agency__kind"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "nip"]
    autocomplete_fields = ["user", "agency", "kecamatan"]
    list_select_related = ["user", "agency", "kecamatan"]

    def _allowed(self, request) -> bool:
        return request.user.is_superuser or _agency_admin_of(request) is not None

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request) and self._owns(request, obj)

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request) and self._owns(request, obj)

    def has_delete_permission(self, request, obj=None):
        return (
            self._allowed(request)
            and self._owns(request, obj)
            and (obj is None or obj.user_id != request.user.pk)
        )

    def _owns(self, request, obj) -> bool:
        return (
            request.user.is_superuser or obj is None or obj.agency_id == _agency_admin_of(request)
        )

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(agency_id=_agency_admin_of(request))

    def get_autocomplete_fields(self, request):
        if request.user.is_superuser:
            return self.autocomplete_fields
        return ["kecamatan"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            agency_id = _agency_admin_of(request)
            if db_field.name == "agency":
                kwargs["queryset"] = Agency.objects.filter(pk=agency_id)
            elif db_field.name == "user":
                # Accounts not yet attached to an agency, or already in this one.
                kwargs["queryset"] = get_user_model().objects.filter(
                    is_superuser=False, officer__isnull=True
                ) | get_user_model().objects.filter(officer__agency_id=agency_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser and obj.agency_id != _agency_admin_of(request):
            raise PermissionDenied
        super().save_model(request, obj, form, change)


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class ScopedUserAdmin(UserAdmin):
    """An agency admin may view and (de)activate the accounts of their own agency's officers;
    privileges (staff, superuser, groups, permissions) stay with the system admin."""

    def _agency(self, request):
        return None if request.user.is_superuser else _agency_admin_of(request)

    def has_module_permission(self, request):
        return request.user.is_superuser or self._agency(request) is not None

    def has_view_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        if request.user.is_superuser:
            return True
        agency_id = self._agency(request)
        if agency_id is None:
            return False
        return obj is None or (
            not obj.is_superuser and Officer.objects.filter(user=obj, agency_id=agency_id).exists()
        )

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(officer__agency_id=self._agency(request), is_superuser=False)

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return [
            "username",
            "is_staff",
            "is_superuser",
            "groups",
            "user_permissions",
            "last_login",
            "date_joined",
        ]


@admin.register(Notification)
class NotificationAdmin(SystemAdminOnlyMixin, admin.ModelAdmin):
    list_display = ["title", "recipient", "kind", "created_at", "read_at"]
    list_filter = ["kind"]
    raw_id_fields = ["recipient"]


@admin.register(PolicyRule)
class PolicyRuleAdmin(SystemAdminOnlyMixin, admin.ModelAdmin):
    """The access policy, edited by the system admin; every save goes through ``policy_set``
    so the change log records who changed what, when, old → new."""

    list_display = ["agency_kind", "category", "level", "subset", "updated_at"]
    list_filter = ["agency_kind", "category", "level"]
    list_editable = ["level"]
    ordering = ["agency_kind", "category"]

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        # Deleting a cell would drop it from the log; set it to "none" instead.
        return False

    def get_readonly_fields(self, request, obj=None):
        return ["agency_kind", "category"] if obj else []

    def save_model(self, request, obj, form, change):
        rule = policy_set(
            agency_kind=obj.agency_kind,
            category=obj.category,
            level=obj.level,
            subset=list(obj.subset),
            changed_by=request.user,
        )
        obj.pk = rule.pk
        messages.info(request, _("Policy changes apply to each user's next request."))


@admin.register(PolicyChange)
class PolicyChangeAdmin(SystemAdminOnlyMixin, ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "changed_at",
        "changed_by",
        "agency_kind",
        "category",
        "old_level",
        "new_level",
        "old_subset",
        "new_subset",
    ]
    list_filter = ["agency_kind", "category"]


@admin.register(RecordShare)
class RecordShareAdmin(SystemAdminOnlyMixin, ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "subject_type",
        "subject_id",
        "user",
        "agency",
        "granted_by",
        "granted_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = ["subject_type"]
    raw_id_fields = ["user", "granted_by", "revoked_by"]


@admin.register(AccessRequest)
class AccessRequestAdmin(SystemAdminOnlyMixin, ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["requester", "subject_type", "subject_id", "owning_agency", "status"]
    list_filter = ["status", "subject_type"]


@admin.register(AuditEvent)
class AuditEventAdmin(SystemAdminOnlyMixin, ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["at", "user", "agency", "action", "subject_type", "subject_id"]
    list_filter = ["action", "subject_type"]
    raw_id_fields = ["user"]
    show_full_result_count = False
