"""permit_coverage_idx: the permits that can cover a day, each person's latest-ending first, with
what the rules read of them, so their coverage lookups are index-only scans without a sort
(reports.rules.coverage). Built concurrently (1.5 M permits at national scale)."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("foreigners", "0017_event_obj_index_covered"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="staypermit",
            index=models.Index(
                models.F("foreigner"),
                models.OrderBy(models.F("valid_until"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                condition=(
                    models.Q(kind="ITK") | models.Q(kind="ITAS") | models.Q(kind="ITAP")
                )
                & ~models.Q(status="cancelled"),
                include=("valid_from", "kind", "number", "visa_index", "sponsor"),
                name="permit_coverage_idx",
            ),
        ),
    ]
