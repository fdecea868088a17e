"""Add the enforcement (TAK) cells of the default policy that are missing (Polres reads
enforcement actions, issue 12); never overwrites a cell the system admin changed."""

from django.db import migrations


def seed(apps, schema_editor):
    from agencies.policy_defaults import default_rules

    PolicyRule = apps.get_model("agencies", "PolicyRule")
    existing = set(PolicyRule.objects.values_list("agency_kind", "category"))
    PolicyRule.objects.bulk_create(
        PolicyRule(agency_kind=kind, category=category, level=level, subset=subset)
        for kind, category, level, subset in default_rules()
        if category == "enforcement" and (kind, category) not in existing
    )


class Migration(migrations.Migration):
    dependencies = [("agencies", "0005_subject_type_from_registry")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
