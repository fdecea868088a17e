"""Seed the access policy table with the default of DESIGN.md §4 (only missing cells)."""

from django.db import migrations


def seed(apps, schema_editor):
    from agencies.policy_defaults import default_rules

    PolicyRule = apps.get_model("agencies", "PolicyRule")
    existing = set(PolicyRule.objects.values_list("agency_kind", "category"))
    PolicyRule.objects.bulk_create(
        PolicyRule(agency_kind=kind, category=category, level=level, subset=subset)
        for kind, category, level, subset in default_rules()
        if (kind, category) not in existing
    )


class Migration(migrations.Migration):
    dependencies = [("agencies", "0003_access_policy_shares_audit")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
