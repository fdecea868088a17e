"""foreigner_scope_idx: the person's residence region by primary key, so "does this person live
in the user's area", asked of each flag, sighting or share a scoped read checks, is an
index-only scan (a camat's flag inbox asks it of about 6,000 flags per page at national scale).
Built concurrently (1 M people at national scale)."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("foreigners", "0019_movement_person_index"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="foreigner",
            index=models.Index(
                fields=["id"], include=("residence_region",), name="foreigner_scope_idx"
            ),
        ),
    ]
