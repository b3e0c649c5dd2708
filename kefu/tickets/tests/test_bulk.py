"""Assign to me ("我来处理") and bulk dispatch / claim (issue 17, item 2): each order through the same transition."""

import json

import pytest

from kefu.errors import RuleViolation
from kefu.org import services as org_services
from kefu.scope import scope_of
from kefu.tickets import machine, services
from kefu.tickets.models import Order, OrderEvent
from kefu.web.tests.english import english


def reviewed(new_order, org, fire, **data):
    order = new_order(**data)
    return fire(order, "review", org.dispatcher, review_opinion="有效投诉")


def item(order):
    fresh = Order.objects.get(pk=order.pk)
    return {"id": fresh.pk, "version": fresh.version}


def test_claim_records_the_handler_once(org, new_order, fire):
    order = reviewed(new_order, org, fire)
    fire(order, "dispatch", org.dispatcher, dispatch_opinion="请核查扣费", department="billing")  # 004:L2077
    assert Order.objects.get(pk=order.pk).handler_id is None
    done = fire(order, "claim", org.handler)
    assert done.handler == org.handler and done.state == machine.PROCESSING
    event = OrderEvent.objects.filter(order=order).latest("pk")
    assert (event.name, event.code, event.staff_no) == ("claim", "tickets.order.transition.claim", "8002")
    with pytest.raises(RuleViolation) as taken:  # only while unclaimed
        fire(order, "claim", org.leader)
    assert taken.value.problems[0].rule == "tickets.claim.taken"
    with pytest.raises(RuleViolation) as outsider:  # only a member of the order's department
        fire(order, "claim", org.net_handler)
    assert outsider.value.status == 403


def test_transferred_order_may_be_claimed_at_the_new_department(org, new_order, fire):
    order = reviewed(new_order, org, fire)
    fire(order, "dispatch", org.dispatcher, dispatch_opinion="请核查", department="billing")
    fire(order, "claim", org.handler)
    fire(
        order,
        "transfer",
        org.handler,
        transfer_reason="网络原因",
        station="一站",
        department="network",
        handling_deadline="2099-01-01T10:00",
    )  # 004:L2105
    done = fire(order, "claim", org.net_handler)
    assert done.handler == org.net_handler


def test_bulk_dispatch_mixed_success_and_refusal(org, new_order, fire):
    ok1, ok2 = reviewed(new_order, org, fire), reviewed(new_order, org, fire)
    stale = reviewed(new_order, org, fire)
    stale_item = item(stale)
    fire(stale, "dispatch", org.dispatcher, dispatch_opinion="先派", department="network")  # version moves on
    fresh = new_order()  # not reviewed: dispatch is refused by state
    other = org_services.create_center("other", "另一中心")
    outsider_staff = org_services.create_staff(
        other, staff_no="7001", name="外中心客服", roles=["agent"], username="u7001", password="Kefu-test-2026!"
    )
    foreign = services.create_order(
        other,
        outsider_staff,
        {
            "kind": "complaint",
            "phone": "13900139000",
            "customer_name": "李四",
            "subject": "外中心",
            "description": "外中心工单",
            "category": "tariff",
            "level": 2,
        },
    )
    items = [item(ok1), stale_item, item(fresh), item(foreign), item(ok2)]
    results = services.bulk(
        scope_of(org.dispatcher),
        "dispatch",
        items,
        {"department": "billing", "dispatch_opinion": "批量派单：请核查扣费"},
    )
    by_id = {r.id: r for r in results}
    assert [r.id for r in results] == [i["id"] for i in items]
    assert by_id[ok1.pk].ok and by_id[ok2.pk].ok
    for o in (ok1, ok2):
        done = Order.objects.get(pk=o.pk)
        assert done.state == machine.PROCESSING and done.department == org.depts["billing"]
        assert done.dispatch_opinion == "批量派单：请核查扣费"
    assert not by_id[stale.pk].ok and by_id[stale.pk].problems[0].rule == "workflow.version_conflict"
    assert Order.objects.get(pk=stale.pk).department == org.depts["network"]
    assert not by_id[fresh.pk].ok and by_id[fresh.pk].number == fresh.number
    assert Order.objects.get(pk=fresh.pk).state == machine.ACCEPTED
    assert not by_id[foreign.pk].ok and by_id[foreign.pk].number == ""  # another center's: not found, never fired
    assert by_id[foreign.pk].problems[0].rule == "not_found"
    foreign = Order.objects.get(pk=foreign.pk)
    assert foreign.state == machine.ACCEPTED and foreign.version == 1


def test_bulk_claim_only_the_handlers_department(org, new_order, fire):
    mine, theirs, taken = (reviewed(new_order, org, fire) for _ in range(3))
    fire(mine, "dispatch", org.dispatcher, dispatch_opinion="派", department="billing")
    fire(theirs, "dispatch", org.dispatcher, dispatch_opinion="派", department="network")
    fire(taken, "dispatch", org.dispatcher, dispatch_opinion="派", department="billing")
    fire(taken, "claim", org.leader)
    results = services.bulk(scope_of(org.handler), "claim", [item(mine), item(theirs), item(taken)])
    assert [r.ok for r in results] == [True, False, False]
    assert results[1].problems[0].rule == "not_found"  # another department's order is not his to see
    assert results[2].problems[0].rule == "tickets.claim.taken"
    assert Order.objects.get(pk=mine.pk).handler == org.handler
    assert Order.objects.get(pk=taken.pk).handler == org.leader


@pytest.mark.parametrize(
    "action, ids, rule",
    [
        ("archive", [{"id": 1, "version": 1}], "tickets.bulk.unknown_action"),
        ("dispatch", [], "tickets.bulk.no_ids"),
        ("dispatch", ["x"], "tickets.bulk.bad_id"),
        ("dispatch", [{"id": 1}], "tickets.bulk.bad_id"),
        ("dispatch", [{"id": i, "version": 1} for i in range(201)], "tickets.bulk.too_many"),
    ],
)
def test_bulk_bad_input_is_named(org, action, ids, rule):
    with pytest.raises(RuleViolation) as exc:
        services.bulk(scope_of(org.dispatcher), action, ids, {})
    assert exc.value.problems[0].rule == rule and exc.value.problems[0].field in ("action", "ids")


def post(client, body):
    return client.post("/api/tickets/orders/bulk", data=json.dumps(body), content_type="application/json")


def test_bulk_api_answers_per_order(org, new_order, fire, client_for):
    good, fresh = reviewed(new_order, org, fire), new_order()
    r = post(
        client_for(org.dispatcher),
        {
            "action": "dispatch",
            "ids": [item(good), item(fresh), {"id": 999999, "version": 1}],
            "fields": {"department": "billing", "dispatch_opinion": "请核查"},
        },
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["done"], body["refused"]) == (1, 2)
    first, second, missing = body["results"]
    assert first["ok"] and first["state"] == "processing" and first["state_label"] == "处理中" and first["version"] == 3
    assert not second["ok"] and second["number"] == fresh.number and second["problems"][0]["message"]
    assert not missing["ok"] and missing["number"] == "" and "不存在" in missing["problems"][0]["message"]


def test_bulk_api_bad_input_and_permission(org, client_for):
    r = post(client_for(org.dispatcher), {"action": "dispatch", "ids": [], "fields": {}})
    assert r.status_code == 400 and r.json()["detail"][0] == {
        "field": "ids",
        "rule": "tickets.bulk.no_ids",
        "message": "请至少选择一张工单",
    }
    assert post(client_for(org.agent), {"action": "claim", "ids": [{"id": 1, "version": 1}]}).status_code == 403


def test_bulk_api_in_english(org, new_order, fire, client_for):
    order = reviewed(new_order, org, fire)
    fire(order, "dispatch", org.dispatcher, dispatch_opinion="派", department="billing")
    fire(order, "claim", org.leader)
    r = post(english(client_for(org.handler)), {"action": "claim", "ids": [item(order)]})
    problem = r.json()["results"][0]["problems"][0]["message"]
    assert problem == "Someone in the department is already handling this order"


def test_bulk_dispatch_page_in_english(org, new_order, fire, client_for):
    from kefu.web.tests.english import assert_english

    first, fresh = reviewed(new_order, org, fire), new_order()
    dispatcher = english(client_for(org.dispatcher))
    typed = ("张*", "话费多扣", "计费结算部", "网络维护部", "市场经营部", "后台受理组", "省客服中心")
    assert_english(
        dispatcher.get("/tickets/dispatch/"), "Dispatch to", "Dispatch selected", "Select all", user_data=typed
    )
    r = dispatcher.post(
        "/tickets/bulk/",
        {
            "action": "dispatch",
            "department": "billing",
            "dispatch_opinion": "请核查",
            "ids": [f"{first.pk}:{item(first)['version']}", f"{fresh.pk}:1"],
        },
        follow=True,
    )
    html = assert_english(r, "Dispatch: 1 done, 1 refused", user_data=typed)
    assert f"{fresh.number}: " in html
