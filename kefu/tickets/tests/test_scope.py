"""Breaches of issue 13 found from outside, in the orders' API: a department handler reads only his department's
orders (and unmasks only their customers), the case library is the caller's center's and its reads are audited,
and nobody approves the compensation they asked for (002:L150-158: the tier's approver decides a request)."""

from __future__ import annotations

import json

from kefu.audit.models import AuditRecord
from kefu.tickets.models import Compensation, Order, TypicalCase

PHONE = "13800138000"


def post(client, url, body=None):
    return client.post(url, data=json.dumps(body or {}), content_type="application/json")


def _dispatched(org, new_order, fire, department: str, phone: str) -> Order:
    order = new_order(phone=phone)
    fire(order, "review", org.dispatcher, review_opinion="有效")
    return fire(order, "dispatch", org.dispatcher, dispatch_opinion="请核查", department=department)


def test_a_department_handler_sees_only_his_departments_orders(org, new_order, fire, client_for):
    ours = _dispatched(org, new_order, fire, "billing", "13800138001")
    theirs = _dispatched(org, new_order, fire, "network", "13800138002")
    assert {ours.department_id, theirs.department_id} == {org.depts["billing"].pk, org.depts["network"].pk}
    handler = client_for(org.handler)  # billing

    listed = handler.get("/api/tickets/orders?limit=500").json()
    assert [o["id"] for o in listed] == [ours.pk]
    assert handler.get(f"/api/tickets/orders?department={org.depts['network'].pk}").json() == []
    assert handler.get(f"/api/tickets/orders/{theirs.pk}").status_code == 404
    assert handler.get(f"/api/tickets/orders/{theirs.pk}/transitions").status_code == 404
    before = AuditRecord.objects.filter(action=AuditRecord.Action.UNMASK).count()
    refused = post(handler, f"/api/tickets/orders/{theirs.pk}/unmask")
    assert refused.status_code == 404 and "13800138002" not in refused.content.decode()
    assert AuditRecord.objects.filter(action=AuditRecord.Action.UNMASK).count() == before

    own = post(handler, f"/api/tickets/orders/{ours.pk}/unmask")
    assert own.status_code == 200 and own.json()["phone"] == "13800138001"
    # the other department's handler is limited the same way; the dispatcher sees both
    assert [o["id"] for o in client_for(org.net_handler).get("/api/tickets/orders").json()] == [theirs.pk]
    assert {o["id"] for o in client_for(org.dispatcher).get("/api/tickets/orders").json()} >= {ours.pk, theirs.pk}


def test_the_case_library_is_the_callers_centers_and_its_reads_are_audited(org, new_order, client_for, db):
    from kefu.org import services as org_services

    order = new_order()
    case = TypicalCase.objects.create(
        order=order, title="多扣话费退费", summary="甲中心的案例", analysis="重复扣费", category="tariff", tags="话费"
    )
    other = org_services.create_center("second", "第二中心")
    stranger = org_services.create_staff(
        other, staff_no="B901", name="乙坐席", roles=["agent"], username="b901", password="Kefu-test-2026!"
    )
    assert client_for(stranger).get("/api/tickets/cases?q=话费").json() == []
    assert client_for(stranger).get("/api/knowledge/search?q=话费").json()["cases"] == []

    before = AuditRecord.objects.count()
    found = client_for(org.agent).get("/api/tickets/cases?q=话费").json()
    assert [c["id"] for c in found] == [case.pk]
    read = AuditRecord.objects.exclude(pk__lte=before).get(object_type="tickets.case")
    assert read.action == AuditRecord.Action.READ and read.object_ids == str(case.pk) and read.staff_no == "2001"


def test_nobody_approves_their_own_compensation(org, new_order, client_for):
    """A supervisor who asked for a compensation cannot approve it (002:L150-158); another supervisor can."""
    order = new_order()
    asked = post(
        client_for(org.supervisor),
        f"/api/tickets/orders/{order.pk}/compensations",
        {"amount": "200", "reason": "多扣话费赔偿"},
    )
    assert asked.status_code == 201, asked.content
    comp_id = asked.json()["id"]
    own = post(
        client_for(org.supervisor), f"/api/tickets/compensations/{comp_id}/decision", {"approve": True, "note": "同意"}
    )
    assert own.status_code == 403, own.content
    assert Compensation.objects.get(pk=comp_id).state == Compensation.State.PENDING
    approved = post(
        client_for(org.manager), f"/api/tickets/compensations/{comp_id}/decision", {"approve": True, "note": "同意"}
    )
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
