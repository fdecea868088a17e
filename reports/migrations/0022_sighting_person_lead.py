"""The plain index on a sighting's person goes: sighting_person_idx leads with the person and
serves every lookup it did. It also misled the nightly scan at national scale, which walked 1.4 M
sightings through it in person order (2 s of random reads) instead of reading the table."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("foreigners", "0019_movement_person_index"),
        ("reports", "0021_sighting_person_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="sighting",
            name="foreigner",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="sightings",
                to="foreigners.foreigner",
                verbose_name="identified foreign national",
            ),
        ),
    ]
