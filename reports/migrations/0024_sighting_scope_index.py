"""sighting_scope_idx: a sighting's region, reporting agency and activity by primary key, so "is
this sighting in the user's scope", asked of each flag a scoped read checks, is an index-only
scan. Built concurrently (2 M sightings at national scale)."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("reports", "0023_sighting_by_person_index"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="sighting",
            index=models.Index(
                fields=["id"],
                include=("region", "reporting_agency", "activity"),
                name="sighting_scope_idx",
            ),
        ),
    ]
