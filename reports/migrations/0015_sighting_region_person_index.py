"""The people sighted in a region's subtree from one index ("seen in scope" of the foreigner
list): docs/PERFORMANCE.md. Built concurrently (2 M sightings at national scale)."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("reports", "0014_merge_read_path"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="sighting",
            index=models.Index(
                fields=["region"],
                include=("foreigner",),
                name="sighting_region_person_idx",
                opclasses=["varchar_pattern_ops"],
            ),
        ),
    ]
