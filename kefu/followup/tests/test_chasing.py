"""Chasing a department (004:L2159): manual 催办 by a dispatcher or on the customer's request, automatic once the
handling deadline passes without feedback, 督办 by a supervisor; counted per department, on the order's timeline."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from kefu.errors import NotAllowed, RuleViolation
from kefu.followup import chasing, services
from kefu.followup.models import Chase
from kefu.messages import render
from kefu.notify.models import Notification
from kefu.scope import scope_of
from kefu.tickets.history import event_line


@pytest.fixture
def processing(people, center):
    """A complaint dispatched to the billing department with a deadline in 4 hours."""
    from kefu.org.models import Department
    from kefu.tickets import services as tickets

    liaison = people["agent2"]
    Department.objects.create(center=center, code="billing", name="计费部", liaison=liaison, leader=people["lead"])
    agent, disp = people["agent"], people["dispatcher"]
    order = tickets.create_order(
        center,
        agent,
        {
            "kind": "complaint",
            "phone": "13800138000",
            "subject": "话费多扣",
            "description": "多扣50元",
            "category": "tariff",
            "level": 2,
        },
    )
    order = tickets.transition(order, "review", disp, order.version, review_opinion="属实")
    deadline = timezone.now() + timedelta(hours=4)
    return tickets.transition(
        order,
        "dispatch",
        disp,
        order.version,
        dispatch_opinion="请核查",
        department="billing",
        handling_deadline=deadline,
    )


def test_a_dispatcher_chases_it_is_on_the_timeline_and_the_liaison_is_told(processing, people):
    row = chasing.chase(scope_of(people["dispatcher"]), processing.pk, kind="chase", note="客户来电询问进度")
    assert (row.kind, row.department.code, row.by) == ("chase", "billing", people["dispatcher"])
    event = processing.events.get(name="chase_chase")
    assert (event.code, event.params, event.staff_no, event.note) == (
        "followup.chase.event.chase",
        {"department": "计费部"},
        "4001",
        "客户来电询问进度",
    )
    line = event_line(event)
    assert (line["label"], line["note"]) == ("催办", "被催办部门：计费部 · 客户来电询问进度")
    with translation.override("en"):
        line = event_line(event)
        assert (line["label"], line["note"]) == ("Reminder", "Department chased: 计费部 · 客户来电询问进度")
    note = Notification.objects.get(recipient=people["agent2"])
    assert note.code == "followup.notify.chase"
    assert render(note.code, note.params).startswith(f"工单 {processing.number} 被催办：客户来电询问进度")


def test_an_agent_chases_only_on_the_customers_request(processing, people):
    with pytest.raises(NotAllowed) as refused:
        chasing.chase(scope_of(people["agent"]), processing.pk, kind="chase")
    assert refused.value.problems[0].rule == "followup.chase.not_allowed"
    row = chasing.chase(scope_of(people["agent"]), processing.pk, kind="chase", on_customer_request=True)
    assert row.on_customer_request


def test_a_second_manual_chase_within_the_interval_is_refused(processing, people):
    scope = scope_of(people["dispatcher"])
    now = timezone.now()
    chasing.chase(scope, processing.pk, kind="chase", now=now)
    with pytest.raises(RuleViolation) as refused:
        chasing.chase(scope, processing.pk, kind="chase", now=now + timedelta(minutes=29))
    assert refused.value.problems[0].rule == "followup.chase.too_soon" and "30 分钟内不再重复催办" in str(refused.value)
    assert Chase.objects.count() == 1
    chasing.chase(scope, processing.pk, kind="chase", now=now + timedelta(minutes=30))
    assert Chase.objects.count() == 2


def test_supervise_is_for_supervisors_needs_a_note_and_reaches_the_leader_urgently(processing, people):
    with pytest.raises(NotAllowed):
        chasing.chase(scope_of(people["dispatcher"]), processing.pk, kind="supervise", note="x")
    with pytest.raises(RuleViolation) as refused:
        chasing.chase(scope_of(people["lead"]), processing.pk, kind="supervise")
    assert refused.value.problems[0].field == "note"
    chasing.chase(scope_of(people["lead"]), processing.pk, kind="supervise", note="三天未反馈，请部门领导督办")
    assert Notification.objects.get(recipient=people["lead"]).urgent
    assert processing.events.filter(name="chase_supervise", code="followup.chase.event.supervise").exists()


def test_a_replied_order_needs_no_chase(replied_complaint, people):
    with pytest.raises(RuleViolation) as refused:
        chasing.chase(scope_of(people["dispatcher"]), replied_complaint.pk, kind="chase")
    assert refused.value.problems[0].rule == "followup.chase.not_open" and refused.value.status == 409
    with pytest.raises(RuleViolation) as refused:
        chasing.chase(scope_of(people["dispatcher"]), replied_complaint.pk, kind="hurry")
    assert refused.value.problems[0].rule == "followup.chase.kind.invalid"
    assert not Chase.objects.exists()


def test_automatic_chase_once_the_deadline_passes_without_feedback_004_L2159(processing, people):
    before = processing.handling_deadline - timedelta(minutes=1)
    assert services.scan(before)["auto_chase"] == 0
    after = processing.handling_deadline + timedelta(minutes=1)
    assert services.scan(after)["auto_chase"] == 1
    assert services.scan(after + timedelta(hours=1))["auto_chase"] == 0
    event = processing.events.get(name="chase_auto")
    assert (event.code, event.by_system, event.staff_no) == ("followup.chase.event.auto", True, "")
    assert event_line(event)["by"] == "系统"
    with translation.override("en"):
        line = event_line(event)
        assert line["label"].startswith("Automatic chase") and line["by"] == render("tickets.event.by_system")
    assert Notification.objects.get(recipient=people["agent2"], code="followup.notify.auto_chase").urgent


def test_counted_per_department(processing, people, client_for):
    chasing.chase(scope_of(people["dispatcher"]), processing.pk, kind="chase")
    chasing.chase(scope_of(people["lead"]), processing.pk, kind="supervise", note="督办")
    scanned = processing.handling_deadline + timedelta(minutes=1)
    services.scan(scanned)
    # the period named: after 20:00 local the deadline (and the automatic chase) falls on tomorrow
    start = timezone.localdate() - timedelta(days=1)
    end = timezone.localtime(scanned).date() + timedelta(days=1)
    rows = client_for(people["lead"]).get(f"/api/followup/chases/departments?start={start}&end={end}").json()
    assert rows == [
        {
            "department_id": processing.department_id,
            "department": "计费部",
            "chase": 1,
            "auto": 1,
            "supervise": 1,
            "total": 3,
        }
    ]
    page = client_for(people["lead"]).get("/followup/figures/").content.decode()
    assert "计费部" in page


def test_chase_page_and_api_refusal(processing, people, client_for):
    client = client_for(people["dispatcher"])
    response = client.post(f"/followup/orders/{processing.pk}/chase/", {"kind": "chase", "note": "请尽快"})
    assert response.status_code == 302
    page = client.get(f"/followup/orders/{processing.pk}/chase/").content.decode()
    assert "请尽快" in page
    api = client.post(
        f"/api/followup/orders/{processing.pk}/chases", {"kind": "chase"}, content_type="application/json"
    )
    assert api.status_code == 409 and api.json()["detail"][0]["rule"] == "followup.chase.too_soon"
