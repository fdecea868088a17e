"""A task run by a worker writes its history under a context naming it (timpora/celery.py)."""

from types import SimpleNamespace

import pytest
from django.apps import apps

from tests.factories import FlagFactory
from timpora.celery import history_context_enter, history_context_exit

pytestmark = pytest.mark.django_db


def task(name: str, *, eager: bool):
    return SimpleNamespace(name=name, request=SimpleNamespace(is_eager=eager))


def event_of(flag):
    events = apps.get_model("reports", "FlagEvent").objects.select_related("pgh_context")
    return events.get(pgh_obj_id=flag.pk, pgh_label="insert")


def test_a_worker_task_names_itself_in_the_history(regions):
    history_context_enter(task_id="t-1", task=task("reports.flags_alert", eager=False))
    try:
        flag = FlagFactory()
    finally:
        history_context_exit(task_id="t-1")
    assert event_of(flag).pgh_context.metadata == {
        "source": "celery",
        "task": "reports.flags_alert",
    }


def test_an_eager_task_keeps_its_callers_context(regions):
    history_context_enter(task_id="t-2", task=task("reports.flags_alert", eager=True))
    flag = FlagFactory()
    history_context_exit(task_id="t-2")
    assert event_of(flag).pgh_context is None
