"""sighting_region_person_idx (region, varchar_pattern_ops, INCLUDE the person) serves every
prefix match the older sighting_region_prefix_idx served: one index fewer to write on each
sighting. Dropped concurrently (2 M sightings at national scale)."""

from django.contrib.postgres.operations import RemoveIndexConcurrently
from django.db import migrations


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("reports", "0016_event_object_index"),
    ]

    operations = [
        RemoveIndexConcurrently(model_name="sighting", name="sighting_region_prefix_idx"),
    ]
