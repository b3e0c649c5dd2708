import io
import random
from datetime import timedelta

import pytest

from kefu.org import demo as org_demo
from kefu.telephony import demo
from kefu.telephony.models import AgentSession, Call, ImportBatch, ScheduledShift


@pytest.mark.django_db
def test_demo_month_is_imported_through_queue_log_and_is_idempotent(monkeypatch):
    monkeypatch.setattr(demo, "DAYS", 3)
    monkeypatch.setattr(demo, "CALLS_PER_DAY", 200)
    out = io.StringIO()
    center = org_demo.build(None, random.Random(1), out)
    demo.build(center, random.Random(1), out)
    assert ImportBatch.objects.filter(center=center, kind="queue_log").count() >= 3
    assert Call.objects.filter(center=center).count() > 200  # two full days and today so far
    assert Call.objects.filter(center=center, outcome="answered", agent__isnull=False).exists()
    # the agents logged in for the shifts of the published roster, which is the schedule (no second one imported)
    assert not ScheduledShift.objects.filter(center=center).exists()
    from kefu.roster.selectors import scheduled_intervals

    sessions = list(AgentSession.objects.filter(center=center))
    planned = {
        (no, s.date()): s
        for no, s, _e, *_ in scheduled_intervals(
            center, min(x.start for x in sessions) - timedelta(hours=1), max(x.end for x in sessions)
        )
    }
    for x in sessions:  # every login starts at a rostered shift: a few minutes early, or now and then up to 25 late
        starts = [
            s
            for (no, _d), s in planned.items()
            if no == x.agent_staff_no and abs((x.start - s).total_seconds()) <= 25 * 60
        ]
        assert starts, (x.agent_staff_no, x.start)
    assert len(sessions) <= len(planned)
    before = Call.objects.count()
    demo.build(center, random.Random(2), out)
    assert Call.objects.count() == before
