"""Event tables: no index of pgh_obj alone; their (pgh_obj, pgh_id) index serves every lookup
by record (agencies.history.track)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('foreigners', '0016_drop_region_prefix_index'),
    ]

    operations = [
        migrations.AlterField(
            model_name='foreignerevent',
            name='pgh_obj',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, to='foreigners.foreigner'),
        ),
        migrations.AlterField(
            model_name='movementevent',
            name='pgh_obj',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, to='foreigners.movement'),
        ),
        migrations.AlterField(
            model_name='residenceevent',
            name='pgh_obj',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, to='foreigners.residence'),
        ),
        migrations.AlterField(
            model_name='sponsorevent',
            name='pgh_obj',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, to='foreigners.sponsor'),
        ),
        migrations.AlterField(
            model_name='staypermitevent',
            name='pgh_obj',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, to='foreigners.staypermit'),
        ),
        migrations.AlterField(
            model_name='traveldocumentevent',
            name='pgh_obj',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, to='foreigners.traveldocument'),
        ),
    ]
