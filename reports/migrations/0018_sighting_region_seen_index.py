"""sighting_region_seen_idx: the region prefix index of the sightings that name a person, read
by "seen in scope" (reports.selectors.foreigners_seen_in_scope_q). Built concurrently (2 M
sightings at national scale)."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("reports", "0017_drop_region_prefix_index"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="sighting",
            index=models.Index(
                condition=models.Q(foreigner__isnull=False),
                fields=["region"],
                include=["foreigner"],
                name="sighting_region_seen_idx",
                opclasses=["varchar_pattern_ops"],
            ),
        ),
    ]
