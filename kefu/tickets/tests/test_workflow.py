"""Workflow fixtures of requirements-D §9.3, through services.transition (each cites its seed line)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.errors import RuleViolation
from kefu.tickets import machine, services
from kefu.tickets.models import Order, OrderEvent, TypicalCase


def future(hours=24):
    return (timezone.now() + timedelta(hours=hours)).isoformat()


def snapshot(order):
    o = Order.objects.get(pk=order.pk)
    return (
        o.state,
        o.version,
        o.department_id,
        o.dispatch_opinion,
        o.return_reason,
        o.result,
        OrderEvent.objects.filter(order=o).count(),
    )


def to_processing(order, org, fire):
    fire(order, "review", org.dispatcher, review_opinion="有效投诉")
    return fire(order, "dispatch", org.dispatcher, dispatch_opinion="请核查扣费", department="billing")


def test_full_complaint_lifecycle(org, new_order, fire):
    order = new_order()
    assert order.state == machine.ACCEPTED and order.number.startswith("GD") and len(order.number) == 14
    to_processing(order, org, fire)
    fire(order, "resolve", org.handler, result="已退还50元", cause="计费系统重复扣费")  # 004:L2089
    fire(order, "reply", org.agent, reply_opinion="已告知客户退费", satisfaction="satisfied")  # 004:L2117
    done = fire(order, "archive", org.dispatcher, analysis="系统缺陷", is_typical=True, case_title="重复扣费")
    assert done.state == machine.ARCHIVED and done.archived_at and done.version == 6
    events = list(OrderEvent.objects.filter(order=order).values_list("name", "staff_no", "from_state", "to_state"))
    assert events == [
        ("accept", "2001", "", "accepted"),
        ("review", "4001", "accepted", "reviewed"),
        ("dispatch", "4001", "reviewed", "processing"),
        ("resolve", "8002", "processing", "resolved"),
        ("reply", "2001", "resolved", "replied"),
        ("archive", "4001", "replied", "archived"),
    ]
    assert done.reviewer == org.dispatcher and done.handler == org.handler and done.feedback_giver == org.agent
    # typical case goes to the case library (004:L2171)
    assert TypicalCase.objects.get(order=order).title == "重复扣费"


def test_consultation_answered_at_once(org, new_order, fire):
    order = new_order(kind="consultation")  # 004:L2011
    done = fire(order, "answer", org.agent, reply_opinion="已解答套餐资费", satisfaction="satisfied")
    assert done.state == machine.REPLIED and done.replied_at is not None


def test_review_invalid_cancels(org, new_order, fire):
    order = new_order()  # 004:L2063
    done = fire(order, "cancel", org.dispatcher, review_opinion="重复来电，非投诉")
    assert done.state == machine.CANCELLED and done.is_invalid and done.review_opinion == "重复来电，非投诉"


def test_dispatch_without_opinion_is_refused(org, new_order, fire):
    order = new_order()  # 004:L2077
    fire(order, "review", org.dispatcher, review_opinion="有效")
    before = snapshot(order)
    with pytest.raises(RuleViolation) as err:
        fire(order, "dispatch", org.dispatcher, department="billing")
    assert err.value.problems[0].field == "dispatch_opinion" and "派送意见" in str(err.value)
    assert snapshot(order) == before


def test_flow_template_picks_the_department(org, new_order, fire):
    order = new_order(category="network")  # 004:L2075: template per category
    fire(order, "review", org.dispatcher, review_opinion="有效")
    done = fire(order, "dispatch", org.dispatcher, dispatch_opinion="请处理")
    assert done.department == org.depts["network"]


def test_return_without_reason_is_refused(org, new_order, fire):
    order = new_order()  # 004:L2097
    to_processing(order, org, fire)
    before = snapshot(order)
    with pytest.raises(RuleViolation) as err:
        fire(order, "return", org.handler)
    assert err.value.problems[0].field == "return_reason"
    assert snapshot(order) == before
    back = fire(order, "return", org.handler, return_reason="不属本部门")
    assert back.state == machine.REVIEWED


def test_overdue_order_needs_overdue_reason(org, new_order, fire):
    order = new_order(level=1)  # 004:L2097
    to_processing(order, org, fire)
    later = timezone.now() + timedelta(hours=3)  # level 1 = 2 h (004:L1295)
    fresh = Order.objects.get(pk=order.pk)
    before = snapshot(order)
    with pytest.raises(RuleViolation) as err:
        services.transition(fresh, "resolve", org.handler, fresh.version, now=later, result="已处理", cause="原因")
    assert err.value.problems[0].field == "overdue_reason"
    assert snapshot(order) == before
    done = services.transition(
        fresh,
        "resolve",
        org.handler,
        fresh.version,
        now=later,
        result="已处理",
        cause="原因",
        overdue_reason="等待厂家",
    )
    assert done.state == machine.RESOLVED and done.overdue_reason == "等待厂家"


@pytest.mark.parametrize("missing", ["transfer_reason", "station", "department", "handling_deadline"])
def test_transfer_requires_all_four(org, new_order, fire, missing):
    order = new_order()  # 004:L2105
    to_processing(order, org, fire)
    fields = {
        "transfer_reason": "网络问题",
        "station": "网管工位",
        "department": "network",
        "handling_deadline": future(),
    }
    fields.pop(missing)
    before = snapshot(order)
    with pytest.raises(RuleViolation) as err:
        fire(order, "transfer", org.handler, **fields)
    assert err.value.problems[0].field == missing
    assert snapshot(order) == before


def test_transfer_moves_the_order(org, new_order, fire):
    order = new_order()
    to_processing(order, org, fire)
    done = fire(
        order,
        "transfer",
        org.handler,
        transfer_reason="网络问题",
        station="网管工位",
        department="network",
        handling_deadline=future(),
        level=3,
    )
    assert done.state == machine.PROCESSING and done.department == org.depts["network"] and done.level == 3
    assert done.is_cross_province
    # the level change recomputes the deadline from the original acceptance (requirements-D §4.1)
    assert done.due_at == services.resolution_due(org.center, "complaint", 3, done.accepted_at)
    with pytest.raises(RuleViolation) as err:  # the billing handler no longer holds it
        fire(order, "resolve", org.handler, result="x", cause="y")
    assert err.value.status == 403


@pytest.mark.parametrize("missing", ["reply_opinion", "satisfaction"])
def test_reply_needs_opinion_and_satisfaction(org, new_order, fire, missing):
    order = new_order()  # 004:L2115-2117
    to_processing(order, org, fire)
    fire(order, "resolve", org.handler, result="已退费", cause="重复扣费")
    fields = {"reply_opinion": "已回复", "satisfaction": "satisfied"}
    fields.pop(missing)
    before = snapshot(order)
    with pytest.raises(RuleViolation) as err:
        fire(order, "reply", org.agent, **fields)
    assert err.value.problems[0].field == missing
    assert snapshot(order) == before


def test_dissatisfied_redispatch_and_final_reply(org, new_order, fire):
    order = new_order()  # 004:L2089, L2127
    to_processing(order, org, fire)
    fire(order, "resolve", org.handler, result="已解释", cause="政策")
    first = fire(order, "reply", org.agent, reply_opinion="已解释政策", satisfaction="dissatisfied")
    with pytest.raises(RuleViolation) as err:  # the final reply is needed before archiving a dissatisfied order
        fire(order, "archive", org.dispatcher, analysis="分析")
    assert err.value.problems[0].field == "final_reply"
    fire(order, "redispatch", org.dispatcher, dispatch_opinion="客户不满意，请重新处理", department="billing")
    fire(order, "resolve", org.handler, result="已补偿", cause="政策")
    second = fire(order, "reply", org.agent2, reply_opinion="已补偿", satisfaction="satisfied")
    assert (
        second.reply_count == 2 and second.replied_at == first.replied_at and second.last_replied_at > first.replied_at
    )
    with pytest.raises(RuleViolation):  # satisfied now: no re-dispatch
        fire(order, "redispatch", org.dispatcher, dispatch_opinion="x")
    done = fire(order, "archive", org.dispatcher, analysis="两次回复后满意", final_reply="补偿到账")
    assert done.state == machine.ARCHIVED and done.final_reply == "补偿到账"


def test_appeal_not_new_goes_straight_to_reply(org, new_order, fire):
    order = new_order(kind="appeal", appeal_source="消费者协会", appeal_is_new=False)  # 004:L2153
    assert [t.name for t in services.allowed_transitions(order, org.dispatcher)] == [
        "appeal_reply",
        "take",
        "merge",
        "split",
    ]
    with pytest.raises(RuleViolation):
        fire(order, "appeal_verify", org.dispatcher, verification_request="核实")
    done = fire(order, "appeal_reply", org.dispatcher, reply_opinion="维持原处理意见", satisfaction="satisfied")
    assert done.state == machine.REPLIED


def test_new_appeal_not_verified_is_cancelled_replied_archived(org, new_order, fire):
    order = new_order(kind="appeal", appeal_source="移动总部")  # 004:L2153-2155, L2167
    with pytest.raises(RuleViolation):
        fire(order, "appeal_reply", org.dispatcher, reply_opinion="x", satisfaction="satisfied")
    fire(order, "appeal_verify", org.dispatcher, verification_request="请地市核实", department="province")
    with pytest.raises(RuleViolation) as err:
        fire(order, "appeal_reject", org.dispatcher, verification_result="不属实", reply_opinion="经核实不属实")
    assert err.value.problems[0].field == "report"
    done = fire(
        order,
        "appeal_reject",
        org.dispatcher,
        verification_result="不属实",
        reply_opinion="经核实不属实",
        report="关于某申诉核实情况的报告",
    )
    assert done.state == machine.ARCHIVED and done.is_invalid and done.replied_at and done.archived_at
    assert done.arbitration_result == "not_verified" and done.report


def test_new_appeal_verified_dispatched_with_deadline(org, new_order, fire):
    order = new_order(kind="appeal", appeal_source="客户")  # 004:L2157
    fire(order, "appeal_verify", org.dispatcher, verification_request="请核实")
    done = fire(
        order,
        "appeal_dispatch",
        org.dispatcher,
        verification_result="属实",
        dispatch_opinion="限期处理",
        department="billing",
        handling_deadline=future(48),
    )
    assert done.state == machine.PROCESSING and done.arbitration_result == "verified" and done.handling_deadline


def test_coordination_needs_feedback_deadline(org, new_order, fire):
    order = new_order(kind="coordination", coordination_origin="杭州")  # 004:L2179
    with pytest.raises(RuleViolation) as err:
        fire(order, "coordinate", org.dispatcher, dispatch_opinion="请协调", department="billing")
    assert err.value.problems[0].field == "handling_deadline"
    done = fire(
        order, "coordinate", org.dispatcher, dispatch_opinion="请协调", department="billing", handling_deadline=future()
    )
    assert done.state == machine.PROCESSING and done.forwarding_status == "forwarded"


def test_role_is_checked_by_the_machine(org, new_order, fire):
    order = new_order()
    before = snapshot(order)
    with pytest.raises(RuleViolation) as err:
        fire(order, "review", org.agent, review_opinion="x")
    assert err.value.status == 403
    assert snapshot(order) == before


def test_wrong_state_and_unknown_transition(org, new_order, fire):
    order = new_order()
    with pytest.raises(RuleViolation) as err:
        fire(order, "archive", org.dispatcher, analysis="x")
    assert err.value.status == 409 and "已受理" in str(err.value)
    with pytest.raises(RuleViolation) as err:
        fire(order, "fly", org.dispatcher)
    assert err.value.problems[0].rule == "unknown_transition"


def test_stale_version_is_refused(org, new_order):
    order = new_order()
    services.transition(order, "review", org.dispatcher, 1, review_opinion="ok")
    with pytest.raises(RuleViolation) as err:
        services.transition(order, "dispatch", org.dispatcher, 1, dispatch_opinion="x", department="billing")
    assert err.value.status == 409 and err.value.problems[0].field == "version"
    assert Order.objects.get(pk=order.pk).state == machine.REVIEWED


def test_repeat_complaint_is_linked_and_prioritised(org, new_order, fire):
    first = new_order()  # 004:L1327, L2013
    fire(first, "cancel", org.dispatcher, review_opinion="无效") if False else None
    to_processing(first, org, fire)
    fire(first, "resolve", org.handler, result="已退费", cause="扣费错误")
    fire(first, "reply", org.agent, reply_opinion="已回复", satisfaction="dissatisfied")
    again = new_order(phone="138-0013-8000")  # same customer, same category
    assert again.is_repeat and again.original_id == first.pk and again.priority == 2
    other = new_order(category="network")
    assert not other.is_repeat and other.priority == 0


def test_repeat_window_is_policy(org, new_order):
    from kefu.org.services import update_policy

    old = new_order(accepted_at=(timezone.now() - timedelta(days=10)).isoformat())
    assert new_order().is_repeat
    update_policy(org.center, preset="hotline", overrides={"tickets": {"repeat_window_days": 5}})
    fresh = new_order()
    assert fresh.is_repeat and fresh.original_id != old.pk  # linked to the recent one, not the 10-day-old one


def test_key_account_goes_to_senior_agent(org, new_order):
    order = new_order(complainant_type="key_account")  # 004:L2019
    assert order.is_key_account and order.assigned_group == "senior_agent" and order.assigned_to == org.senior


def test_first_contact_owner_keeps_the_order(org, new_order, fire):
    from kefu.tickets import selectors

    order = new_order()
    to_processing(order, org, fire)
    mine = selectors.orders_for(org.center, org.agent, mine=True)
    assert list(mine) == [Order.objects.get(pk=order.pk)]
    assert not selectors.orders_for(org.center, org.agent2, mine=True).exists()


def test_all_agents_busy_offers_exactly_two_options(org, new_order):
    assert [c for c, _ in services.ALL_BUSY_OPTIONS] == ["recording", "callback"]  # 004:L2021
    with pytest.raises(RuleViolation) as err:
        new_order(all_agents_busy=True, channel="phone")
    assert err.value.problems[0].field == "channel"
    with pytest.raises(RuleViolation) as err:
        new_order(all_agents_busy=True, channel="callback")
    assert err.value.problems[0].field == "callback_at"
    rec = new_order(all_agents_busy=True, channel="recording", recording_ref="rec/2026/1.wav")
    cb = new_order(all_agents_busy=True, channel="callback", callback_at=future(1), phone="13900000001")
    assert rec.channel == "recording" and cb.callback_at is not None
