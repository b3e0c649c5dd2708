"""Periodic tasks. Production: Celery beat reads CELERY_BEAT_SCHEDULE. Embedded default: `kefu run-timers`
fires the same tasks in-process (and `./dev demo` runs it in a thread beside the server).

A failing timer is never silent: it is logged as an error, its last failure is kept in a TimerStatus row (error code
and parameters) that the home page shows to administrators and supervisors, and `kefu run-timers --once` exits
non-zero. A clean run clears the failure.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import timezone

log = logging.getLogger(__name__)

# timer name -> label shown to people (set by register; a timer without one is shown by its name)
LABELS: dict[str, object] = {}
_KEFU = Path(__file__).resolve().parents[1]


def register(name: str, task: str, every_seconds: float, label=None) -> None:
    """Called from an app's ready(): register a periodic task by its Celery name (label: what people read, lazy)."""
    settings.CELERY_BEAT_SCHEDULE[name] = {"task": task, "schedule": float(every_seconds)}
    if label is not None:
        LABELS[name] = label


def label_of(name: str) -> str:
    return str(LABELS.get(name, name))


@dataclass
class Round:
    """The timers one pass fired: those that ran cleanly and those that failed."""

    ran: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def run_round(last_run: dict[str, float], now: float) -> Round:
    """Run every periodic task whose interval has passed; a failing one does not stop the others."""
    from kefu.celery import app

    done = Round()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        if now - last_run.get(name, 0.0) >= entry["schedule"]:
            last_run[name] = now
            try:
                app.tasks[entry["task"]].apply()
            except Exception as exc:  # noqa: BLE001 — recorded and reported, the other timers still run
                log.exception("timer %s failed", name)
                record_failure(name, exc)
                done.failed.append(name)
            else:
                record_success(name)
                done.ran.append(name)
    return done


def run_due(last_run: dict[str, float], now: float) -> list[str]:
    """The names of the timers that ran cleanly in this pass (see run_round for the failed ones)."""
    return run_round(last_run, now).ran


def loop(stop: threading.Event, tick: float = 5.0) -> None:
    last_run: dict[str, float] = {}
    while not stop.is_set():
        run_round(last_run, time.monotonic())
        stop.wait(tick)


# ---------------------------------------------------------------- the record of each timer's last outcome


def problem_of(exc: BaseException) -> tuple[str, dict]:
    """An exception as a message code and its parameters (kefu.web.messages): data, never prose."""
    from kefu.errors import RuleViolation

    if isinstance(exc, RuleViolation):
        problem = exc.problems[0]
        return "timers.rule", {"field": problem.field or "", "rule": problem.rule}
    at = ""
    for frame in traceback.extract_tb(exc.__traceback__):
        path = Path(frame.filename).resolve()
        if path.is_relative_to(_KEFU):
            at = f"{path.relative_to(_KEFU.parent).as_posix()}:{frame.lineno}"
    return "timers.error", {"type": f"{type(exc).__module__}.{type(exc).__qualname__}", "at": at}


def _save(name: str, **values) -> None:
    from kefu.web.models import TimerStatus

    # the record must not turn into a failure of its own (a database that is down is in the log already)
    try:
        TimerStatus.objects.update_or_create(name=name, defaults=values)
    except Exception:  # noqa: BLE001
        log.exception("timer %s: its status could not be saved", name)


def record_success(name: str) -> None:
    now = timezone.now()
    _save(name, last_run_at=now, last_ok_at=now, failures=0, code="", params={})


def record_failure(name: str, exc: BaseException) -> None:
    from django.db.models import F

    from kefu.web.models import TimerStatus

    code, params = problem_of(exc)
    now = timezone.now()
    try:
        updated = TimerStatus.objects.filter(name=name).update(
            last_run_at=now, failed_at=now, failures=F("failures") + 1, code=code, params=params
        )
    except Exception:  # noqa: BLE001
        log.exception("timer %s: its failure could not be saved", name)
        return
    if not updated:
        _save(name, last_run_at=now, failed_at=now, failures=1, code=code, params=params)


def failing() -> list:
    """TimerStatus rows of the timers whose last run failed, most recent first."""
    from kefu.web.models import TimerStatus

    return list(TimerStatus.objects.filter(failures__gt=0).order_by("-failed_at"))


# ---------------------------------------------------------------- production: the Celery worker runs the timers


def _scheduled_names(task_name: str) -> list[str]:
    return [name for name, entry in settings.CELERY_BEAT_SCHEDULE.items() if entry["task"] == task_name]


def on_task_success(sender=None, **kwargs) -> None:
    for name in _scheduled_names(getattr(sender, "name", "")):
        record_success(name)


def on_task_failure(sender=None, exception=None, **kwargs) -> None:
    for name in _scheduled_names(getattr(sender, "name", "")):
        log.error("timer %s failed: %r", name, exception)
        record_failure(name, exception)


def connect_worker_signals() -> None:
    """With a worker (REDIS_URL), record the periodic tasks' outcomes there; eagerly, run_round records them."""
    from celery.signals import task_failure, task_success

    task_success.connect(on_task_success, weak=False, dispatch_uid="kefu.web.timers.success")
    task_failure.connect(on_task_failure, weak=False, dispatch_uid="kefu.web.timers.failure")
