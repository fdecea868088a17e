"""The list filtered by a region reads its page's ids from one index (index-only scan of the
region's range with the name and id), then 50 rows by id: docs/PERFORMANCE.md. Built
concurrently: the table takes writes while a national-size index is built."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("agencies", "0011_history_share_categories"),
        ("foreigners", "0012_name_keys"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="foreigner",
            index=models.Index(
                fields=["residence_region"],
                include=("search_name", "id"),
                name="foreigner_region_name_idx",
                opclasses=["varchar_pattern_ops"],
            ),
        ),
    ]
