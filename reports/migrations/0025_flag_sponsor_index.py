"""flag_sponsor_idx: the flags of a sponsor that name no person (about 20,000 of 1.4 M at
national scale), which an employment reader of a small scope adds to the candidates of its
alert list (``reports.selectors.sparse_flag_candidates``) without a scan of every flag. Built
concurrently."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("reports", "0024_sighting_scope_index"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="flag",
            index=models.Index(
                fields=["id"],
                condition=models.Q(subject_type="sponsor", foreigner__isnull=True),
                name="flag_sponsor_idx",
            ),
        ),
    ]
