"""Callback and return-visit tasks: created by policy (replied complaints, promised callbacks, the handover
diary's callbacks due) and by hand, moved only through the declared machine; bad input changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.errors import NotAllowed, RuleViolation
from kefu.followup import services
from kefu.followup.models import Attempt, Task, TaskEvent
from kefu.notify.models import Notification
from kefu.scope import scope_of


def test_a_replied_complaint_gets_one_return_visit_due_72h_later(replied_complaint, people):
    """002:L259: the result is visited within 72 h, for 100 % of complaints; the scan is idempotent."""
    now = replied_complaint.replied_at + timedelta(minutes=5)
    assert services.scan(now)["return_visit"] == 1
    assert services.scan(now)["return_visit"] == 0
    task = Task.objects.get()
    assert (task.kind, task.owner, task.order_id) == ("return_visit", people["agent"], replied_complaint.pk)
    assert task.due_at == replied_complaint.replied_at + timedelta(hours=72)
    assert task.customer_id == replied_complaint.customer_id
    note = Notification.objects.get(recipient=people["agent"])
    assert note.code == "followup.notify.assigned" and note.link == f"/followup/t/{task.pk}/"
    assert replied_complaint.number in services.reason_text(task)


def test_a_consultation_gets_no_return_visit_on_the_hotline_preset(people):
    from kefu.tickets import services as tickets

    agent = people["agent"]
    order = tickets.create_order(
        agent.center,
        agent,
        {"kind": "consultation", "phone": "13800138001", "subject": "资费咨询", "description": "问套餐", "level": 2},
    )
    order = tickets.transition(order, "answer", agent, order.version, reply_opinion="已解答", satisfaction="satisfied")
    assert services.scan(order.replied_at + timedelta(minutes=1))["return_visit"] == 0


def test_a_promised_callback_on_an_order_becomes_a_task(people):
    """004:L1245: the agent takes the caller's number and calls back; the order's 预约回呼 time is the due time."""
    from kefu.tickets import services as tickets
    from kefu.tickets.models import Order

    agent = people["agent"]
    order = tickets.create_order(
        agent.center,
        agent,
        {
            "kind": "consultation",
            "phone": "13800138002",
            "subject": "无法当场答复",
            "description": "查询后回电",
            "level": 2,
        },
    )
    when = timezone.now() + timedelta(hours=2)
    Order.objects.filter(pk=order.pk).update(callback_at=when)
    assert services.scan()["callback"] == 1
    assert services.scan()["callback"] == 0
    task = Task.objects.get(kind="callback")
    assert task.due_at == when and task.source == "order_callback"


def test_the_handover_diarys_callbacks_due_become_tasks_of_their_holder(people):
    from datetime import date

    from kefu.shiftlog import services as shiftlog

    agent = people["agent"]
    handover = shiftlog.start_handover(agent, shift_code="D", shift_date=date.today(), equipment_state="正常")
    due = timezone.now() + timedelta(hours=1)
    shiftlog.add_item(
        agent, handover.pk, kind="callback", text="张先生要求回电确认退款", customer_phone="13800138003", due_at=due
    )
    assert services.scan()["shiftlog"] == 1
    assert services.scan()["shiftlog"] == 0
    task = Task.objects.get(source="shiftlog")
    assert (task.owner, task.due_at, task.kind) == (agent, due, "callback")
    assert "张先生要求回电确认退款" in services.reason_text(task)


@pytest.fixture
def task(replied_complaint):
    services.scan(replied_complaint.replied_at + timedelta(minutes=5))
    return Task.objects.get()


def test_T28_three_failed_attempts_make_the_task_closable(task, people):
    """requirements-B T28, 002:L259: 3 failed attempts -> closable as unreachable; not before."""
    scope = scope_of(people["agent"])
    for outcome in ("no_answer", "busy"):
        task = services.fire(scope, task.pk, name="attempt", version=task.version, outcome=outcome)
    with pytest.raises(RuleViolation) as refused:
        services.fire(scope, task.pk, name="close", version=task.version, closure="unreachable")
    assert refused.value.problems[0].rule == "followup.close.not_yet"
    assert "已有 2 次未联系上，制度要求 3 次" in str(refused.value)
    task.refresh_from_db()
    assert task.state == "open"
    task = services.fire(scope, task.pk, name="attempt", version=task.version, outcome="powered_off", note="关机")
    task = services.fire(scope, task.pk, name="close", version=task.version, closure="unreachable", note="三次未接通")
    assert (task.state, task.closure, task.attempt_count) == ("closed", "unreachable", 3)
    assert [a.outcome for a in Attempt.objects.filter(task=task)] == ["no_answer", "busy", "powered_off"]
    assert TaskEvent.objects.filter(task=task, code="followup.task.transition.close").exists()


def test_T28_a_wrong_number_is_closable_at_once(task, people):
    scope = scope_of(people["agent"])
    task = services.fire(scope, task.pk, name="attempt", version=task.version, outcome="wrong_number")
    task = services.fire(scope, task.pk, name="close", version=task.version, closure="wrong_number")
    assert task.state == "closed"


def test_completing_records_the_reach_result_and_satisfaction(task, people):
    """004:L1917: ask the customer how satisfied they are with the result."""
    scope = scope_of(people["agent"])
    now = task.due_at - timedelta(hours=1)
    task = services.fire(
        scope,
        task.pk,
        name="complete",
        version=task.version,
        result="客户确认已退费",
        satisfaction="satisfied",
        now=now,
    )
    assert (task.state, task.reached_at, task.satisfaction) == ("done", now, "satisfied")
    assert Attempt.objects.get(task=task).outcome == "reached"


@pytest.mark.parametrize(
    "who, name, fields, error, rule",
    [
        ("agent2", "attempt", {"outcome": "busy"}, NotAllowed, "workflow.not_your_party"),  # not the owner
        ("agent", "attempt", {"outcome": "asleep"}, RuleViolation, "common.not_a_choice"),  # an unknown outcome
        ("agent", "attempt", {}, RuleViolation, "common.required"),
        ("agent", "complete", {}, RuleViolation, "common.required"),
        ("agent", "reassign", {"owner": "2002"}, NotAllowed, "workflow.not_your_role"),
        ("lead", "reassign", {"owner": "9999"}, RuleViolation, "followup.owner.unknown"),
        ("agent", "fly", {}, RuleViolation, "workflow.unknown_transition"),
    ],
)
def test_refusals_change_nothing(task, people, who, name, fields, error, rule):
    with pytest.raises(error) as refused:
        services.fire(scope_of(people[who]), task.pk, name=name, version=task.version, **fields)
    assert refused.value.problems[0].rule == rule
    task.refresh_from_db()
    assert (task.state, task.version, task.attempt_count) == ("open", 1, 0)
    assert not Attempt.objects.exists()


def test_a_lead_reassigns_and_the_new_owner_is_notified(task, people):
    moved = services.fire(scope_of(people["lead"]), task.pk, name="reassign", version=task.version, owner="2002")
    assert moved.owner == people["agent2"]
    assert Notification.objects.filter(recipient=people["agent2"], code="followup.notify.assigned").exists()


def test_an_overdue_task_notifies_its_owner_once_urgently(task, people):
    later = task.due_at + timedelta(minutes=1)
    assert services.scan(later)["overdue"] == 1
    assert services.scan(later + timedelta(hours=1))["overdue"] == 0
    note = Notification.objects.get(recipient=people["agent"], code="followup.notify.overdue")
    assert note.urgent


def test_by_hand_with_a_due_time_in_the_past_is_refused(people):
    scope = scope_of(people["agent"])
    with pytest.raises(RuleViolation) as refused:
        services.create_task(
            scope, data={"kind": "callback", "reason": "回电", "phone": "13800138000", "due_at": "2020-01-01 10:00"}
        )
    assert refused.value.problems[0].rule == "followup.due.past"
    assert "已经过去" in str(refused.value)
    assert not Task.objects.exists()


def test_by_hand_reports_every_problem_at_once(people):
    scope = scope_of(people["agent"])
    with pytest.raises(RuleViolation) as refused:
        services.create_task(scope, data={"kind": "visit", "reason": "", "phone": "12", "due_at": "明天", "owner": "x"})
    assert {p.field for p in refused.value.problems} == {"kind", "reason", "phone", "due_at", "owner"}
    assert not Task.objects.exists()


def test_T29_a_member_visit_by_hand_is_due_by_the_end_of_D_plus_3(people):
    """002:L397: a member visit within three days of the service."""
    scope = scope_of(people["agent"])
    day = timezone.localdate() + timedelta(days=1)
    task = services.create_task(
        scope,
        data={"kind": "member_visit", "reason": "会员服务回访", "phone": "13800138009", "base_day": day.isoformat()},
    )
    local = timezone.localtime(task.due_at)
    assert (local.date(), local.hour, local.minute) == (day + timedelta(days=3), 23, 59)


def test_api_queue_is_sorted_by_due_time_and_masks_phones(people, client_for):
    from kefu.audit.models import AuditRecord

    scope = scope_of(people["agent"])
    soon = timezone.now() + timedelta(hours=1)
    later = timezone.now() + timedelta(hours=5)
    services.create_task(scope, data={"kind": "callback", "reason": "晚", "phone": "13800138001", "due_at": later})
    services.create_task(scope, data={"kind": "callback", "reason": "早", "phone": "13800138002", "due_at": soon})
    rows = client_for(people["agent"]).get("/api/followup/tasks").json()
    assert [r["reason"] for r in rows] == ["早", "晚"]
    assert rows[0]["customer_phone"] == "138****8002"
    assert AuditRecord.objects.filter(object_type="customers.customer", note="回访队列").exists()


def test_api_fire_with_an_unknown_outcome_is_a_400_in_chinese(task, people, client_for):
    response = client_for(people["agent"]).post(
        f"/api/followup/tasks/{task.pk}/fire",
        {"name": "attempt", "version": task.version, "outcome": "asleep"},
        content_type="application/json",
    )
    assert response.status_code == 400
    detail = response.json()["detail"][0]
    assert detail["field"] == "outcome" and "不是可选的值" in detail["message"]


def test_another_centers_task_is_a_404(task, db):
    from kefu.org import services as org

    other = org.create_center("other", "另一中心")
    outsider = org.create_staff(
        other, staff_no="7001", name="外", roles=["supervisor"], username="u7001", password="Kefu-test-2026!"
    )
    with pytest.raises(RuleViolation) as refused:
        services.fire(scope_of(outsider), task.pk, name="cancel", version=task.version, note="x")
    assert refused.value.status == 404


def test_figures_timeliness_coverage_and_satisfaction(task, people, replied_complaint):
    from kefu.followup import selectors

    scope = scope_of(people["agent"])
    services.fire(
        scope,
        task.pk,
        name="complete",
        version=task.version,
        result="已回访",
        satisfaction="dissatisfied",
        now=task.due_at - timedelta(hours=1),
    )
    start = replied_complaint.replied_at - timedelta(days=1)
    f = selectors.figures(scope_of(people["lead"]), start, start + timedelta(days=10), task.due_at + timedelta(days=1))
    assert (f.timeliness.numerator, f.timeliness.denominator) == (1, 1)
    assert (f.coverage.numerator, f.coverage.denominator, f.coverage.percent) == (1, 1, 100.0)
    assert (f.satisfied.numerator, f.satisfied.denominator) == (0, 1)
    assert f.target == 100


def test_every_label_of_the_machine_is_in_the_catalogue():
    from kefu.followup.machine import MACHINE
    from kefu.messages import catalogue
    from kefu.workflow import check_declared

    assert check_declared([MACHINE], catalogue()) == []


def test_figures_page_for_leads_in_chinese_and_english(task, people, client_for):
    scope = scope_of(people["agent"])
    services.fire(scope, task.pk, name="complete", version=task.version, result="已回访", satisfaction="satisfied")
    client = client_for(people["lead"])
    page = client.get("/followup/figures/").content.decode()
    assert "投诉回访率（目标 100%）" in page and 'id="coverage">100.0%' in page
    assert client_for(people["agent"]).get("/followup/figures/").status_code == 403
    client.cookies["django_language"] = "en"
    english = client.get("/followup/figures/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Complaint visit coverage (target 100%)" in english
