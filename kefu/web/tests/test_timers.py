import io
import logging
from datetime import UTC

import pytest

from kefu.web import timers


def test_run_due_fires_each_task_once_per_interval(settings, monkeypatch):
    calls = []

    class FakeTask:
        def apply(self):
            calls.append(1)

    from kefu.celery import app

    monkeypatch.setitem(app.tasks, "kefu.test.tick", FakeTask())
    settings.CELERY_BEAT_SCHEDULE = {"tick": {"task": "kefu.test.tick", "schedule": 60.0}}
    last: dict = {}
    assert timers.run_due(last, 1000.0) == ["tick"]
    assert timers.run_due(last, 1030.0) == []
    assert timers.run_due(last, 1060.0) == ["tick"]
    assert len(calls) == 2


def test_init_center_creates_center_policy_and_admin(db, monkeypatch):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from kefu.org.models import Center, Policy, Staff

    monkeypatch.setenv("KEFU_ADMIN_PASSWORD", "long-enough-1")
    call_command("init_center", code="gz12345", name="广州12345热线", preset="gov12345", admin_staff_no="0001")
    center = Center.objects.get(code="gz12345")
    assert Policy.objects.get(center=center).preset == "gov12345"
    admin = Staff.objects.get(staff_no="0001")
    assert admin.user.is_superuser and admin.user.check_password("long-enough-1")
    with pytest.raises(CommandError):
        call_command("init_center", code="gz12345", name="重复", admin_staff_no="0002")
    monkeypatch.setenv("KEFU_ADMIN_PASSWORD", "short")
    with pytest.raises(CommandError):
        call_command("init_center", code="other", name="另一个", admin_staff_no="0003")
    assert not Center.objects.filter(code="other").exists()


# ---------------------------------------------------------------- a failing timer is visible (issue 12, item 7)


class FailingTask:
    def apply(self):
        from kefu.errors import RuleViolation

        raise RuleViolation("结束日期不能早于开始日期", field="end", rule="range_order")


class BrokenTask:
    def apply(self):
        return {}["missing"]


class GoodTask:
    def apply(self):
        return None


@pytest.fixture
def schedule(settings, monkeypatch):
    from kefu.celery import app

    def use(**tasks):
        settings.CELERY_BEAT_SCHEDULE = {}
        for name, task in tasks.items():
            monkeypatch.setitem(app.tasks, f"kefu.test.{name}", task)
            settings.CELERY_BEAT_SCHEDULE[name] = {"task": f"kefu.test.{name}", "schedule": 60.0}
        monkeypatch.setattr(timers, "LABELS", {"broken": "测试任务"})

    return use


@pytest.mark.django_db
def test_a_failing_timer_is_logged_recorded_and_the_others_still_run(schedule, caplog):
    from kefu.web.models import TimerStatus

    schedule(broken=BrokenTask(), rule=FailingTask(), good=GoodTask())
    with caplog.at_level(logging.ERROR, logger="kefu.web.timers"):
        done = timers.run_round({}, 1000.0)
    assert done.ran == ["good"] and sorted(done.failed) == ["broken", "rule"]
    assert {r.getMessage() for r in caplog.records if r.levelno == logging.ERROR} >= {
        "timer broken failed",
        "timer rule failed",
    }
    broken = TimerStatus.objects.get(name="broken")
    assert broken.failures == 1 and broken.failed_at is not None
    assert broken.code == "timers.error"
    assert broken.params == {
        "type": "builtins.KeyError",
        "at": f"kefu/web/tests/test_timers.py:{BrokenTask.apply.__code__.co_firstlineno + 1}",
    }
    rule = TimerStatus.objects.get(name="rule")
    assert (rule.code, rule.params) == ("timers.rule", {"field": "end", "rule": "range_order"})
    assert TimerStatus.objects.get(name="good").failures == 0
    # consecutive failures are counted; a clean run clears the failure
    timers.run_round({}, 2000.0)
    assert TimerStatus.objects.get(name="broken").failures == 2
    from kefu.celery import app

    app.tasks["kefu.test.broken"] = GoodTask()
    timers.run_round({}, 3000.0)
    broken = TimerStatus.objects.get(name="broken")
    assert (broken.failures, broken.code, broken.params) == (0, "", {}) and broken.last_ok_at is not None
    assert [t.name for t in timers.failing()] == ["rule"]


@pytest.mark.django_db
def test_run_timers_once_exits_non_zero_when_a_timer_fails(schedule):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    schedule(broken=BrokenTask(), good=GoodTask())
    out = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("run_timers", "--once", stdout=out)
    assert "测试任务" in str(exc.value) and "good" in out.getvalue()
    assert exc.value.returncode == 1
    schedule(good=GoodTask())
    call_command("run_timers", "--once", stdout=io.StringIO())  # all clean: no error


@pytest.mark.django_db
def test_kefu_cli_run_timers_once_exit_status(schedule, monkeypatch, capsys):
    """`kefu run-timers --once` as cron or systemd run it: exit status 1 when a timer failed, 0 when all ran."""
    import sys

    from kefu.cli import main

    monkeypatch.setattr(sys, "argv", ["kefu", "run-timers", "--once"])
    schedule(broken=BrokenTask(), good=GoodTask())
    with pytest.raises(SystemExit) as exc:
        main()
    assert exc.value.code == 1
    assert "测试任务" in capsys.readouterr().err
    schedule(good=GoodTask())
    main()  # no SystemExit: status 0


@pytest.mark.django_db
def test_home_shows_failing_timers_to_administrators_and_supervisors(schedule, make_staff, client_for):
    from datetime import datetime

    from kefu.web.models import TimerStatus

    schedule(broken=BrokenTask())
    timers.run_round({}, 1000.0)
    timers.run_round({}, 2000.0)
    TimerStatus.objects.filter(name="broken").update(failed_at=datetime(2026, 12, 7, 6, 5, tzinfo=UTC))
    for role in ("admin", "supervisor"):
        html = client_for(make_staff(role)).get("/").content.decode()
        assert 'id="timer-failures"' in html, role
        # the label and the center's local time (14:05 in Shanghai), never the timer's code or the exception
        assert "“测试任务”已连续 2 次运行失败（最近一次 2026-12-07 14:05）" in html, role
        assert "KeyError" not in html and "kefu.test" not in html and "06:05" not in html
    agent_html = client_for(make_staff("agent")).get("/").content.decode()
    assert 'id="timer-failures"' not in agent_html
    from kefu.celery import app

    app.tasks["kefu.test.broken"] = GoodTask()
    timers.run_round({}, 3000.0)
    assert 'id="timer-failures"' not in client_for(make_staff("supervisor")).get("/").content.decode()


@pytest.mark.django_db
def test_timer_status_in_the_django_admin(schedule, admin_client):
    schedule(broken=BrokenTask())
    timers.run_round({}, 1000.0)
    html = admin_client.get("/admin/web/timerstatus/").content.decode()
    assert "测试任务" in html and "程序错误 builtins.KeyError" in html


@pytest.mark.django_db
def test_a_worker_records_the_periodic_tasks_outcomes(schedule):
    """With REDIS_URL a Celery worker runs the timers: its task signals keep the same record."""
    from types import SimpleNamespace

    from kefu.web.models import TimerStatus

    schedule(broken=BrokenTask())
    task = SimpleNamespace(name="kefu.test.broken")
    try:
        BrokenTask().apply()
    except KeyError as exc:
        timers.on_task_failure(sender=task, exception=exc)
    assert TimerStatus.objects.get(name="broken").code == "timers.error"
    timers.on_task_success(sender=SimpleNamespace(name="kefu.test.other"))  # not a timer: nothing recorded
    assert not TimerStatus.objects.filter(name="other").exists()
    timers.on_task_success(sender=task)
    assert TimerStatus.objects.get(name="broken").failures == 0
    from celery.signals import task_failure, task_success

    timers.connect_worker_signals()  # idempotent (dispatch_uid)
    timers.connect_worker_signals()
    try:
        assert task_failure.receivers and task_success.receivers
    finally:  # eagerly run_round records: the signals stay off for the other tests
        task_success.disconnect(dispatch_uid="kefu.web.timers.success")
        task_failure.disconnect(dispatch_uid="kefu.web.timers.failure")
