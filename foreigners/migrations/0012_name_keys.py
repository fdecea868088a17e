"""Tolerant name search: a phonetic key per name word (foreigners.phonetic), filled for the
existing rows, and one GIN index over the name's words and keys in place of the words-only one."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models

from foreigners.phonetic import name_keys

BATCH = 5000


def fill_name_keys(apps, schema_editor):
    Foreigner = apps.get_model("foreigners", "Foreigner")
    last = 0
    while True:
        rows = list(
            Foreigner.objects.filter(pk__gt=last)
            .order_by("pk")
            .only("pk", "search_name")[:BATCH]
        )
        if not rows:
            return
        for row in rows:
            row.name_keys = name_keys(row.search_name)
        Foreigner.objects.bulk_update(rows, ["name_keys"], batch_size=BATCH)
        last = rows[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("foreigners", "0011_merge_read_path"),
    ]

    operations = [
        migrations.AddField(
            model_name="foreigner",
            name="name_keys",
            field=models.CharField(blank=True, default="", editable=False, max_length=260),
        ),
        migrations.RunPython(fill_name_keys, migrations.RunPython.noop, elidable=True),
        migrations.RemoveIndex(
            model_name="foreigner",
            name="foreigner_name_words_idx",
        ),
        migrations.AddIndex(
            model_name="foreigner",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.search.SearchVector(
                    "search_name", "name_keys", config="simple"
                ),
                name="foreigner_name_search_idx",
            ),
        ),
    ]
