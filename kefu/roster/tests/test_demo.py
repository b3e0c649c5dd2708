"""The demo builds the rosters for agent1..12 and senior1..3, once (idempotent): the demo month's days before this
Monday (its calls, logins and clock-ins follow them) and four weeks from this Monday."""
import io
import random
from datetime import timedelta

from django.utils import timezone

from kefu.roster import demo
from kefu.roster.models import Roster


def test_demo_rosters_cover_the_past_weeks_and_the_next_four(db):
    from kefu.org import demo as org_demo

    out = io.StringIO()
    center = org_demo.build(None, random.Random(1), out)
    demo.build(center, random.Random(1), out, time_limit=8)
    past, current = Roster.objects.filter(center=center).order_by("start")
    assert past.start == timezone.localdate() - timedelta(days=29) and current.days == 28  # the 30 days of the demo's calls …
    assert past.start + timedelta(days=past.days) == current.start == demo.this_monday()  # … then on, no gap, no overlap
    for roster in (past, current):
        assert len(roster.inputs["agents"]) == 15  # agent1..12 + senior1..3
        assert roster.assignments.filter(shift__isnull=False).values("day").distinct().count() == roster.days  # no day unstaffed
        assert roster.status == Roster.Status.PUBLISHED and roster.report["hard"] == []
    demo.build(center, random.Random(1), out, time_limit=8)
    assert Roster.objects.filter(center=center).count() == 2
    assert "排班" in out.getvalue()
