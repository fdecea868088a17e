"""Keeps each officer in their agency's share group (guardian group shares reach them)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Agency, Officer


@receiver(post_save, sender=Officer)
def officer_join_agency_group(sender, instance: Officer, **kwargs) -> None:
    groups = instance.user.groups
    stale = groups.filter(agency__isnull=False).exclude(agency__pk=instance.agency_id)
    if stale.exists():
        groups.remove(*stale)
    group_id = Agency.objects.filter(pk=instance.agency_id).values_list("group_id", flat=True)
    if group_id and group_id[0]:
        groups.add(group_id[0])
