"""Flags are written by the rules in statements of many rows: their history triggers fire once
per statement (agencies.history.track(bulk=True)), their event table keeps only the record's
index, and the flag table drops the indexes others cover (rule: flag_state_rule_idx and the
open-flag unique index lead with it; foreigner: flag_foreigner_state_idx) or replaces them with
the partial ones of migration 0019 (permit, document, sighting, closed_by). Every event table
drops its pgh_obj index, which its (pgh_obj, pgh_id) index covers."""

import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('foreigners', '0017_event_obj_index_covered'),
        ('reports', '0019_flag_link_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name='flag',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='flag',
            name='update_update',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='flag',
            name='delete_delete',
        ),
        migrations.AlterField(
            model_name='flag',
            name='closed_by',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='closed by'),
        ),
        migrations.AlterField(
            model_name='flag',
            name='document',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='flags', to='foreigners.traveldocument', verbose_name='travel document'),
        ),
        migrations.AlterField(
            model_name='flag',
            name='foreigner',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='flags', to='foreigners.foreigner', verbose_name='foreign national'),
        ),
        migrations.AlterField(
            model_name='flag',
            name='permit',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='flags', to='foreigners.staypermit', verbose_name='stay permit'),
        ),
        migrations.AlterField(
            model_name='flag',
            name='rule',
            field=models.CharField(max_length=40, verbose_name='rule'),
        ),
        migrations.AlterField(
            model_name='flag',
            name='sighting',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='flags', to='reports.sighting', verbose_name='sighting'),
        ),
        migrations.AlterField(
            model_name='flagevent',
            name='closed_by',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL, verbose_name='closed by'),
        ),
        migrations.AlterField(
            model_name='flagevent',
            name='document',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='foreigners.traveldocument', verbose_name='travel document'),
        ),
        migrations.AlterField(
            model_name='flagevent',
            name='foreigner',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='foreigners.foreigner', verbose_name='foreign national'),
        ),
        migrations.AlterField(
            model_name='flagevent',
            name='permit',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='foreigners.staypermit', verbose_name='stay permit'),
        ),
        migrations.AlterField(
            model_name='flagevent',
            name='pgh_obj',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, to='reports.flag'),
        ),
        migrations.AlterField(
            model_name='flagevent',
            name='sighting',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='reports.sighting', verbose_name='sighting'),
        ),
        migrations.AlterField(
            model_name='sightingevent',
            name='pgh_obj',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, to='reports.sighting'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='flag',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "reports_flagevent" ("alerted_severity", "close_reason", "closed_at", "closed_by_id", "document_id", "evidence", "foreigner_id", "id", "opened_at", "permit_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reason", "reason_en", "routed_to", "rule", "rule_version", "severity", "sighting_id", "state", "subject_id", "subject_type") SELECT new_values."alerted_severity", new_values."close_reason", new_values."closed_at", new_values."closed_by_id", new_values."document_id", new_values."evidence", new_values."foreigner_id", new_values."id", new_values."opened_at", new_values."permit_id", _pgh_attached_context.value, NOW(), \'insert\', new_values."id", new_values."reason", new_values."reason_en", new_values."routed_to", new_values."rule", new_values."rule_version", new_values."severity", new_values."sighting_id", new_values."state", new_values."subject_id", new_values."subject_type" FROM ( SELECT new_values.* FROM new_values  ) AS new_values, _pgh_attached_context; RETURN NULL;', hash='bc5433486d0989b26bc84623825bf90a88df489f', level='STATEMENT', operation='INSERT', pgid='pgtrigger_insert_insert_78238', referencing='REFERENCING NEW TABLE AS new_values ', table='reports_flag', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='flag',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "reports_flagevent" ("alerted_severity", "close_reason", "closed_at", "closed_by_id", "document_id", "evidence", "foreigner_id", "id", "opened_at", "permit_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reason", "reason_en", "routed_to", "rule", "rule_version", "severity", "sighting_id", "state", "subject_id", "subject_type") SELECT new_values."alerted_severity", new_values."close_reason", new_values."closed_at", new_values."closed_by_id", new_values."document_id", new_values."evidence", new_values."foreigner_id", new_values."id", new_values."opened_at", new_values."permit_id", _pgh_attached_context.value, NOW(), \'update\', new_values."id", new_values."reason", new_values."reason_en", new_values."routed_to", new_values."rule", new_values."rule_version", new_values."severity", new_values."sighting_id", new_values."state", new_values."subject_id", new_values."subject_type" FROM ( SELECT new_values.* FROM old_values JOIN new_values ON (old_values."id") = (new_values."id") WHERE (old_values."alerted_severity" IS DISTINCT FROM (new_values."alerted_severity") OR old_values."close_reason" IS DISTINCT FROM (new_values."close_reason") OR old_values."closed_at" IS DISTINCT FROM (new_values."closed_at") OR old_values."closed_by_id" IS DISTINCT FROM (new_values."closed_by_id") OR old_values."document_id" IS DISTINCT FROM (new_values."document_id") OR old_values."evidence" IS DISTINCT FROM (new_values."evidence") OR old_values."foreigner_id" IS DISTINCT FROM (new_values."foreigner_id") OR old_values."id" IS DISTINCT FROM (new_values."id") OR old_values."opened_at" IS DISTINCT FROM (new_values."opened_at") OR old_values."permit_id" IS DISTINCT FROM (new_values."permit_id") OR old_values."reason" IS DISTINCT FROM (new_values."reason") OR old_values."reason_en" IS DISTINCT FROM (new_values."reason_en") OR old_values."routed_to" IS DISTINCT FROM (new_values."routed_to") OR old_values."rule" IS DISTINCT FROM (new_values."rule") OR old_values."rule_version" IS DISTINCT FROM (new_values."rule_version") OR old_values."severity" IS DISTINCT FROM (new_values."severity") OR old_values."sighting_id" IS DISTINCT FROM (new_values."sighting_id") OR old_values."state" IS DISTINCT FROM (new_values."state") OR old_values."subject_id" IS DISTINCT FROM (new_values."subject_id") OR old_values."subject_type" IS DISTINCT FROM (new_values."subject_type")) ) AS new_values, _pgh_attached_context; RETURN NULL;', hash='d75d0d048a21a638c7ca1b44c150a903870840f1', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_update_update_c983f', referencing='REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ', table='reports_flag', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='flag',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "reports_flagevent" ("alerted_severity", "close_reason", "closed_at", "closed_by_id", "document_id", "evidence", "foreigner_id", "id", "opened_at", "permit_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reason", "reason_en", "routed_to", "rule", "rule_version", "severity", "sighting_id", "state", "subject_id", "subject_type") SELECT old_values."alerted_severity", old_values."close_reason", old_values."closed_at", old_values."closed_by_id", old_values."document_id", old_values."evidence", old_values."foreigner_id", old_values."id", old_values."opened_at", old_values."permit_id", _pgh_attached_context.value, NOW(), \'delete\', old_values."id", old_values."reason", old_values."reason_en", old_values."routed_to", old_values."rule", old_values."rule_version", old_values."severity", old_values."sighting_id", old_values."state", old_values."subject_id", old_values."subject_type" FROM ( SELECT old_values.* FROM old_values  ) AS old_values, _pgh_attached_context; RETURN NULL;', hash='e5bbe86972423b5b8905b03a64b6b06b5842d264', level='STATEMENT', operation='DELETE', pgid='pgtrigger_delete_delete_b83b2', referencing='REFERENCING OLD TABLE AS old_values ', table='reports_flag', when='AFTER')),
        ),
    ]
