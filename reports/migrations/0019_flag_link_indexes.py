"""The flag's links to a permit, document, sighting and closing user, indexed only where set
(most flags name one of them at most). Built concurrently (1.4 M flags after a first national
scan); migration 0020 then drops the full indexes they replace."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("reports", "0018_sighting_region_seen_index"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="flag",
            index=models.Index(
                condition=models.Q(**{f"{link}__isnull": False}),
                fields=[link],
                name=f"flag_{link}_idx",
            ),
        )
        for link in ("permit", "document", "sighting", "closed_by")
    ]
