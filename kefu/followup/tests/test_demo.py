"""The demo month of follow-up: tasks on every day, a mix of outcomes, built once."""

from __future__ import annotations

import io
import random

from kefu.followup import demo
from kefu.followup.models import Task


def test_demo_builds_a_month_of_callbacks_once(make_staff, replied_complaint):
    for n in range(1, 4):
        make_staff("agent", staff_no=f"30{n}", username=f"agent{n}")
    center = replied_complaint.center
    out = io.StringIO()
    demo.build(center, random.Random(7), out)
    tasks = Task.objects.filter(center=center)
    assert tasks.count() >= 60  # 2-4 a day over 33 days, and the complaint's return visit
    assert tasks.filter(kind="return_visit", order=replied_complaint).count() == 1
    states = set(tasks.values_list("state", flat=True))
    assert {"open", "done", "closed"} <= states
    days = {t.due_at.date() for t in tasks}
    assert len(days) >= 30
    for task in tasks.filter(state="closed", closure="unreachable"):
        assert task.attempts.count() == 3  # 002:L259
    count = tasks.count()
    demo.build(center, random.Random(7), io.StringIO())
    assert Task.objects.filter(center=center).count() == count


def test_demo_builds_one_running_campaign_once(make_staff, center):
    from kefu.followup import campaigns
    from kefu.followup.models import Campaign

    make_staff("supervisor", staff_no="501", username="supervisor1")
    for n in range(1, 4):
        make_staff("agent", staff_no=f"30{n}", username=f"agent{n}")
    out = io.StringIO()
    demo.campaign(center, random.Random(3), out)
    c = Campaign.objects.get(center=center)
    assert c.state == "running" and len(c.questionnaire) == 4 and c.offer_roles == ["senior_agent"]
    p = campaigns.progress(c)
    assert p.total == 60 and 0 < p.completed < p.called < p.total and p.refused > 0
    assert not c.targets.filter(state="open", holder__isnull=False).exists()  # nobody left holding a customer
    for t in c.targets.filter(state="closed", closure="unreachable"):
        assert t.attempts.count() == 3  # 002:L259
    demo.campaign(center, random.Random(3), io.StringIO())
    assert Campaign.objects.filter(center=center).count() == 1 and c.targets.count() == 60
