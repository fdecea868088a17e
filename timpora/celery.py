"""The Celery application. Configuration comes from Django settings (``CELERY_*``)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "timpora.settings")

app = Celery("timpora")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Coordination tasks live in a sub-package of reports (reports/coordination/tasks.py).
app.autodiscover_tasks(["reports.coordination"])
