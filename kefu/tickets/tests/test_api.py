"""The HTTP API: create (201), transitions, bad input (Chinese errors, nothing changed), unmask, screen pop."""

import json

import pytest

from kefu.audit.models import AuditRecord
from kefu.customers.models import Customer
from kefu.tickets.models import Compensation, Order, OrderEvent

BODY = {
    "kind": "complaint",
    "phone": "13800138000",
    "customer_name": "张三",
    "subject": "话费多扣",
    "description": "本月多扣50元",
    "category": "tariff",
    "level": 2,
}


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def counts():
    return (Order.objects.count(), Customer.objects.count(), OrderEvent.objects.count())


def test_create_and_flow_over_http(org, client_for):
    agent, disp, handler = client_for(org.agent), client_for(org.dispatcher), client_for(org.handler)
    r = post(agent, "/api/tickets/orders", BODY)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["state"] == "accepted" and body["version"] == 1 and body["number"].startswith("GD")
    oid = body["id"]
    avail = disp.get(f"/api/tickets/orders/{oid}/transitions").json()
    assert [t["name"] for t in avail] == ["review", "cancel", "take", "merge", "split"]
    r = post(disp, f"/api/tickets/orders/{oid}/transitions", {"name": "review", "version": 1, "review_opinion": "有效"})
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "reviewed" and r.json()["version"] == 2
    r = post(disp, f"/api/tickets/orders/{oid}/transitions", {"name": "dispatch", "version": 2})  # 004:L2077
    assert r.status_code == 400
    assert r.json()["detail"][0]["field"] == "dispatch_opinion" and "派送意见" in r.json()["detail"][0]["message"]
    r = post(
        disp,
        f"/api/tickets/orders/{oid}/transitions",
        {"name": "dispatch", "version": 2, "dispatch_opinion": "核查", "department": "billing"},
    )
    assert r.json()["state"] == "processing" and r.json()["department"] == "计费结算部"
    r = post(
        handler,
        f"/api/tickets/orders/{oid}/transitions",
        {"name": "resolve", "version": 2, "result": "x", "cause": "y"},
    )
    assert r.status_code == 409 and r.json()["detail"][0]["field"] == "version"
    r = post(
        client_for(org.net_handler),
        f"/api/tickets/orders/{oid}/transitions",
        {"name": "resolve", "version": 3, "result": "x", "cause": "y"},
    )
    assert r.status_code == 403  # another department's handler
    r = post(
        handler,
        f"/api/tickets/orders/{oid}/transitions",
        {"name": "resolve", "version": 3, "result": "已退", "cause": "重复扣费"},
    )
    assert r.status_code == 200 and r.json()["state"] == "resolved"
    detail = agent.get(f"/api/tickets/orders/{oid}").json()
    assert detail["customer_phone"] == "138****8000" and detail["customer_name"] == "张*"
    assert [e["name"] for e in detail["events"]] == ["accept", "review", "dispatch", "resolve"]
    assert detail["events"][1]["staff_no"] == "4001" and detail["allowed"] == ["reply"]


@pytest.mark.parametrize(
    "patch, field, code",
    [
        ({"phone": "123"}, "phone", 400),  # 12345 itself is a valid service number
        ({"phone": "1380013800a"}, "phone", 400),
        ({"level": "高"}, "level", 422),
        ({"level": 5}, "level", 400),
        ({"subject": "长" * 101}, "subject", 422),
        ({"description": ""}, "description", 400),
        ({"kind": "praise"}, "kind", 400),
        ({"category": "weather"}, "category", 400),
        ({"all_agents_busy": True, "channel": "phone"}, "channel", 400),
        ({"callback_at": "明天"}, "callback_at", 422),
        ({"is_cross_province": "maybe"}, "is_cross_province", 422),
    ],
)
def test_bad_create_input_changes_nothing(org, client_for, patch, field, code):
    before = counts()
    r = post(client_for(org.agent), "/api/tickets/orders", {**BODY, **patch})
    assert r.status_code == code, r.content
    problem = r.json()["detail"][0]
    assert problem["field"] == field
    assert any("\u4e00" <= ch <= "\u9fff" for ch in problem["message"])  # a Chinese message
    assert counts() == before


def test_bad_transition_input_changes_nothing(org, client_for, new_order, fire):
    order = new_order()
    fire(order, "review", org.dispatcher, review_opinion="有效")
    disp = client_for(org.dispatcher)
    before = (counts(), Order.objects.get(pk=order.pk).version)
    url = f"/api/tickets/orders/{order.pk}/transitions"
    cases = [
        ({"name": "dispatch", "version": 2, "dispatch_opinion": "x" * 501}, 400, "dispatch_opinion"),
        ({"name": "dispatch", "version": 2, "dispatch_opinion": "x", "department": "nowhere"}, 400, "department"),
        (
            {
                "name": "dispatch",
                "version": 2,
                "dispatch_opinion": "x",
                "handling_deadline": "2020-01-01T00:00:00+08:00",
            },
            400,
            "handling_deadline",
        ),
        ({"name": "dispatch", "version": 2, "dispatch_opinion": "x", "bogus": 1}, 400, "bogus"),
        ({"name": "dispatch", "version": "二"}, 422, "version"),
        ({"name": "dispatch", "version": 2, "dispatch_opinion": 42}, 400, "dispatch_opinion"),
        ({"name": "teleport", "version": 2}, 400, "name"),
    ]
    for body, code, field in cases:
        r = post(disp, url, body)
        assert r.status_code == code, (body, r.content)
        assert r.json()["detail"][0]["field"] == field, (body, r.json())
    assert (counts(), Order.objects.get(pk=order.pk).version) == before


def test_unmask_is_audited_and_limited(org, client_for, new_order):
    order = new_order()
    r = client_for(org.agent).post(f"/api/tickets/orders/{order.pk}/unmask")
    assert r.status_code == 403  # agents are not in UNMASK_ROLES
    r = client_for(org.senior).post(f"/api/tickets/orders/{order.pk}/unmask")
    assert r.status_code == 200 and r.json()["phone"] == "13800138000" and r.json()["name"] == "张三"
    rec = AuditRecord.objects.get(action="unmask")
    assert rec.staff_no == "3001" and rec.object_ids == str(order.customer_id)


def test_screen_pop(org, client_for, new_order):
    new_order()
    agent = client_for(org.agent)
    r = agent.get("/api/tickets/screen-pop", {"phone": "138 0013 8000"})
    assert r.status_code == 200
    body = r.json()
    assert body["found"] and body["phone"] == "138****8000" and body["recent"][0]["subject"] == "话费多扣"
    assert AuditRecord.objects.filter(action="read", object_type="customers.customer").count() == 1
    r = agent.get("/api/tickets/screen-pop", {"phone": "abc"})
    assert r.status_code == 400 and r.json()["detail"][0]["field"] == "phone"
    assert agent.get("/api/tickets/screen-pop", {"phone": "13900000000"}).json()["found"] is False


def test_busy_options_are_exactly_two(org, client_for):
    r = client_for(org.agent).get("/api/tickets/busy-options")  # 004:L2021
    assert [o["channel"] for o in r.json()] == ["recording", "callback"]


def test_list_filters(org, client_for, new_order, fire):
    a = new_order()
    new_order(kind="consultation", phone="13900139000")
    fire(a, "review", org.dispatcher, review_opinion="有效")
    client = client_for(org.supervisor)
    assert [o["id"] for o in client.get("/api/tickets/orders", {"state": "reviewed"}).json()] == [a.pk]
    assert len(client.get("/api/tickets/orders", {"kind": "consultation"}).json()) == 1
    assert client.get("/api/tickets/orders", {"state": "nope"}).status_code == 400
    mine = client_for(org.agent).get("/api/tickets/orders", {"mine": True}).json()
    assert len(mine) == 2
    assert client.get("/api/tickets/orders", {"overdue": True}).json() == []


@pytest.mark.parametrize(
    "amount, approver, may, may_not",
    [
        ("999.99", "sales_manager", "supervisor", "dispatcher"),
        ("1000", "deputy_gm", "manager", "supervisor"),  # boundary: 1000 is in the deputy GM tier (002:L150-158)
        ("5000", "deputy_gm", "manager", "supervisor"),
        ("5000.01", "gm", "admin", "manager"),
    ],
)
def test_compensation_tiers(org, client_for, new_order, amount, approver, may, may_not):
    order = new_order()
    r = post(
        client_for(org.agent),
        f"/api/tickets/orders/{order.pk}/compensations",
        {"amount": amount, "reason": "多扣费补偿"},
    )
    assert r.status_code == 201 and r.json()["approver"] == approver
    cid = r.json()["id"]
    people = {"supervisor": org.supervisor, "manager": org.manager, "admin": org.admin, "dispatcher": org.dispatcher}
    denied = post(client_for(people[may_not]), f"/api/tickets/compensations/{cid}/decision", {"approve": True})
    assert denied.status_code == 403
    assert Compensation.objects.get(pk=cid).state == "pending"
    ok = post(client_for(people[may]), f"/api/tickets/compensations/{cid}/decision", {"approve": True, "note": "同意"})
    assert ok.status_code == 200 and ok.json()["state"] == "approved"


def test_compensation_bad_amount(org, client_for, new_order):
    order = new_order()
    for amount in ("-1", "0", "abc"):
        r = post(
            client_for(org.agent), f"/api/tickets/orders/{order.pk}/compensations", {"amount": amount, "reason": "x"}
        )
        assert r.status_code in (400, 422)
    assert not Compensation.objects.exists()


def test_case_library_search(org, client_for, new_order, fire):
    from kefu.tickets.selectors import search_cases

    order = new_order()
    fire(order, "answer", org.agent, reply_opinion="已答", satisfaction="satisfied")
    fire(
        order,
        "archive",
        org.dispatcher,
        analysis="重复扣费系统缺陷",
        is_typical=True,
        case_title="重复扣费",
        case_tags="计费",
    )
    assert [c.title for c in search_cases("扣费 缺陷", 5)] == ["重复扣费"]
    assert search_cases("宽带", 5) == []
    r = client_for(org.qa).get("/api/tickets/cases", {"q": "计费"})
    assert r.status_code == 200 and r.json()[0]["order"] == order.number


def test_export_is_masked_and_audited(org, client_for, new_order):
    from io import BytesIO

    from openpyxl import load_workbook

    new_order()
    r = client_for(org.supervisor).get("/api/tickets/orders-export")
    assert r.status_code == 200
    ws = load_workbook(BytesIO(r.content)).active
    assert ws.cell(1, 1).value == "工单流水号" and ws.cell(2, 7).value == "138****8000"
    assert AuditRecord.objects.filter(action="export", object_type="tickets.order").exists()


def test_case_hits_fragment_beside_dispatch(org, client_for, new_order, fire):
    """004:L2157: the case library is searchable while dispatching."""
    done = new_order()
    fire(done, "answer", org.agent, reply_opinion="已答", satisfaction="satisfied")
    fire(done, "archive", org.dispatcher, analysis="系统重复扣费", is_typical=True, case_title="话费多扣典型案例")
    pending = new_order(phone="13900139000")
    fire(pending, "review", org.dispatcher, review_opinion="有效")
    client = client_for(org.dispatcher)
    page = client.get(f"/tickets/orders/{pending.pk}/").content.decode()
    assert "案例库参考" in page
    hits = client.get("/tickets/cases/search/", {"q": "话费多扣"}).content.decode()
    assert "话费多扣典型案例" in hits
