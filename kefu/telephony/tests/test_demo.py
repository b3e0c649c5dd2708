import io
import random

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
    assert AgentSession.objects.filter(center=center).exists() and ScheduledShift.objects.filter(center=center).exists()
    before = Call.objects.count()
    demo.build(center, random.Random(2), out)
    assert Call.objects.count() == before
