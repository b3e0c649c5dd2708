"""The demo month: spot checks and time away from the post for discipline to find, and one swap played through
(asked, agreed, approved by both leads, written into the roster)."""

import io
import random
from datetime import date, time, timedelta

import pytest

from kefu.attendance import demo
from kefu.attendance.models import PostCheck, ShiftSwap
from kefu.org.models import Team


@pytest.mark.django_db
def test_demo_builds_post_checks_and_an_applied_swap(center, make_staff):
    from kefu.roster.models import Assignment, Roster, ShiftTemplate

    lead_a = make_staff("team_lead", staff_no="9001", username="teamlead1")
    lead_b = make_staff("team_lead", staff_no="9002", username="teamlead2")
    team_a = Team.objects.create(center=center, code="a", name="一班", lead=lead_a)
    team_b = Team.objects.create(center=center, code="b", name="二班", lead=lead_b)
    make_staff("supervisor", staff_no="9100", username="supervisor1")
    agents = [
        make_staff("agent", staff_no=f"{1001 + i}", username=f"agent{i + 1}", team=team_a if i % 2 else team_b)
        for i in range(4)
    ]
    today = date.today()
    start = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    shift = ShiftTemplate.objects.create(center=center, code="D", name="白班", start=time(8), minutes=540)
    days = (today + timedelta(days=20) - start).days
    roster = Roster.objects.create(center=center, start=start, days=days, status=Roster.Status.PUBLISHED)
    Assignment.objects.bulk_create(
        [
            Assignment(roster=roster, staff=a, day=start + timedelta(days=d), shift=shift, code="D")
            for d in range(days)
            for i, a in enumerate(agents)
            if (d + i) % 2 == 0
        ]
    )
    out = io.StringIO()
    demo.build(center, random.Random(14), out)
    assert (
        PostCheck.objects.filter(finding="left_post").exists() and PostCheck.objects.filter(kind="spot_check").exists()
    )
    swap = ShiftSwap.objects.get(state=ShiftSwap.State.APPROVED)
    assert swap.answered_at and len(swap.applied) >= 2
    assert "换班 1 次" in out.getvalue()
