"""Split the policy's ``permit`` cells into ``permit.status`` (kind, validity, state) and
``permit.detail`` (number, visa index, extensions, entries and exits): DESIGN.md §4 gives the
camat permit "type and validity only", which needs the two as separate rows of the table.

Every agency kind that read (or wrote) ``permit`` keeps that level on both parts, except the camat
(kecamatan), whose default is the status part only. Logged in the policy change log."""

from django.core.cache import cache
from django.db import migrations

OLD, STATUS, DETAIL = "permit", "permit.status", "permit.detail"


def split(apps, schema_editor):
    PolicyRule = apps.get_model("agencies", "PolicyRule")
    PolicyChange = apps.get_model("agencies", "PolicyChange")
    for rule in PolicyRule.objects.filter(category=OLD):
        PolicyRule.objects.update_or_create(
            agency_kind=rule.agency_kind,
            category=STATUS,
            defaults={"level": rule.level, "subset": rule.subset},
        )
        detail_level = "none" if rule.agency_kind == "kecamatan" else rule.level
        if detail_level != "none":
            PolicyRule.objects.update_or_create(
                agency_kind=rule.agency_kind,
                category=DETAIL,
                defaults={"level": detail_level, "subset": rule.subset},
            )
        for category, level in ((STATUS, rule.level), (DETAIL, detail_level)):
            PolicyChange.objects.create(
                agency_kind=rule.agency_kind,
                category=category,
                old_level="none",
                new_level=level,
                old_subset=[],
                new_subset=list(rule.subset),
            )
        rule.delete()
    try:
        # Cached accesses were computed from the old rows (agencies.access): start a new version.
        cache.delete("access:version")
    except Exception:  # no cache reachable: entries expire within ACCESS_CACHE_TIMEOUT anyway
        pass


def join(apps, schema_editor):
    PolicyRule = apps.get_model("agencies", "PolicyRule")
    for rule in PolicyRule.objects.filter(category=STATUS):
        PolicyRule.objects.update_or_create(
            agency_kind=rule.agency_kind,
            category=OLD,
            defaults={"level": rule.level, "subset": rule.subset},
        )
    PolicyRule.objects.filter(category__in=[STATUS, DETAIL]).delete()


class Migration(migrations.Migration):
    dependencies = [("agencies", "0005_share_categories_field_policy")]

    operations = [migrations.RunPython(split, join)]
