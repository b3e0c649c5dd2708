"""Periodic tasks. Production: Celery beat reads CELERY_BEAT_SCHEDULE. Embedded default: `kefu run-timers`
fires the same tasks in-process (and `./dev demo` runs it in a thread beside the server)."""
from __future__ import annotations

import logging
import threading
import time

from django.conf import settings

log = logging.getLogger(__name__)


def register(name: str, task: str, every_seconds: float) -> None:
    """Called from an app's ready(): register a periodic task by its Celery name."""
    settings.CELERY_BEAT_SCHEDULE[name] = {"task": task, "schedule": float(every_seconds)}


def run_due(last_run: dict[str, float], now: float) -> list[str]:
    """Run every periodic task whose interval has passed; returns the names run."""
    from kefu.celery import app

    ran = []
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        if now - last_run.get(name, 0.0) >= entry["schedule"]:
            last_run[name] = now
            try:
                app.tasks[entry["task"]].apply()
                ran.append(name)
            except Exception:  # a failing timer must not stop the others
                log.exception("timer %s failed", name)
    return ran


def loop(stop: threading.Event, tick: float = 5.0) -> None:
    last_run: dict[str, float] = {}
    while not stop.is_set():
        run_due(last_run, time.monotonic())
        stop.wait(tick)
