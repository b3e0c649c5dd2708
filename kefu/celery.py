"""Celery app. With REDIS_URL set, a worker and beat run the timers; without it tasks run eagerly and
`kefu run-timers` (kefu/web/management/commands/run_timers.py) fires the periodic ones in-process."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
app = Celery("kefu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
