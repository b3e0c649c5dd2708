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
