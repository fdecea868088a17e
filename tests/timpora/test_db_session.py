"""The database session's settings (timpora/settings.py, DATABASES OPTIONS)."""

import pgtrigger
import pytest
from django.apps import apps
from django.db import connection

from tests.factories import FlagFactory

pytestmark = pytest.mark.django_db


def setting(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return cursor.fetchone()[0]


def test_the_history_triggers_find_an_empty_ignore_list_and_jit_is_off():
    # Unset, pgtrigger.ignore makes every trigger call raise and catch an error, which costs
    # O(n²) in a transaction that writes n rows with deferred foreign keys.
    assert setting("pgtrigger.ignore") == "{}"
    assert setting("jit") == "off"
    with connection.cursor() as cursor:
        cursor.execute("SELECT public._pgtrigger_should_ignore('insert_insert')")
        assert cursor.fetchone()[0] is False


def test_triggers_still_write_history_and_can_still_be_ignored(regions):
    events = apps.get_model("reports", "FlagEvent").objects
    flag = FlagFactory()
    assert events.filter(pgh_obj_id=flag.pk, pgh_label="insert").count() == 1
    with pgtrigger.ignore("reports.Flag:insert_insert"):
        skipped = FlagFactory()
    assert not events.filter(pgh_obj_id=skipped.pk).exists()
    assert setting("pgtrigger.ignore") == "{}"  # back to the session's list afterwards
