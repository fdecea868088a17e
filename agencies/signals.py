"""Keeps each officer in their agency's share group (guardian group shares reach them), and
invalidates the cached access of every user when something it is computed from changes."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .access import access_changed
from .models import Agency, Officer, PolicyRule, Region


@receiver(post_save, sender=Officer)
def officer_join_agency_group(sender, instance: Officer, **kwargs) -> None:
    groups = instance.user.groups
    stale = groups.filter(agency__isnull=False).exclude(agency__pk=instance.agency_id)
    if stale.exists():
        groups.remove(*stale)
    group_id = Agency.objects.filter(pk=instance.agency_id).values_list("group_id", flat=True)
    if group_id and group_id[0]:
        groups.add(group_id[0])


def _access_inputs_changed(sender, **kwargs) -> None:
    access_changed()


def _membership_changed(sender, action: str, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        access_changed()


# Saves and deletes of what Access is computed from (agencies.access._compute_access). The user
# row is not among them: it is read fresh on each request and is_active / is_superuser are
# checked against it. Regions: lists derived from a scope are cached under the same token
# (access.cached_for_scope).
for _model in (PolicyRule, Officer, Agency, Group, Region):
    post_save.connect(_access_inputs_changed, sender=_model, dispatch_uid=f"access-{_model}")
    post_delete.connect(_access_inputs_changed, sender=_model, dispatch_uid=f"access-d-{_model}")
m2m_changed.connect(
    _membership_changed, sender=Agency.jurisdiction.through, dispatch_uid="access-jurisdiction"
)
m2m_changed.connect(
    _membership_changed, sender=get_user_model().groups.through, dispatch_uid="access-groups"
)
