"""The passport lookup finds a document by its number alone (any issuing country): an index on
the number (with the person, for an index-only semijoin) instead of a sequential scan of every
travel document. Built concurrently (1 M documents at national scale)."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("foreigners", "0013_region_name_index"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="traveldocument",
            index=models.Index(
                fields=["number"], include=("foreigner",), name="document_number_idx"
            ),
        ),
    ]
