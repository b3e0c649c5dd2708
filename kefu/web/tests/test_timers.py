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
    import pytest

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
