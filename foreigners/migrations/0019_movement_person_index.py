"""movement_person_idx: a person's movements latest first (same-day ones in the order recorded)
with their kind, so "the last movement on or before a day" (reports.rules.coverage.present_since,
asked of every person a permit rule judges) is one index-only entry, without a sort. It replaces
movement_latest_idx (the same lead) and the plain index on the person, which it covers. Built,
then the old ones dropped, concurrently (570,000 movements at national scale)."""

import django.db.models.deletion
from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("foreigners", "0018_permit_coverage_index"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="movement",
            index=models.Index(
                models.F("foreigner"),
                models.OrderBy(models.F("occurred_on"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                include=("kind",),
                name="movement_person_idx",
            ),
        ),
        RemoveIndexConcurrently(model_name="movement", name="movement_latest_idx"),
        migrations.AlterField(
            model_name="movement",
            name="foreigner",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="movements",
                to="foreigners.foreigner",
                verbose_name="foreign national",
            ),
        ),
    ]
