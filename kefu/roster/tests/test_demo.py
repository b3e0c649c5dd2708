"""The demo builds a 4-week roster for agent1..12 and senior1..3, once (idempotent)."""
import io
import random

from kefu.roster import demo
from kefu.roster.models import Roster


def test_demo_roster_is_built_once(db):
    from kefu.org import demo as org_demo

    out = io.StringIO()
    center = org_demo.build(None, random.Random(1), out)
    demo.build(center, random.Random(1), out, time_limit=8)
    roster = Roster.objects.get(center=center)
    assert roster.days == 28
    assert len(roster.inputs["agents"]) == 15  # agent1..12 + senior1..3
    assert roster.assignments.exists()
    assert roster.status == Roster.Status.PUBLISHED and roster.report["hard"] == []
    demo.build(center, random.Random(1), out, time_limit=8)
    assert Roster.objects.filter(center=center).count() == 1
    assert "排班" in out.getvalue()
