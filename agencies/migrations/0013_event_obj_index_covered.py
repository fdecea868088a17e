"""Event tables: no index of pgh_obj alone; their (pgh_obj, pgh_id) index serves every lookup
by record (agencies.history.track)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('agencies', '0012_event_object_index'),
    ]

    operations = [
        migrations.AlterField(
            model_name='accessrequestevent',
            name='pgh_obj',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, to='agencies.accessrequest'),
        ),
        migrations.AlterField(
            model_name='policyruleevent',
            name='pgh_obj',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, to='agencies.policyrule'),
        ),
        migrations.AlterField(
            model_name='recordshareevent',
            name='pgh_obj',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, to='agencies.recordshare'),
        ),
    ]
