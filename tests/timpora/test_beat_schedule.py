"""Every beat entry names a task a worker has registered, and expires before it runs again."""

from django.conf import settings

from timpora.celery import app


def test_every_scheduled_task_is_registered():
    app.loader.import_default_modules()
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "reports.dashboards_refresh" in names
    missing = sorted(names - set(app.tasks))
    assert not missing, f"beat schedules tasks no worker knows: {missing}"


def test_interval_entries_expire_before_their_next_run():
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        schedule = entry["schedule"]
        if isinstance(schedule, int | float):
            assert entry["options"]["expires"] < schedule, name
