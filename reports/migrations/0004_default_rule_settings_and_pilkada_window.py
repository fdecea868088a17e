"""The default thresholds and the Pilkada 2024 election watch window (DESIGN §5)."""

import datetime as dt

from django.db import migrations


def create_defaults(apps, schema_editor):
    RuleSettings = apps.get_model("reports", "RuleSettings")
    WatchWindow = apps.get_model("reports", "WatchWindow")
    RuleSettings.objects.get_or_create(pk=1)
    # Pilkada serentak, voting day 27 November 2024: from the campaign's start (25 September)
    # to the end of the recount period (16 December).
    WatchWindow.objects.get_or_create(
        name="Pilkada serentak 2024",
        defaults={
            "starts_on": dt.date(2024, 9, 25),
            "ends_on": dt.date(2024, 12, 16),
            "routed_to": ["imigrasi", "kesbangpol", "polres", "kodim"],
        },
    )


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_rule_settings_watch_windows_outbox")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
