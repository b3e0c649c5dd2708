"""Merging duplicate orders and splitting one, with the history on both; "我来处理" at the dispatcher's desk (issue 17,
item 2). Duplicates of one matter are handled first and once (004:L2013, L1327); the dispatcher reviews and dispatches
(004:L2055, L2077); a split-off order's deadlines come from the center's policy (004:L1293-1299)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.translation import override

from kefu.audit.models import AuditRecord
from kefu.errors import RuleViolation
from kefu.org import services as org_services
from kefu.tickets import history, machine, services
from kefu.tickets.models import Order, OrderEvent


def fresh(order):
    return Order.objects.get(pk=order.pk)


def merge(order, into, actor, **kw):
    return services.merge(fresh(order), into, actor, fresh(order).version, **kw)


def refused(call) -> RuleViolation:
    with pytest.raises(RuleViolation) as exc:
        call()
    return exc.value


def events(order):
    return list(OrderEvent.objects.filter(order=order).order_by("pk"))


# --- merge --------------------------------------------------------------------------------------------------------
def test_merge_ends_the_duplicate_and_the_survivor_keeps_both(org, new_order):
    """004:L2013: the duplicate's matter lives on in the survivor, with the earlier deadline and higher priority."""
    survivor = new_order(level=1, description="宽带断网三天")
    dup = new_order(level=2, description="再次来电：宽带仍然断网，要求上门")
    Order.objects.filter(pk=dup.pk).update(due_at=fresh(survivor).due_at - timedelta(hours=5), priority=7)
    dup_due = fresh(dup).due_at
    version = fresh(survivor).version

    kept = merge(dup, survivor.number, org.dispatcher, note="同一客户同一问题")

    dup = fresh(dup)
    assert dup.state == machine.MERGED and dup.merged_into_id == survivor.pk and dup.merged_at is not None
    assert kept.pk == survivor.pk and kept.version == version + 1
    assert kept.due_at == dup_due and kept.priority == 7
    assert "宽带断网三天" in kept.description and "再次来电：宽带仍然断网，要求上门" in kept.description
    assert dup.number in kept.description
    # history on both, as codes + parameters, pointing at each other
    last = events(dup)[-1]
    assert (last.code, last.from_state, last.to_state) == ("tickets.order.transition.merge", "accepted", "merged")
    assert last.params == {"number": survivor.number} and last.fields["into"]["number"] == survivor.number
    assert last.note == "同一客户同一问题"
    mark = events(survivor)[-1]
    assert (mark.code, mark.params["number"], mark.staff_no) == ("tickets.event.merged_in", dup.number, "4001")
    assert mark.note_code == "tickets.event.merged_in_deadline"
    assert history.event_title(mark) == f"并入重复工单 {dup.number}"
    assert history.event_note(last) == f"已合并到工单 {survivor.number} · 同一客户同一问题"
    assert "解决时限提前" in history.event_note(mark)
    with override("en"):
        assert history.event_title(mark) == f"Merged in the duplicate {dup.number}"
        assert history.event_note(last).startswith(f"Merged into order {survivor.number}")
        assert history.state(dup.state) == "Merged"
    assert AuditRecord.objects.filter(object_type="tickets.order", note="tickets.order.merge").exists()


def test_the_later_deadline_of_a_duplicate_leaves_the_survivor_deadline(org, new_order):
    survivor, dup = new_order(level=2), new_order(level=1)
    Order.objects.filter(pk=dup.pk).update(due_at=fresh(survivor).due_at + timedelta(days=2))
    kept = merge(dup, str(survivor.pk), org.supervisor)  # by id works as well as by number
    assert kept.due_at == fresh(survivor).due_at and events(survivor)[-1].note_code == ""


@pytest.mark.parametrize("case", ["itself", "chain", "closed", "other_center", "unknown"])
def test_merge_refusals_name_the_rule_and_change_nothing(org, new_order, fire, case):
    dup, target = new_order(), new_order()
    into = target.number
    rule = {
        "itself": "tickets.merge.itself",
        "chain": "tickets.merge.chain",
        "closed": "tickets.merge.closed",
        "other_center": "tickets.merge.not_found",
        "unknown": "tickets.merge.not_found",
    }[case]
    if case == "itself":
        into = dup.number
    elif case == "chain":
        third = new_order()
        merge(target, third.number, org.dispatcher)
    elif case == "closed":
        fire(target, "cancel", org.dispatcher, review_opinion="无效投诉")
    elif case == "other_center":
        other = org_services.create_center("other", "另一中心")
        stranger = org_services.create_staff(
            other, staff_no="7001", name="外中心客服", roles=["agent"], username="u7001", password="Kefu-test-2026!"
        )
        into = services.create_order(
            other,
            stranger,
            {"kind": "complaint", "phone": "13900139000", "subject": "外中心", "description": "外中心工单"},
        ).number
    elif case == "unknown":
        into = "GD209901010001"
    before = fresh(dup)
    exc = refused(lambda: merge(dup, into, org.dispatcher))
    assert exc.status == 400 and exc.problems[0].rule == rule and exc.problems[0].field == "into"
    text = exc.problems[0].text
    assert text.startswith("合并到：") and "tickets." not in text
    if case == "chain":
        assert f"已合并到 {third.number}" in text  # names the order to merge into instead
    after = fresh(dup)
    assert (after.state, after.version, after.merged_into_id) == (before.state, before.version, None)


def test_a_closed_duplicate_and_a_department_handler_are_refused(org, new_order, fire):
    dup, target = new_order(), new_order()
    fire(dup, "cancel", org.dispatcher, review_opinion="无效投诉")
    exc = refused(lambda: merge(dup, target.number, org.dispatcher))
    assert exc.status == 409 and exc.problems[0].rule == "workflow.wrong_state"
    assert "已撤消" in exc.problems[0].text
    open_dup = new_order()
    exc = refused(lambda: merge(open_dup, target.number, org.handler))
    assert exc.status == 403 and exc.problems[0].rule == "workflow.not_your_role"
    assert "合并重复工单：您的角色不能执行此操作" == exc.problems[0].text
    exc = refused(lambda: merge(open_dup, target.number, org.agent))
    assert exc.status == 403
    assert fresh(open_dup).state == machine.ACCEPTED and fresh(target).version == 1


def test_a_double_submit_merges_once(org, new_order):
    survivor, dup = new_order(), new_order()
    version = fresh(dup).version
    services.merge(fresh(dup), survivor.number, org.dispatcher, version)
    exc = refused(lambda: services.merge(Order(pk=dup.pk), survivor.number, org.dispatcher, version, center=org.center))
    assert exc.status == 409
    assert OrderEvent.objects.filter(order=survivor, code="tickets.event.merged_in").count() == 1
    assert fresh(survivor).description.count(dup.number) == 1


def test_orders_merged_into_a_duplicate_follow_it_to_the_survivor(org, new_order):
    a, b, c = new_order(), new_order(), new_order()
    merge(a, b.number, org.dispatcher)
    merge(b, c.number, org.dispatcher)
    assert fresh(a).merged_into_id == c.pk and fresh(b).merged_into_id == c.pk  # never a chain


def test_merged_duplicates_are_not_counted_as_matters_of_their_own(org, new_order):
    from kefu.tickets.selectors import kpi_order_rows

    survivor, dup = new_order(), new_order()
    merge(dup, survivor.number, org.dispatcher)
    now = timezone.now()
    ids = {r["id"] for r in kpi_order_rows(org.center, now - timedelta(days=1), now + timedelta(days=1))}
    assert survivor.pk in ids and dup.pk not in ids


def test_a_merged_order_is_destroyed_after_the_retention_period(org, new_order):
    survivor, dup = new_order(), new_order()
    merge(dup, survivor.number, org.dispatcher)
    days = services.policy(org.center)["retention_days"]
    Order.objects.filter(pk=dup.pk).update(merged_at=timezone.now() - timedelta(days=days + 1))
    assert services.destroy_expired() == 1
    assert not Order.objects.filter(pk=dup.pk).exists() and Order.objects.filter(pk=survivor.pk).exists()


# --- split --------------------------------------------------------------------------------------------------------
def split(order, actor, **fields):
    return services.split(fresh(order), actor, fresh(order).version, **fields)


def test_split_makes_a_new_order_of_the_same_customer_pointing_both_ways(org, new_order, fire):
    order = new_order(kind="complaint", level=2, channel="email", description="话费多扣；另外宽带经常断网")
    fire(order, "review", org.dispatcher, review_opinion="含两件事")
    original, new = split(
        order,
        org.dispatcher,
        subject="宽带经常断网",
        description="宽带经常断网，晚上尤甚",
        category="network",
        department="network",
        level="3",
        note="另立一单",
    )
    assert new.number != order.number and new.state == machine.ACCEPTED
    assert (new.customer_id, new.channel, new.acceptor_id) == (order.customer_id, "email", org.agent.pk)
    assert (new.subject, new.category, new.level, new.kind) == ("宽带经常断网", "network", 3, "complaint")
    assert new.route_department == org.depts["network"] and new.split_from_id == order.pk
    assert new.is_cross_province  # level 3 is cross-province, as for any new order
    # deadlines by the center's policy, counted from the same acceptance (004:L1293-1299)
    assert new.accepted_at == order.accepted_at
    assert new.due_at == services.resolution_due(org.center, "complaint", 3, order.accepted_at)
    assert new.promise_due_at == services.promise_due(org.center, "complaint", new.complexity, order.accepted_at)
    assert original.state == machine.REVIEWED and original.version == fresh(order).version
    mine = events(order)[-1]
    assert (mine.code, mine.from_state, mine.to_state) == ("tickets.order.transition.split", "reviewed", "reviewed")
    assert history.event_note(mine) == f"拆分出新工单 {new.number} · 另立一单"
    theirs = events(new)
    assert [e.code for e in theirs] == ["tickets.event.split_from"]
    assert history.event_title(theirs[0]) == f"由工单 {order.number} 拆分而来"
    with override("en"):
        assert history.event_title(theirs[0]) == f"Split from order {order.number}"
        assert history.event_note(mine).startswith(f"Split off as new order {new.number}")


def test_split_defaults_to_the_original_kind_category_and_routing(org, new_order):
    order = new_order(kind="consultation", category="tariff")
    _, new = split(order, org.supervisor, subject="套餐咨询", description="另问套餐")
    assert (new.kind, new.category, new.level) == ("consultation", "tariff", 1)
    assert new.due_at == services.resolution_due(org.center, "consultation", 1, order.accepted_at)


def test_split_refusals(org, new_order, fire):
    order = new_order()
    exc = refused(lambda: split(order, org.dispatcher, subject="", description=""))
    assert {p.field for p in exc.problems} == {"subject", "description"}
    assert all("拆分工单必须填写" in p.text for p in exc.problems)
    exc = refused(lambda: split(order, org.dispatcher, subject="x", description="y", kind="nonsense"))
    assert exc.problems[0].field == "kind"
    exc = refused(lambda: split(order, org.dispatcher, subject="x", description="y", department="nowhere"))
    assert exc.problems[0].field == "department"
    exc = refused(lambda: split(order, org.handler, subject="x", description="y"))
    assert exc.status == 403
    fire(order, "cancel", org.dispatcher, review_opinion="无效")
    exc = refused(lambda: split(order, org.dispatcher, subject="x", description="y"))
    assert exc.status == 409
    assert Order.objects.filter(split_from=order).count() == 0


def test_a_double_submitted_split_makes_one_order(org, new_order):
    order = new_order()
    version = fresh(order).version
    services.split(fresh(order), org.dispatcher, version, subject="第二件事", description="另一件事")
    exc = refused(
        lambda: services.split(fresh(order), org.dispatcher, version, subject="第二件事", description="另一件事")
    )
    assert exc.status == 409 and exc.problems[0].rule == "workflow.version_conflict"
    assert Order.objects.filter(split_from=order).count() == 1


# --- "我来处理" at the dispatcher's desk and the current handler ----------------------------------------------------
def test_a_dispatcher_takes_an_order_at_the_desk_until_it_is_dispatched(org, new_order, fire):
    """004:L2055, L2077: the dispatcher who reviews takes it; the dispatch hands it to the department (004:L2089)."""
    order = new_order()
    assert machine.holder(fresh(order)) is None
    done = fire(order, "take", org.dispatcher)
    assert done.state == machine.ACCEPTED and machine.holder(fresh(order)) == org.dispatcher
    assert events(order)[-1].code == "tickets.order.transition.take"
    exc = refused(lambda: fire(order, "take", org.supervisor))
    assert exc.status == 409 and exc.problems[0].rule == "tickets.take.taken"
    assert refused(lambda: fire(order, "take", org.handler)).status == 403
    fire(order, "review", org.dispatcher, review_opinion="有效")
    assert machine.holder(fresh(order)) == org.dispatcher  # still at the desk
    fire(order, "dispatch", org.dispatcher, dispatch_opinion="请核查", department="billing")
    assert fresh(order).claimed_by_id is None and machine.holder(fresh(order)) is None
    fire(order, "claim", org.handler)
    assert machine.holder(fresh(order)) == org.handler
    fire(order, "return", org.handler, return_reason="非本部门")
    assert machine.holder(fresh(order)) is None  # back at the desk, nobody has taken it again
    assert any(t.name == "take" for t in services.allowed_transitions(fresh(order), org.dispatcher))
