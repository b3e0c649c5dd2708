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
    *past, current = Roster.objects.filter(center=center).order_by("start")
    # the 30 days of the demo's calls, in rosters of a week at most (each small enough to be staffed fully on a busy
    # machine), then four weeks from this Monday: no gap, no overlap
    assert past and past[0].start == timezone.localdate() - timedelta(days=29) and current.days == 28
    for before, after in zip(past, [*past[1:], current]):
        assert before.days <= demo.PAST_WEEK and before.start + timedelta(days=before.days) == after.start
    assert current.start == demo.this_monday()
    for roster in (*past, current):
        assert len(roster.inputs["agents"]) == 15  # agent1..12 + senior1..3
        assert (
            roster.assignments.filter(shift__isnull=False).values("day").distinct().count() == roster.days
        )  # no day unstaffed
        assert roster.status == Roster.Status.PUBLISHED and roster.report["hard"] == []
    count = Roster.objects.filter(center=center).count()
    demo.build(center, random.Random(1), out, time_limit=8)
    assert Roster.objects.filter(center=center).count() == count == len(past) + 1
    assert "排班" in out.getvalue()
