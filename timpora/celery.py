"""The Celery application. Configuration comes from Django settings (``CELERY_*``)."""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "timpora.settings")

app = Celery("timpora")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Coordination tasks live in a sub-package of reports (reports/coordination/tasks.py).
app.autodiscover_tasks(["reports.coordination"])

# The history context of each task run by a worker (an eager task runs inside its caller's
# context, a request's, and keeps it).
_history_contexts: dict[str, object] = {}


@task_prerun.connect
def history_context_enter(task_id=None, task=None, **kwargs):
    """Name the task as the source of the history its writes leave (django-pghistory). Without
    a context the history trigger raises and catches an error for every row written, which in
    a transaction of many rows costs O(n²) (see DATABASES in timpora/settings.py)."""
    if task is None or task.request.is_eager:
        return
    import pghistory

    context = pghistory.context(source="celery", task=task.name)
    context.__enter__()
    _history_contexts[task_id] = context


@task_postrun.connect
def history_context_exit(task_id=None, **kwargs):
    context = _history_contexts.pop(task_id, None)
    if context is not None:
        context.__exit__(None, None, None)
