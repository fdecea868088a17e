"""sighting_by_person_idx replaces sighting_person_idx (the same key) and also carries the
region, so "was this person seen in the user's area", asked of each person a scoped read checks
(the camat's flag inbox checks thousands per page), is an index-only scan instead of a heap
fetch per sighting. Built, then the old one dropped, concurrently (2 M sightings at national
scale)."""

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("reports", "0022_sighting_person_lead"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="sighting",
            index=models.Index(
                fields=["foreigner", "-observed_at"],
                include=("id", "activity", "review_status", "region"),
                name="sighting_by_person_idx",
            ),
        ),
        RemoveIndexConcurrently(model_name="sighting", name="sighting_person_idx"),
    ]
